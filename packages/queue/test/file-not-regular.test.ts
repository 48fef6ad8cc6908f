/**
 * The file queue store where its log or its lock should be a regular file finds a FIFO or a
 * directory: it refuses to open at once (a typed error), never hangs waiting
 * for a writer and never "writes" into a pipe that persists nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { notRegularFixture } from '@tallystick/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileStore } from '../src/file.js';

const { freshDir, fifo, outcome, cleanup } = notRegularFixture();
afterAll(cleanup);

describe.skipIf(process.platform === 'win32')(
  'the file queue store refuses a log or lock that is not a regular file',
  () => {
    it('log is a FIFO: ERR_STORE at once', async () => {
      const dir = freshDir();
      fifo(join(dir, 'queue.log'));
      expect(await outcome(openFileStore({ dir }))).toBe('ERR_STORE');
    });

    it('log is a directory: ERR_STORE', async () => {
      const dir = freshDir();
      const log = join(dir, 'queue.log');
      mkdirSync(log);
      expect(await outcome(openFileStore({ dir }))).toBe('ERR_STORE');
    });

    it('lock is a FIFO or a directory: ERR_LOCKED at once', async () => {
      const a = freshDir();
      fifo(join(a, 'queue.lock'));
      expect(await outcome(openFileStore({ dir: a }))).toBe('ERR_LOCKED');
      const b = freshDir();
      mkdirSync(join(b, 'queue.lock'));
      expect(await outcome(openFileStore({ dir: b }))).toBe('ERR_LOCKED');
    });
  },
);
