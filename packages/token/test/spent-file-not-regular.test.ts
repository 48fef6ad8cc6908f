/**
 * The file spent store where its log or its lock should be a regular file finds a FIFO or a
 * directory: it refuses to open at once (a typed error), never hangs waiting
 * for a writer and never "writes" into a pipe that persists nothing.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileSpentStore } from '../src/spent-file.js';

const root = mkdtempSync(join(tmpdir(), 'tallystick-nonreg-'));
const fifos: string[] = [];
let n = 0;
const freshDir = () => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
};
const fifo = (path: string) => {
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  return path;
};
afterAll(() => {
  // Unblock a read that a regression left waiting, so the worker can exit.
  for (const path of fifos) {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waiting.
    }
  }
  rmSync(root, { recursive: true, force: true });
});

const outcome = (p: Promise<{ close(): Promise<void> }>) =>
  Promise.race([
    p.then(
      async (store) => {
        await store.close();
        return 'opened';
      },
      (e: unknown) => (e as { code?: string }).code,
    ),
    new Promise<string>((r) => setTimeout(() => r('hung'), 2000).unref()),
  ]);

describe.skipIf(process.platform === 'win32')(
  'the file spent store refuses a log or lock that is not a regular file',
  () => {
    it('log is a FIFO: ERR_STORE at once', async () => {
      const dir = freshDir();
      const log = fifo(join(dir, 'spent.log'));
      expect(await outcome(openFileSpentStore({ path: log }))).toBe('ERR_STORE');
    });

    it('log is a directory: ERR_STORE', async () => {
      const dir = freshDir();
      const log = join(dir, 'spent.log');
      mkdirSync(log);
      expect(await outcome(openFileSpentStore({ path: log }))).toBe('ERR_STORE');
    });

    it('lock is a FIFO or a directory: ERR_LOCKED at once', async () => {
      const a = freshDir();
      fifo(join(a, 'spent.log.lock'));
      expect(await outcome(openFileSpentStore({ path: join(a, 'spent.log') }))).toBe('ERR_LOCKED');
      const b = freshDir();
      mkdirSync(join(b, 'spent.log.lock'));
      expect(await outcome(openFileSpentStore({ path: join(b, 'spent.log') }))).toBe('ERR_LOCKED');
    });
  },
);
