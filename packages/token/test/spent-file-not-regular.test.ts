/**
 * The file spent store where its log or its lock should be a regular file finds a FIFO or a
 * directory: it refuses to open at once (a typed error), never hangs waiting
 * for a writer and never "writes" into a pipe that persists nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { notRegularFixture } from '@tallystick/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileSpentStore } from '../src/spent-file.js';

const { freshDir, fifo, outcome, cleanup } = notRegularFixture();
afterAll(cleanup);

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
