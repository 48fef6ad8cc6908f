/**
 * The crash test behind bench/scenarios/crash-spent.ts and the short version in
 * the token package's tests: SIGKILL a process redeeming into the file spent
 * store at random moments, restart it, and count acknowledged ids that are
 * lost (not spent after a reopen) or doubled (acknowledged twice across
 * restarts, i.e. a token redeemed a second time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileSpentStore } from '@tallystick/token/spent-file';
import { bundleChild, type Life, launchChild } from './crash-child.js';

export interface SpentCrashOptions {
  kills: number;
  /** Time the child runs before the kill, uniform in [minRunMs, maxRunMs] after it is ready. */
  minRunMs?: number;
  maxRunMs?: number;
  /** Previously acknowledged ids each restart tries again (a sample, to bound start-up). */
  retry?: number;
  log?: (line: string) => void;
}

export interface SpentCrashResult {
  kills: number;
  cleanOpens: number;
  failures: string[];
  acked: number;
  /** Acknowledged ids not spent after the final reopen. */
  lost: number;
  /** Ids acknowledged twice across restarts, plus acknowledged ids the final reopen accepted again. */
  doubled: number;
  slowestOpenMs: number;
  seconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

function launch(script: string, args: string[], acks: Map<string, number>, failures: string[]): Life {
  return launchChild(
    script,
    args,
    (tag, value) => {
      if (tag === 'a') acks.set(value, (acks.get(value) ?? 0) + 1);
      else if (tag === 'fatal') failures.push(value);
    },
    (message) => failures.push(message),
  );
}

export async function runSpentCrashTest(options: SpentCrashOptions): Promise<SpentCrashResult> {
  const { kills, minRunMs = 30, maxRunMs = 600, retry = 400, log = () => {} } = options;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-crash-'));
  const path = join(dir, 'spent.log');
  const previous = join(dir, 'previous.txt');
  const acks = new Map<string, number>();
  const failures: string[] = [];
  const script = await bundleChild(join(here, 'spent-crash-child.ts'));
  let cleanOpens = 0;
  let slowestOpenMs = 0;
  try {
    for (let k = 0; k < kills; k++) {
      const known = [...acks.keys()];
      const sample = Array.from(
        { length: Math.min(retry, known.length) },
        () => known[Math.floor(random() * known.length)]!,
      );
      writeFileSync(previous, sample.join('\n'));
      const life = launch(script, [path, previous], acks, failures);
      const openMs = await life.ready;
      if (openMs < 0) break;
      cleanOpens++;
      slowestOpenMs = Math.max(slowestOpenMs, openMs);
      await new Promise((r) => setTimeout(r, minRunMs + Math.floor(random() * (maxRunMs - minRunMs))));
      life.child.kill('SIGKILL');
      await life.exited;
      if ((k + 1) % 25 === 0) log(`${k + 1} kills, ${acks.size} acknowledged redemptions`);
    }
    const store = await openFileSpentStore({ path });
    cleanOpens++;
    let lost = 0;
    let acceptedAgain = 0;
    for (const id of acks.keys()) if (!(await store.has(id))) lost++;
    for (const id of acks.keys()) {
      if (await store.checkAndAdd(id, Date.now() + 3_600_000, Date.now())) acceptedAgain++;
    }
    await store.close();
    return {
      kills,
      cleanOpens,
      failures,
      acked: acks.size,
      lost,
      doubled: [...acks.values()].filter((n) => n > 1).length + acceptedAgain,
      slowestOpenMs,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
