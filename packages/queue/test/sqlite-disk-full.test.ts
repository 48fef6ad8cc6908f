import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTallystickError } from '@tallystick/core';
import { describe, expect, it } from 'vitest';
import { createIntentQueue } from '../src/queue.js';
import { openSqliteStore } from '../src/sqlite.js';
import { ackAll, envelope, listAll } from './helpers.js';
import { mountTmpfs, tmpfsReason } from './tmpfs.js';

const T0 = 1_700_000_000_000;
const MiB = 2 ** 20;

/** Bytes the database holds on disk: the file, its WAL and its shared-memory index. */
const onDisk = (path: string) =>
  ['', '-wal', '-shm'].reduce((n, s) => n + (existsSync(path + s) ? statSync(path + s).size : 0), 0);

describe('sqlite store disk reserve', () => {
  it('keeps a reserve file sized from the free space (512 KiB to 4 MiB), or as told, or none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tallystick-sqlite-reserve-'));
    try {
      const a = await openSqliteStore({ path: join(dir, 'a.db') });
      const size = statSync(join(dir, 'a.db-reserve')).size;
      expect(size).toBeGreaterThanOrEqual(512 * 1024);
      expect(size).toBeLessThanOrEqual(4 * MiB);
      // The WAL is bounded by the reserve: a checkpoint on a full disk must fit in it.
      expect(a.database.pragma('wal_autocheckpoint', { simple: true })).toBe(size / 4096);
      await a.close();
      const b = await openSqliteStore({ path: join(dir, 'b.db'), reserveBytes: 64 * 1024 });
      expect(statSync(join(dir, 'b.db-reserve')).size).toBe(64 * 1024);
      await b.close();
      const c = await openSqliteStore({ path: join(dir, 'c.db'), reserveBytes: 0 });
      expect(existsSync(join(dir, 'c.db-reserve'))).toBe(false);
      await c.close();
      for (const bad of [-1, 1.5, Number.NaN]) {
        await expect(openSqliteStore({ path: join(dir, 'd.db'), reserveBytes: bad })).rejects.toThrow(
          RangeError,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(tmpfsReason !== undefined)('sqlite store on a real 4 MiB tmpfs', () => {
  it('fills to QUEUE_STORAGE_FULL, delivers while full, enqueues again, shrinks, and loses nothing', async () => {
    const disk = mountTmpfs(4 * MiB);
    try {
      const path = join(disk.dir, 'outbox.db');
      const store = await openSqliteStore({ path });
      const errors: unknown[] = [];
      const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
      queue.on('error', (e) => errors.push(e));
      let stored = 0;
      let full: unknown;
      while (stored < 100_000) {
        try {
          await queue.enqueue({ type: 'sale', payload: { i: stored, amount: 1250, note: 'x'.repeat(180) } });
          stored++;
        } catch (error) {
          full = error;
          break;
        }
      }
      expect(isTallystickError(full, 'QUEUE_STORAGE_FULL')).toBe(true);
      // ~2.3 MB of intents on 4 MiB: the rest is the WAL (512 KiB at most) and the 512 KiB delivery reserve
      // (1/64 of a tiny disk is under the 512 KiB floor).
      expect(stored).toBeGreaterThan(4500);
      expect(await queue.size()).toBe(stored);
      expect(
        isTallystickError(
          await store.append([envelope({ big: 'y'.repeat(2000) })], T0).catch((e: unknown) => e),
          'QUEUE_STORAGE_FULL',
        ),
      ).toBe(true);
      const flushed = await queue.flush();
      expect(errors).toEqual([]);
      expect(flushed.acked).toBe(stored);
      expect(await queue.size()).toBe(0);
      // An empty backlog does not hold the disk: the WAL is checkpointed and truncated, free pages released.
      expect(onDisk(path)).toBeLessThan(256 * 1024);
      const after = await queue.enqueue({ type: 'sale', payload: { after: true, amount: 990 } });
      await queue.close();
      await store.close();
      const again = await openSqliteStore({ path });
      expect((await listAll(again, T0)).map((q) => q.intent)).toEqual([after]);
      await again.close();
    } finally {
      disk.unmount();
    }
  });
});
