/**
 * @packageDocumentation
 * A durable queue store for Node on an append-only log with a CRC-32 on every
 * record, group commit, torn-tail recovery and compaction.
 */
import { join } from 'node:path';
import { acquireLockFile } from '@tallystick/core/node';
import { toStoreError } from './lib/errors.js';
import { recoverLog } from './lib/file-recover.js';
import { FileQueueStore } from './lib/file-store.js';
import { errorCode, type FileHandleLike, type FileSystem, nodeFileSystem } from './lib/fs-layer.js';
import type { QueueStore } from './store.js';

export type { FileHandleLike, FileSystem } from './lib/fs-layer.js';

/**
 * Options for {@link openFileStore}.
 *
 * @example
 * ```ts
 * import { openFileStore, type FileStoreOptions } from '@tallystick/queue/file';
 * const options: FileStoreOptions = { dir: './data/outbox' };
 * const store = await openFileStore(options);
 * ```
 */
export interface FileStoreOptions {
  /** Directory holding `queue.log` and `queue.lock`; created if missing. */
  dir: string;
  /** File-system calls, injectable to simulate a full disk in tests. Default: node:fs/promises. */
  fs?: FileSystem;
  /**
   * Compact once the log holds four times more bytes of dead records than of
   * live ones (as many, on a full disk), and at least this many. Default 256 KiB: the ratio keeps compaction's cost
   * proportional to what it frees, the floor keeps a tiny log from being
   * rewritten for a few records.
   */
  compactMinBytes?: number;
  /** Liveness probe for the pid in a leftover lock file. Default: `process.kill(pid, 0)`. */
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * A {@link QueueStore} on a local append-only log, plus log maintenance.
 *
 * @example
 * ```ts
 * import { openFileStore } from '@tallystick/queue/file';
 * const store: FileStore = await openFileStore({ dir: './outbox' });
 * await store.compact();
 * ```
 */
export interface FileStore extends QueueStore {
  /** Rewrites the log with only live intents, their state folded in. */
  compact(): Promise<void>;
  /** Current size of the log in bytes. */
  readonly logBytes: number;
  /** Write+fsync rounds so far: fewer than writes means group commit is working. */
  readonly groupCommits: number;
  /**
   * Intents held in memory: in flight, retrying, dead, or read past while
   * their partition was blocked. Intents never claimed stay on disk, so this
   * does not grow with the backlog.
   */
  readonly windowSize: number;
}

/**
 * Opens (or creates) a file queue store in `dir`, recovering from any crash:
 * a torn tail is cut off, acknowledged records are never dropped. Only one
 * opener may hold the store, in this process or any other; a lock left by a
 * dead process is taken over (`acquireLockFile` of `@tallystick/core/node`).
 *
 * @throws {RangeError} if `compactMinBytes` is negative or not a number.
 * @throws {TallystickError} `ERR_LOCKED` when this process or another live one holds the store;
 * `ERR_STORE` when the log is damaged inside acknowledged data or cannot be read.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { openFileStore } from '@tallystick/queue/file';
 *
 * const store = await openFileStore({ dir: './outbox' });
 * const queue = createIntentQueue({ store, device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' })) });
 * ```
 */
export async function openFileStore(options: FileStoreOptions): Promise<FileStore> {
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw new TypeError('options.dir must be a non-empty string');
  }
  const compactMinBytes = options.compactMinBytes ?? 256 * 1024;
  if (typeof compactMinBytes !== 'number' || !(compactMinBytes >= 0)) {
    throw new RangeError(`options.compactMinBytes must be a number >= 0, got ${String(compactMinBytes)}`);
  }
  const fs = options.fs ?? nodeFileSystem;
  const dir = options.dir;
  try {
    await fs.mkdir(dir);
  } catch (error) {
    throw toStoreError(error, `creating ${dir}`);
  }
  const lock = await acquireLockFile(join(dir, 'queue.lock'), {
    fs,
    ...(options.isProcessAlive ? { isProcessAlive: options.isProcessAlive } : {}),
  });
  let handle: FileHandleLike | undefined;
  try {
    const logPath = join(dir, 'queue.log');
    await fs.unlink(`${logPath}.compact`).catch(() => undefined);
    handle = await openOrCreate(fs, logPath);
    const { size } = await handle.stat();
    const recovered = await recoverLog(handle, size);
    if (recovered.goodSize < size) {
      await handle.truncate(recovered.goodSize);
      await handle.datasync();
    }
    const store = new FileQueueStore(fs, dir, logPath, lock, handle, recovered, compactMinBytes);
    await store.settleAhead();
    return store;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await lock.release();
    throw toStoreError(error, `opening the queue in ${dir}`);
  }
}

async function openOrCreate(fs: FileSystem, path: string) {
  try {
    return await fs.open(path, 'r+');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    return await fs.open(path, 'wx+');
  }
}
