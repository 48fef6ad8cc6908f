/**
 * @packageDocumentation
 * A durable spent store for one Node process (a terminal or a small server):
 * an append-only log of checksum-chained groups, fsynced before a redemption
 * is acknowledged, so it survives crashes and restarts, and refuses to open
 * (rather than forget) when it has been damaged or truncated.
 */

import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes, TallystickError } from '@tallystick/core';
import {
  acquireLockFile,
  errorCode,
  type FileSystem,
  type HeldLock,
  nodeFileSystem,
  writeFileDurably,
  writeFully,
} from '@tallystick/core/node';
import { createFileSpentStore, type OpenedLog } from './lib/spent-file-store.js';
import { encodeLog, encodeSlot, MAGIC, nextSlotAt, readLog, VERSION } from './lib/spent-log.js';
import { isV1, readV1 } from './lib/spent-log-v1.js';
import type { SpentStore } from './spent-store.js';

/**
 * Options of {@link openFileSpentStore}.
 *
 * @example
 * ```ts
 * import { type FileSpentStoreOptions, openFileSpentStore } from '@tallystick/token/spent-file';
 * const options: FileSpentStoreOptions = { path: '/var/lib/pos/spent.log' };
 * const spent = await openFileSpentStore(options);
 * ```
 */
export interface FileSpentStoreOptions {
  /** The log file; created if missing. A `<path>.lock` file sits beside it while open. */
  readonly path: string;
  /** File-system calls, injectable to simulate a full disk or a failing fsync in tests. Default: node:fs/promises. */
  readonly fs?: FileSystem;
}

/**
 * A {@link SpentStore} with the number of ids it holds.
 *
 * @example
 * ```ts
 * import { type FileSpentStore, openFileSpentStore } from '@tallystick/token/spent-file';
 * const spent: FileSpentStore = await openFileSpentStore({ path: './spent.log' });
 * console.log(`${spent.size} spent tokens`);
 * await spent.close();
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
 * - A failed or short write (a full disk) or a failed fsync rejects every
 *   call of its group and puts the store in a refusing state: every later
 *   `checkAndAdd` rejects (the verifier reports `store_unavailable`) until
 *   the store is reopened. It never writes after a failed write.
 * - On open, a torn final group left by a crash is cut (it was never
 *   acknowledged). Any other damage (bytes flipped, deleted or inserted
 *   earlier in the log; a log truncated below what was committed, or to 0
 *   bytes) refuses to open: dropping records would let tokens be redeemed
 *   twice. A version-1 log is migrated if every record in it verifies.
 * - `prune` forgets expired ids and rewrites the file (write, fsync, rename)
 *   once dead records outnumber live ones, so the file stays proportional to
 *   the tokens alive at once.
 * - One opener per file, in this process or any other (`acquireLockFile` of
 *   `@tallystick/core/node`); a lock left by a dead process is taken over.
 *
 * @throws {TypeError} if `path` is not a non-empty string, or the removed `skipDamaged: true` is passed.
 * @throws {TallystickError} `ERR_LOCKED` if the file is open in this or another process;
 * `ERR_STORE` if it is not a spent-store log, is damaged or truncated, or cannot be read.
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
  if ((options as { skipDamaged?: unknown }).skipDamaged) {
    throw new TypeError('skipDamaged was removed: a damaged spent log is refused, never silently shortened');
  }
  const fs = options.fs ?? nodeFileSystem;
  const real = await realPathOf(path);
  let lock: HeldLock | undefined;
  try {
    lock = await acquireLockFile(`${real}.lock`, { fs });
    return createFileSpentStore({ ...(await load(fs, real)), lock });
  } catch (error) {
    await lock?.release();
    if (error instanceof TallystickError) throw error;
    throw new TallystickError('ERR_STORE', `${path}: cannot open the spent store: ${String(error)}`, {
      cause: error,
    });
  }
}

/** One lock per file however it is named: resolve symlinks in the file and its directory. */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  return realpath(absolute).catch(async () =>
    join(await realpath(dirname(absolute)).catch(() => dirname(absolute)), basename(absolute)),
  );
}

async function load(fs: FileSystem, path: string): Promise<Omit<OpenedLog, 'lock'>> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    bytes = await replace(fs, path, []);
  }
  const refuse = (why: string) => new TallystickError('ERR_STORE', `${path}: ${why}`);
  if (bytes.length === 0) throw refuse('is empty (truncated to 0 bytes?); a spent log always has a header');
  if (MAGIC.some((b, i) => bytes[i] !== b)) throw refuse('not a tallystick spent-store file (bad header)');
  if (isV1(bytes)) {
    const v1 = readV1(bytes);
    if (typeof v1 === 'string') throw refuse(v1);
    bytes = await replace(fs, path, v1);
  }
  if (bytes[4] !== VERSION) throw refuse(`unsupported spent-store version ${bytes[4]}`);
  const log = readLog(bytes);
  if (typeof log === 'string') throw refuse(log);
  const handle = await fs.open(path, 'r+');
  try {
    let slot = log.mark;
    if (log.end < bytes.length) await handle.truncate(log.end);
    if (log.mark.end !== log.end || log.end < bytes.length) {
      // Commit what survived, so the next open detects any later loss of it.
      slot = { commits: (log.mark.commits + 1) >>> 0, end: log.end, chain: log.chain };
      await writeFully(handle, encodeSlot(slot), nextSlotAt(log.mark));
      await handle.datasync();
    }
    const durable = { commits: slot.commits, end: log.end, chain: log.chain };
    return { fs, path, handle, entries: log.entries, records: log.records, durable, slot };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

/** Writes a whole new log holding `items` in place of `path`, atomically; returns its bytes. */
async function replace(
  fs: FileSystem,
  path: string,
  items: readonly { id: string; keepUntil: number }[],
): Promise<Uint8Array> {
  const { bytes } = encodeLog(randomBytes(8), items);
  await writeFileDurably(fs, path, bytes);
  return bytes;
}
