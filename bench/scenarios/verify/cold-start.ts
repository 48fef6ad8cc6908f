/**
 * Cold start for bench/verify: the first verify with a key the process has
 * never seen, prepareKey included, in fresh processes and in a warm one.
 * Fresh processes report wall-clock and CPU milliseconds: on a loaded box the
 * wall clock also counts the time other processes held the core, the CPU
 * time only the work (see cpu-race.ts).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ours from '../../../packages/token/src/crypto/index.js';
import { median, printRows, QUICK } from '../../lib/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const CRYPTO_INDEX = join(here, '..', '..', '..', 'packages', 'token', 'src', 'crypto', 'index.ts');

export interface ColdStart {
  freshProcessMs: Record<string, number[]>;
  freshProcessCpuMs: Record<string, number[]>;
  warmProcessNewKeyMs: Record<string, number[]>;
}

/**
 * The first verify with a new key, prepareKey included: in fresh processes
 * (code not yet compiled, the base point's tables not yet built) and with
 * new keys in this warm process.
 */
export function coldStart(): ColdStart {
  const runs = QUICK ? 2 : 5;
  const freshProcessMs: Record<string, number[]> = { noble: [], native: [] };
  const freshProcessCpuMs: Record<string, number[]> = { noble: [], native: [] };
  const script = `
    const c = await import(${JSON.stringify(CRYPTO_INDEX)});
    const m = new Uint8Array(120), kp = c.generateKeyPair(), s = c.sign(m, kp.secretKey);
    const t = performance.now(), u = process.cpuUsage();
    const ok = c.verifyPrepared(c.prepareKey(kp.publicKey, process.argv[1]), s, m);
    const used = process.cpuUsage(u);
    console.log(JSON.stringify({ ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, ok }));`;
  for (const backend of ['noble', 'native']) {
    for (let i = 0; i < runs; i++) {
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--conditions=@tallystick/source', '--input-type=module', '-e', script, backend],
        { encoding: 'utf8', cwd: join(here, '..', '..') },
      );
      const line = child.stdout.trim().split('\n').pop() ?? '';
      const parsed = JSON.parse(line) as { ms: number; cpuMs: number; ok: boolean };
      if (!parsed.ok) throw new Error('cold start verify failed');
      freshProcessMs[backend]!.push(round(parsed.ms));
      freshProcessCpuMs[backend]!.push(round(parsed.cpuMs));
    }
  }
  const warmProcessNewKeyMs: Record<string, number[]> = { noble: [], native: [] };
  const m = new Uint8Array(120);
  for (const backend of ['noble', 'native'] as const) {
    for (let i = 0; i < 20; i++) {
      const kp = ours.generateKeyPair();
      const s = ours.sign(m, kp.secretKey);
      const t = performance.now();
      const ok = ours.verifyPrepared(ours.prepareKey(kp.publicKey, backend)!, s, m);
      warmProcessNewKeyMs[backend]!.push(round(performance.now() - t));
      if (!ok) throw new Error('cold start verify failed');
    }
  }
  return { freshProcessMs, freshProcessCpuMs, warmProcessNewKeyMs };
}

export function printColdStart(cold: ColdStart): void {
  const rows = (['noble', 'native'] as const).map((b) => ({
    backend: b,
    // A median of an even count averages two samples, so round again for the table.
    'fresh process, median ms': round(median(cold.freshProcessMs[b]!)),
    'fresh process, max ms': Math.max(...cold.freshProcessMs[b]!),
    'fresh process, median CPU ms': round(median(cold.freshProcessCpuMs[b]!)),
    'fresh process, max CPU ms': Math.max(...cold.freshProcessCpuMs[b]!),
    'new key in warm process, median ms': round(median(cold.warmProcessNewKeyMs[b]!)),
    'new key in warm process, max ms': Math.max(...cold.warmProcessNewKeyMs[b]!),
  }));
  printRows('verify: cold start (prepareKey + first verifyPrepared with a new key; target <= 20 ms)', rows);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
