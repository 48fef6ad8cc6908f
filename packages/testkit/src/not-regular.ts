/**
 * Paths that are not regular files (FIFOs, directories) where a durable
 * store expects its log or lock, for the suites that check a store refuses
 * them at once. Reading a FIFO blocks until a writer comes, so every FIFO
 * made here is unblocked by `cleanup` (a regression that left a read waiting
 * must not keep the test worker alive), and each open is raced against a
 * deadline that reports `'hung'`.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What {@link notRegularFixture} hands a suite. */
export interface NotRegularFixture {
  /** A fresh empty directory under the fixture's root. */
  freshDir(): string;
  /** Makes a FIFO at `path` and returns the path. */
  fifo(path: string): string;
  /** How an open went: `'opened'` (closed again), the error's `code`, or `'hung'` after `ms`. */
  outcome(open: Promise<{ close(): Promise<void> }>, ms?: number): Promise<string | undefined>;
  /** Unblocks every FIFO and removes the root; call it from `afterAll`. */
  cleanup(): void;
}

/** Creates the fixture in a fresh temporary root. */
export function notRegularFixture(prefix = 'tallystick-nonreg-'): NotRegularFixture {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const fifos: string[] = [];
  let n = 0;
  return {
    freshDir() {
      const dir = join(root, `d${n++}`);
      mkdirSync(dir);
      return dir;
    },
    fifo(path) {
      execFileSync('mkfifo', [path]);
      fifos.push(path);
      return path;
    },
    outcome(open, ms = 2000) {
      return Promise.race([
        open.then(
          async (store) => {
            await store.close();
            return 'opened';
          },
          (e: unknown) => (e as { code?: string }).code,
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve('hung'), ms).unref()),
      ]);
    },
    cleanup() {
      for (const path of fifos) {
        try {
          closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch {
          // No reader waiting (ENXIO): nothing to unblock.
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
