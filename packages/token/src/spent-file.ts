/**
 * @packageDocumentation
 * A durable spent store for one Node process (a terminal or a small server):
 * an append-only file with a checksum per record, fsynced before a
 * redemption is acknowledged, so it survives crashes and restarts.
 */
import { type FileHandle, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TallystickError } from '@tallystick/core';
import { assertId } from './lib/assert-id.js';
import { acquireLock, releaseLock } from './lib/file-lock.js';
import { encodeRecord, HEADER, RECORD, readLog } from './lib/spent-log.js';
import type { SpentStore } from './spent-store.js';

/**
 * Options of {@link openFileSpentStore}.
 *
 * @example
 * ```ts
 * import type { FileSpentStoreOptions } from '@tallystick/token/spent-file';
 * const options: FileSpentStoreOptions = { path: '/var/lib/pos/spent.log' };
 * ```
 */
export interface FileSpentStoreOptions {
  /** The log file; created if missing. A `<path>.lock` file sits beside it while open. */
  readonly path: string;
  /** Drop records with bad checksums in the middle of the log instead of refusing to open. */
  readonly skipDamaged?: boolean;
}

/**
 * A {@link SpentStore} with the number of ids it holds.
 *
 * @example
 * ```ts
 * import type { FileSpentStore } from '@tallystick/token/spent-file';
 * const report = (s: FileSpentStore) => `${s.size} spent tokens`;
 * ```
 */
export interface FileSpentStore extends SpentStore {
  readonly size: number;
}

/**
 * Opens (or creates) a durable spent store.
 *
 * - `checkAndAdd` decides in memory (atomic within the process), then
 *   resolves only once the record is written and fsynced; concurrent calls
 *   share one write and one fsync (group commit).
 * - A torn tail left by a crash is cut off on open: it held only records
 *   whose calls never resolved.
 * - `prune` forgets expired ids and rewrites the file (write, fsync, rename)
 *   once dead records outnumber live ones, so the file stays proportional to
 *   the tokens alive at once.
 * - One process per file, enforced by a lock file.
 *
 * @throws {TypeError} if `path` is not a string.
 * @throws {TallystickError} `ERR_STORE` if the file is not a spent-store log, is damaged (see
 * `skipDamaged`), or is open in another process.
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token';
 * import { openFileSpentStore } from '@tallystick/token/spent-file';
 * const spent = await openFileSpentStore({ path: './spent.log' });
 * const verifier = createVerifier({ keys: [], spent });
 * ```
 */
export async function openFileSpentStore(options: FileSpentStoreOptions): Promise<FileSpentStore> {
  const path = options?.path;
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
  const lockPath = `${path}.lock`;
  await acquireLock(lockPath);
  try {
    const existing = await readFile(path).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? undefined : Promise.reject(e),
    );
    let entries = new Map<string, number>();
    let records = 0;
    if (existing === undefined || existing.length === 0) {
      await writeFresh(path, new Uint8Array(0));
    } else {
      const log = readLog(existing, options.skipDamaged === true);
      if (typeof log === 'string') throw new TallystickError('ERR_STORE', `${path}: ${log}`);
      entries = log.entries;
      records = log.records;
      if (log.validLength < existing.length || log.skipped > 0) {
        await rewrite(path, entries);
        records = entries.size;
      }
    }
    return await createStore(path, lockPath, await open(path, 'a'), entries, records);
  } catch (error) {
    await releaseLock(lockPath);
    throw error;
  }
}

async function createStore(
  path: string,
  lockPath: string,
  first: FileHandle,
  entries: Map<string, number>,
  initialRecords: number,
): Promise<FileSpentStore> {
  let file: FileHandle | undefined = first;
  let records = initialRecords;
  let queue: {
    id: string;
    keepUntil: number;
    resolve: (won: boolean) => void;
    reject: (e: unknown) => void;
  }[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  let flushScheduled = false;
  // Separate from `file`, which is briefly unset while prune rewrites the log.
  let closed = false;

  // Every file operation runs on one chain, so a flush never interleaves with a rewrite.
  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = chain.then(op);
    chain = run.catch(() => undefined);
    return run;
  }

  async function flush(): Promise<void> {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    const bytes = new Uint8Array(batch.length * RECORD);
    for (let i = 0; i < batch.length; i++) encodeRecord(bytes, i * RECORD, batch[i]!.id, batch[i]!.keepUntil);
    try {
      if (!file) throw new TallystickError('ERR_STORE', 'spent store is closed');
      await file.write(bytes);
      await file.datasync();
      records += batch.length;
      for (const item of batch) item.resolve(true);
    } catch (error) {
      // Unrecorded: forget them so a retry can win, and fail the callers.
      for (const item of batch) {
        entries.delete(item.id);
        item.reject(error);
      }
    }
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
    prune(now) {
      return serial(async () => {
        const waiting = new Set(queue.map((item) => item.id));
        let forgotten = 0;
        for (const [id, keepUntil] of entries) {
          if (keepUntil <= now && !waiting.has(id)) {
            entries.delete(id);
            forgotten++;
          }
        }
        if (file && records - entries.size > Math.max(entries.size, 1024)) {
          await file.close();
          file = undefined;
          const durable = new Map([...entries].filter(([id]) => !waiting.has(id)));
          await rewrite(path, durable);
          records = durable.size;
          file = await open(path, 'a');
        }
        return forgotten;
      });
    },
    close() {
      closed = true;
      return serial(async () => {
        await flush();
        await file?.close();
        file = undefined;
        await releaseLock(lockPath);
      });
    },
  };
}

/** Replaces the log with exactly `entries`: temp file, fsync, rename, fsync the directory. */
async function rewrite(path: string, entries: Map<string, number>): Promise<void> {
  const body = new Uint8Array(entries.size * RECORD);
  let i = 0;
  for (const [id, keepUntil] of entries) encodeRecord(body, RECORD * i++, id, keepUntil);
  await writeFresh(`${path}.tmp`, body);
  await rename(`${path}.tmp`, path);
  await syncDirectory(path);
}

async function writeFresh(path: string, body: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.write(HEADER);
    if (body.length > 0) await handle.write(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(path);
}

async function syncDirectory(path: string): Promise<void> {
  // A rename or a new file is durable only once its directory entry is; not every platform allows it.
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  if (!dir) return;
  await dir.sync().catch(() => undefined);
  await dir.close();
}
