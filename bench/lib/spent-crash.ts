/**
 * The crash test behind bench/scenarios/crash-spent.ts and the short version in
 * the token package's tests: SIGKILL a process redeeming into the file spent
 * store at random moments, restart it, and count acknowledged ids that are
 * lost (not spent after a reopen) or doubled (acknowledged twice across
 * restarts, i.e. a token redeemed a second time).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openFileSpentStore } from '@tallystick/token/spent-file';
import { build } from 'esbuild';

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

/** Bundles the child once, so each restart is a plain `node` start rather than a TypeScript compile. */
async function bundleChild(): Promise<string> {
  const outfile = join(
    here,
    '..',
    '..',
    'node_modules',
    '.cache',
    'tallystick-bench',
    'spent-crash-child.mjs',
  );
  await build({
    entryPoints: [join(here, 'spent-crash-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tallystick/source'],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

function launch(script: string, args: string[], acks: Map<string, number>, failures: string[]) {
  const child: ChildProcess = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let rest = '';
  let stderr = '';
  let onReady: (ms: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('a ')) acks.set(line.slice(2), (acks.get(line.slice(2)) ?? 0) + 1);
      else if (line.startsWith('ready ')) onReady(Number(line.slice(6)));
      else if (line.startsWith('fatal ')) failures.push(line.slice(6));
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') failures.push(`child exited with ${code ?? signal}: ${stderr.slice(-2000)}`);
      onReady(-1);
      resolve();
    }),
  );
  return { child, ready, exited };
}

export async function runSpentCrashTest(options: SpentCrashOptions): Promise<SpentCrashResult> {
  const { kills, minRunMs = 30, maxRunMs = 600, retry = 400, log = () => {} } = options;
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-spent-crash-'));
  const path = join(dir, 'spent.log');
  const previous = join(dir, 'previous.txt');
  const acks = new Map<string, number>();
  const failures: string[] = [];
  const script = await bundleChild();
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
