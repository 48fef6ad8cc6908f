import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isTallystickError } from '../src/index.js';
import { processStart } from '../src/lib/process-identity.js';
import { acquireLockFile, type FileSystem, isProcessAlive, nodeFileSystem } from '../src/node/index.js';
import { deadPid, race } from './lock-race.js';

const root = mkdtempSync(join(tmpdir(), 'tallystick-lock-'));
let n = 0;
const fresh = () => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return join(dir, 'x.lock');
};
afterAll(() => rmSync(root, { recursive: true, force: true }));
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'acquired',
    (e: unknown) => e,
  );
const locked = (error: unknown, pattern?: RegExp) =>
  isTallystickError(error, 'ERR_LOCKED') && (pattern === undefined || pattern.test(error.message));
const owner = (fields: object) => JSON.stringify({ host: hostname(), token: 'stale-token', ...fields });
const child = fileURLToPath(new URL('./lock-child.ts', import.meta.url));

describe('lock file: one opener in this process', () => {
  it('of two concurrent acquires of one file, exactly one wins; after release it can be taken again', async () => {
    const path = fresh();
    const results = await Promise.allSettled([acquireLockFile(path), acquireLockFile(path)]);
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(won).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(locked(lost.reason, /already open in this process/)).toBe(true);
    await won[0]!.release();
    await won[0]!.release(); // idempotent
    await (await acquireLockFile(path)).release();
    expect(readdirSync(join(path, '..'))).toEqual([]); // no staging or lock file left behind
  });

  it('refuses the same file under another name (a symlinked directory, a relative path)', async () => {
    const path = fresh();
    const alias = join(root, `alias${n++}`);
    symlinkSync(join(path, '..'), alias);
    const lock = await acquireLockFile(path);
    expect(locked(await refusal(acquireLockFile(join(alias, 'x.lock'))), /this process/)).toBe(true);
    expect(locked(await refusal(acquireLockFile(join(path, '..', '.', 'x.lock'))))).toBe(true);
    await lock.release();
  });

  it('refuses a lock held by another thread of this process (same pid and start time)', async () => {
    const path = fresh();
    writeFileSync(path, owner({ pid: process.pid, start: processStart(process.pid) }));
    expect(locked(await refusal(acquireLockFile(path)), /this process/)).toBe(true);
  });

  it('refuses a live process, another host, and a file it did not write', async () => {
    const path = fresh();
    writeFileSync(path, owner({ pid: process.ppid }));
    expect(locked(await refusal(acquireLockFile(path)), new RegExp(`running process ${process.ppid}`))).toBe(
      true,
    );
    writeFileSync(path, owner({ pid: 1, host: 'elsewhere' }));
    expect(locked(await refusal(acquireLockFile(path, { isProcessAlive: () => false })), /elsewhere/)).toBe(
      true,
    );
    writeFileSync(path, '{"hello":');
    expect(locked(await refusal(acquireLockFile(path)), /not a lock file/)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('{"hello":');
  });

  it.each([
    ['a dead pid', async () => owner({ pid: await deadPid() })],
    ['a dead pid in the old bare-pid format', async () => String(await deadPid())],
    ['an empty file (the old lock died between create and write)', async () => ''],
    [
      'our own pid from an earlier process (a container restart)',
      async () => owner({ pid: process.pid, start: '1' }),
    ],
    [
      'a reused pid (alive, but started at another time)',
      async () => owner({ pid: process.ppid, start: '1' }),
    ],
  ])('takes over a stale lock: %s', async (_, content) => {
    if (processStart(process.pid) === undefined && /start/.test(_)) return; // needs /proc
    const path = fresh();
    writeFileSync(path, await content());
    const lock = await acquireLockFile(path);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('a slow taker that saw a stale lock never removes the live lock a faster taker put there', async () => {
    // Two names for one directory that this process's registry sees as different files.
    const path = fresh();
    const [a, b] = [join(root, `a${n}`), join(root, `b${n++}`)];
    const real = join(path, '..');
    const mapped = (p: string) => p.replace(a, real).replace(b, real);
    // The first read (the slow taker reading the stale lock) waits at `gate` until the fast taker holds the lock.
    let open: () => void = () => {};
    let gate: Promise<void> | undefined = new Promise((resolve) => (open = resolve));
    let reachedGate: () => void = () => {};
    const reached = new Promise<void>((resolve) => (reachedGate = resolve));
    const slowReads: FileSystem = {
      ...nodeFileSystem,
      open: (p, f) => nodeFileSystem.open(mapped(p), f),
      rename: (x, y) => nodeFileSystem.rename(mapped(x), mapped(y)),
      link: (x, y) => nodeFileSystem.link(mapped(x), mapped(y)),
      unlink: (p) => nodeFileSystem.unlink(mapped(p)),
      readFile: async (p) => {
        const bytes = await nodeFileSystem.readFile(mapped(p));
        const wait = gate;
        gate = undefined;
        if (wait) {
          reachedGate();
          await wait;
        }
        return bytes;
      },
    };
    writeFileSync(path, owner({ pid: await deadPid() }));
    const slow = refusal(acquireLockFile(join(a, 'x.lock'), { fs: slowReads }));
    await reached;
    const fast = await acquireLockFile(join(b, 'x.lock'), { fs: slowReads });
    const held = readFileSync(path, 'utf8');
    open();
    expect(locked(await slow, /this process/)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(held);
    await fast.release();
  });

  it('isProcessAlive: this process is, a dead pid and nonsense are not', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(await deadPid())).toBe(false);
    expect(isProcessAlive(0)).toBe(false);
    expect(isProcessAlive(-1)).toBe(false);
  });
});

describe('lock file: one opener across processes', () => {
  it('of four processes racing for a free lock, and over a stale lock of a dead process, exactly one wins each round', async () => {
    for (const stale of [false, true, false, true]) {
      const path = fresh();
      if (stale) writeFileSync(path, owner({ pid: await deadPid() }));
      const result = await race(child, [path], 4);
      expect(result.won, result.lost.join('\n')).toBe(1);
      for (const line of result.lost) expect(line).toMatch(/^lost ERR_LOCKED /);
    }
  }, 60_000);
});
