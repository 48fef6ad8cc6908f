/**
 * A durable file that is not a regular file: a FIFO, a directory or a socket
 * where a log or a lock should be (a mistake, or someone who wants the till to
 * hang or to "write" into nothing). Reading a FIFO blocks until a writer comes,
 * forever on an unattended till, and writing into one persists nothing. Every
 * open through `nodeFileSystem` refuses such a path at once instead.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLockFile, errorCode, nodeFileSystem } from '../src/node/index.js';

const posix = process.platform !== 'win32';
const root = mkdtempSync(join(tmpdir(), 'tallystick-nonreg-'));
const fifos: string[] = [];
let n = 0;

/** A fresh FIFO; unblocked after the suite so a read the old code left waiting can end. */
function makeFifo(dir = root): string {
  const path = join(dir, `f${n++}`);
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
}

afterAll(() => {
  for (const path of fifos) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waiting (ENXIO): nothing to unblock.
    }
  }
  rmSync(root, { recursive: true, force: true });
});

/** Settles within `ms` or reports a hang, so a regression fails instead of stalling the suite. */
function within<T>(p: Promise<T>, ms = 2000): Promise<T | 'hung'> {
  return Promise.race([p, new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms).unref())]);
}

const outcome = (p: Promise<unknown>) =>
  within(
    p.then(
      () => 'opened',
      (e: unknown) => errorCode(e) ?? (e as Error).name,
    ),
  );

describe.skipIf(!posix)('nodeFileSystem refuses paths that are not regular files', () => {
  it('readFile of a FIFO rejects at once (EINVAL), never waits for a writer', async () => {
    expect(await outcome(nodeFileSystem.readFile(makeFifo()))).toBe('EINVAL');
  });

  for (const flags of ['r', 'r+', 'w', 'wx+']) {
    it(`open(FIFO, '${flags}') rejects at once`, async () => {
      const code = await outcome(nodeFileSystem.open(makeFifo(), flags));
      // 'wx' fails on any existing path; a write-only open of a FIFO nobody reads is ENXIO; else fstat refuses.
      expect(code).toBe(flags.startsWith('wx') ? 'EEXIST' : flags === 'w' ? 'ENXIO' : 'EINVAL');
    });
  }

  it('open and readFile of a directory reject', async () => {
    const dir = join(root, `d${n++}`);
    mkdirSync(dir);
    expect(await outcome(nodeFileSystem.readFile(dir))).toBe('EISDIR');
    expect(await outcome(nodeFileSystem.open(dir, 'r+'))).toBe('EISDIR');
    expect(await outcome(nodeFileSystem.open(dir, 'r'))).toBe('EISDIR');
  });

  it('a regular file still opens and reads, also with r', async () => {
    const path = join(root, `r${n++}`);
    const h = await nodeFileSystem.open(path, 'wx+');
    await h.write(new Uint8Array([1, 2, 3]), 0, 3, 0);
    await h.close();
    expect(Array.from(await nodeFileSystem.readFile(path))).toEqual([1, 2, 3]);
    const r = await nodeFileSystem.open(path, 'r');
    const buf = new Uint8Array(3);
    expect((await r.read(buf, 0, 3, 0)).bytesRead).toBe(3);
    await r.close();
  });

  it('a lock path that is a FIFO: ERR_LOCKED at once, not a hang', async () => {
    const dir = join(root, `l${n++}`);
    mkdirSync(dir);
    const lock = makeFifo(dir);
    expect(await outcome(acquireLockFile(lock))).toBe('ERR_LOCKED');
  });
});
