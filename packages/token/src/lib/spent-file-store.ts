/**
 * The running file spent store: decides in memory, appends one chained group
 * per write+fdatasync (group commit), and fails closed: after any failed or
 * short write, or failed fdatasync, it never writes again and refuses every
 * redemption until it is reopened, because it no longer knows what the file
 * holds past its last good commit.
 */
import { randomBytes, TallystickError } from '@tallystick/core';
import {
  type FileHandleLike,
  type FileSystem,
  type HeldLock,
  writeFileDurably,
  writeFully,
} from '@tallystick/core/node';
import type { FileSpentStore } from '../spent-file.js';
import { assertId, assertNow } from './assert-id.js';
import { type Committed, encodeGroup, encodeLog, encodeSlot, nextSlotAt } from './spent-log.js';

interface Pending {
  id: string;
  keepUntil: number;
  resolve: (won: boolean) => void;
  reject: (e: unknown) => void;
}

export interface OpenedLog {
  fs: FileSystem;
  path: string;
  lock: HeldLock;
  handle: FileHandleLike;
  entries: Map<string, number>;
  records: number;
  /** The log as of the last fdatasync, and what the commit slots record. */
  durable: Committed;
  slot: Committed;
}

export function createFileSpentStore(log: OpenedLog): FileSpentStore {
  const { fs, path, lock, entries } = log;
  let { handle, records, durable, slot } = log;
  let queue: Pending[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let flushScheduled = false;
  let closed = false;
  let failed: TallystickError | undefined;

  // Every file operation runs on one chain, so a flush never interleaves with a rewrite.
  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = chain.then(op);
    chain = run.catch(() => undefined);
    return run;
  }

  function fail(error: unknown, what: string): TallystickError {
    failed ??= new TallystickError(
      'ERR_STORE',
      `${path}: ${what} failed, so the store refuses redemptions until it is reopened (which recovers exactly what was acknowledged)`,
      { cause: error },
    );
    return failed;
  }

  /** Records `slot` → the durable state, in the same fdatasync as the caller's write. */
  async function writeSlot(): Promise<Committed> {
    const next = { commits: (slot.commits + 1) >>> 0, end: durable.end, chain: durable.chain };
    await writeFully(handle, encodeSlot(next), nextSlotAt(slot));
    return next;
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      if (failed) throw failed;
      const group = encodeGroup(batch, durable.chain);
      await writeFully(handle, group.bytes, durable.end);
      const nextSlot = slot.end === durable.end ? slot : await writeSlot();
      await handle.datasync();
      slot = nextSlot;
      durable = { commits: 0, end: durable.end + group.bytes.length, chain: group.chain };
      records += batch.length;
      for (const item of batch) item.resolve(true);
    } catch (error) {
      // Unrecorded: forget them so a retry after reopening can win, and fail the callers.
      const refusal = fail(error, 'a write');
      for (const item of batch) {
        entries.delete(item.id);
        item.reject(refusal);
      }
    }
  }

  async function rewrite(): Promise<void> {
    const waiting = new Set(queue.map((item) => item.id));
    const items = [...entries]
      .filter(([id]) => !waiting.has(id))
      .map(([id, keepUntil]) => ({ id, keepUntil }));
    const next = encodeLog(randomBytes(8), items);
    try {
      await writeFileDurably(fs, path, next.bytes);
      const opened = await fs.open(path, 'r+');
      await handle.close().catch(() => undefined);
      handle = opened;
    } catch (error) {
      // The path may now name the new file while `handle` appends to the old one: stop.
      throw fail(error, 'a prune rewrite');
    }
    durable = next.committed;
    slot = next.committed;
    records = items.length;
  }

  return {
    get size() {
      return entries.size;
    },
    async checkAndAdd(tokenId, keepUntil, _now) {
      assertId(tokenId);
      if (!Number.isSafeInteger(keepUntil) || keepUntil < 0) {
        throw new RangeError('keepUntil must be integer epoch milliseconds');
      }
      if (closed) throw new TallystickError('ERR_STORE', 'spent store is closed');
      if (failed) throw failed;
      if (entries.has(tokenId)) return false;
      entries.set(tokenId, keepUntil);
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ id: tokenId, keepUntil, resolve, reject });
        if (!flushScheduled) {
          flushScheduled = true;
          void serial(flush);
        }
      });
    },
    async has(tokenId) {
      return entries.has(tokenId);
    },
    async prune(now) {
      assertNow(now);
      return serial(async () => {
        if (closed) throw new TallystickError('ERR_STORE', 'spent store is closed');
        if (failed) throw failed;
        const waiting = new Set(queue.map((item) => item.id));
        let forgotten = 0;
        for (const [id, keepUntil] of entries) {
          if (keepUntil <= now && !waiting.has(id)) {
            entries.delete(id);
            forgotten++;
          }
        }
        if (records - entries.size > Math.max(entries.size, 1024)) await rewrite();
        return forgotten;
      });
    },
    close() {
      if (closed) return serial(async () => undefined);
      closed = true;
      return serial(async () => {
        try {
          await flush();
          // A clean close commits everything, so any later loss of it is detected on open.
          if (!failed && slot.end !== durable.end) {
            slot = await writeSlot();
            await handle.datasync();
          }
        } finally {
          await handle.close().catch(() => undefined);
          await lock.release();
        }
      });
    },
  };
}
