/**
 * One opener per file: the lock every Node store in tallystick takes before it
 * touches its data, refusing a second opener in this process as well as in
 * any other.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TallystickError } from '../errors.js';
import { newRandomId } from '../ids.js';
import { currentOwner, holderIsLive, type LockOwner, parseOwner } from '../lib/process-identity.js';
import { errorCode, type FileSystem, nodeFileSystem, writeFully } from './fs.js';

/**
 * A held lock file; release it when the store closes.
 *
 * @example
 * ```ts
 * import { acquireLockFile, type HeldLock } from '@tallystick/core/node';
 * const lock: HeldLock = await acquireLockFile('./spent.log.lock');
 * await lock.release();
 * ```
 */
export interface HeldLock {
  /** The lock file's path, as given. */
  readonly path: string;
  /** Removes the lock file if it is still ours, and lets this process open the file again. Idempotent. */
  release(): Promise<void>;
}

/**
 * Options of {@link acquireLockFile}.
 *
 * @example
 * ```ts
 * import { acquireLockFile, type LockFileOptions } from '@tallystick/core/node';
 * // Treat every recorded holder as alive: a stale lock then refuses instead of being taken over.
 * const options: LockFileOptions = { isProcessAlive: () => true };
 * const lock = await acquireLockFile('./outbox/queue.lock', options);
 * await lock.release();
 * ```
 */
export interface LockFileOptions {
  /** File-system calls, injectable for fault tests. Default: node:fs/promises. */
  fs?: FileSystem;
  /** Liveness probe for the pid in a leftover lock file. Default: {@link isProcessAlive}. */
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * Probes a pid without signalling it (`process.kill(pid, 0)`): ESRCH means no
 * such process, EPERM one that exists but belongs to another user.
 *
 * @example
 * ```ts
 * import { isProcessAlive } from '@tallystick/core/node';
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

// Process-wide, and shared by every copy of this module (an ESM and a CJS build loaded together).
const registryKey = Symbol.for('@tallystick/core/node#locks');
const held: Set<string> = ((globalThis as Record<symbol, Set<string> | undefined>)[registryKey] ??=
  new Set());

/**
 * Takes the lock file at `path`: the portable stand-in for flock, which Node
 * lacks. The holder's identity (pid, host, start time, a random token) is
 * written to a private file first and hard-linked into place, so the lock never
 * exists half-written. A second acquire of the same file (by its resolved real
 * path) in this process is refused before the file system is touched, so is
 * one from another worker thread of this process. A lock whose holder is gone
 * (a dead pid on this host, or a pid since reused by another process, as after
 * a container restart) is taken over: the taker first wins an exclusive marker
 * named after that stale lock, then removes the lock only if it still is that
 * stale one, so two racing takers never remove a live lock.
 *
 * @throws {TallystickError} `ERR_LOCKED` when this process, another live process, or a process on
 * another host holds the lock, or the lock file is unreadable.
 * @example
 * ```ts
 * import { acquireLockFile } from '@tallystick/core/node';
 * const lock = await acquireLockFile('./outbox/queue.lock');
 * try {
 *   // ... use the files the lock guards ...
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export async function acquireLockFile(path: string, options: LockFileOptions = {}): Promise<HeldLock> {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a non-empty string');
  const fs = options.fs ?? nodeFileSystem;
  const alive = options.isProcessAlive ?? isProcessAlive;
  const key = await realKey(path);
  if (held.has(key)) throw locked(`${path} is already open in this process`);
  held.add(key);
  try {
    const me = currentOwner(newRandomId());
    const staging = `${path}.${me.token}`;
    await writeStaging(fs, staging, me);
    try {
      for (let attempt = 0; attempt < 4; attempt++) {
        if (await tryLink(fs, staging, path)) return heldLock(fs, path, key, me.token);
        const holder = await readLock(fs, path);
        if (holder === undefined) continue;
        if (holderIsLive(holder, me, alive)) throw locked(heldMessage(path, holder, me));
        await removeStale(fs, path, holder, staging, me, alive);
      }
      throw locked(`${path} kept changing hands; try again`);
    } finally {
      await fs.unlink(staging).catch(() => undefined);
    }
  } catch (error) {
    held.delete(key);
    throw error;
  }
}

function heldLock(fs: FileSystem, path: string, key: string, token: string): HeldLock {
  let released: Promise<void> | undefined;
  return {
    path,
    release: () =>
      (released ??= (async () => {
        try {
          const holder = await readLock(fs, path).catch(() => undefined);
          if (holder?.token === token) await fs.unlink(path).catch(() => undefined);
        } finally {
          held.delete(key);
        }
      })()),
  };
}

/** The resolved real path, so two spellings of one file (or a symlinked directory) share a key. */
async function realKey(path: string): Promise<string> {
  const absolute = resolve(path);
  const dir = await realpath(dirname(absolute)).catch(() => dirname(absolute));
  return join(dir, basename(absolute));
}

async function writeStaging(fs: FileSystem, staging: string, me: LockOwner): Promise<void> {
  const handle = await fs.open(staging, 'wx');
  try {
    await writeFully(handle, new TextEncoder().encode(JSON.stringify(me)), 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function tryLink(fs: FileSystem, from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

async function readLock(fs: FileSystem, path: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await fs.readFile(path));
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw locked(`${path} exists but cannot be read; remove it if no process uses it`, error);
  }
  const owner = parseOwner(text);
  if (!owner) throw locked(`${path} is not a lock file tallystick wrote; remove it if no process uses it`);
  return owner;
}

/**
 * Removes the stale lock `stale` from `path`, if it is still there. Only the
 * process holding the marker `<path>.takeover-<stale token>-<n>` may remove
 * it, and a lock is never written over, only linked into an empty name, so
 * between our check of `path` and our unlink nobody else can change it. A
 * marker left by a taker that died is skipped for the next `n`.
 */
async function removeStale(
  fs: FileSystem,
  path: string,
  stale: LockOwner,
  staging: string,
  me: LockOwner,
  alive: (pid: number) => boolean,
): Promise<void> {
  const deadMarkers: string[] = [];
  for (let n = 0; n < 8; n++) {
    const marker = `${path}.takeover-${stale.token}-${n}`;
    if (await tryLink(fs, staging, marker)) {
      try {
        if ((await readLock(fs, path))?.token === stale.token) await fs.unlink(path);
      } finally {
        await fs.unlink(marker).catch(() => undefined);
        for (const dead of deadMarkers) await fs.unlink(dead).catch(() => undefined);
      }
      return;
    }
    const taker = await readLock(fs, marker);
    // Gone: that taker finished, and the caller's next link attempt decides.
    if (taker === undefined) return;
    if (holderIsLive(taker, me, alive)) {
      throw locked(`${path} is being taken over by process ${taker.pid}; try again`);
    }
    deadMarkers.push(marker);
  }
  throw locked(`${path}: too many takers died taking it over; remove ${path}.takeover-* by hand`);
}

function heldMessage(path: string, holder: LockOwner, me: LockOwner): string {
  if (holder.host !== me.host) return `${path} is held by process ${holder.pid} on ${holder.host}`;
  if (holder.pid === me.pid) return `${path} is already open in this process (another thread holds it)`;
  return `${path} is held by running process ${holder.pid}`;
}

function locked(message: string, cause?: unknown): TallystickError {
  return new TallystickError(
    'ERR_LOCKED',
    `${message}; one opener at a time`,
    cause === undefined ? undefined : { cause },
  );
}
