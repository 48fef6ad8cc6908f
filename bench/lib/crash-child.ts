/**
 * What every SIGKILL crash harness shares (queue, spent store, redeem): a
 * child bundled once, and a child process that speaks a line protocol on
 * stdout (`<tag> <value>`), announces `ready <ms>` once it has opened its
 * stores, and is expected to die only by SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';

/** One life of a child: ready resolves with its open time in ms (-1 if it died first). */
export interface Life {
  child: ChildProcess;
  ready: Promise<number>;
  exited: Promise<void>;
}

/**
 * Bundles `entry` once with esbuild, so each restart costs a plain `node`
 * start rather than a TypeScript compile. Natives and drivers named in
 * `external` resolve from the repository's node_modules, where the bundle is
 * written.
 */
export async function bundleChild(entry: string, external: string[] = []): Promise<string> {
  const root = join(import.meta.dirname, '..', '..');
  const name = entry.replace(/^.*[\\/]/, '').replace(/\.ts$/, '.mjs');
  const outfile = join(root, 'node_modules', '.cache', 'tallystick-bench', name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@tallystick/source'],
    external,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * Starts `node script ...args` and hands every stdout line but `ready` to
 * `onLine(tag, value)`. `onReady` runs when `ready` is read, before any later
 * line of the same chunk, so a harness can tell the old life's lines from
 * the new one's. An exit by anything but SIGKILL is reported to `onFailure`.
 */
export function launchChild(
  script: string,
  args: readonly string[],
  onLine: (tag: string, value: string, line: string) => void,
  onFailure: (message: string) => void,
  onReady: () => void = () => {},
): Life {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let rest = '';
  let stderr = '';
  let resolveReady: (ms: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (resolveReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const space = line.indexOf(' ');
      const tag = space < 0 ? line : line.slice(0, space);
      const value = space < 0 ? '' : line.slice(space + 1);
      if (tag === 'ready') {
        onReady();
        resolveReady(Number(value.split(' ')[0]));
      } else onLine(tag, value, line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') onFailure(`child exited with ${code ?? signal}: ${stderr.slice(-2000)}`);
      resolveReady(-1);
      resolve();
    }),
  );
  return { child, ready, exited };
}
