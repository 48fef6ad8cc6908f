import { hostname } from 'node:os';
import { newRandomId, TallystickError } from '@tallystick/core';
import { errorCode, type FileSystem } from './fs-layer.js';

interface LockContent {
  pid: number;
  host: string;
  token: string;
}

/** A held lock file; release it on close. */
export interface HeldLock {
  release(): Promise<void>;
}

/** `process.kill(pid, 0)` probes without signalling: ESRCH means no such process. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file, the portable stand-in for flock (which Node
 * lacks). The content is written to a private file first and hard-linked into
 * place, so the lock never exists half-written. A lock left by a process that
 * died on this host is taken over: it is renamed aside (only one taker can win
 * that rename) and checked to still be the dead one before it is deleted.
 *
 * @throws {TallystickError} `ERR_QUEUE_LOCKED` when a live process (or one on another host) holds it.
 */
export async function acquireLockFile(
  fs: FileSystem,
  path: string,
  alive: (pid: number) => boolean = isProcessAlive,
): Promise<HeldLock> {
  const mine: LockContent = { pid: process.pid, host: hostname(), token: newRandomId() };
  const staging = `${path}.${mine.token}`;
  const handle = await fs.open(staging, 'wx');
  try {
    const bytes = new TextEncoder().encode(JSON.stringify(mine));
    await handle.write(bytes, 0, bytes.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryLink(fs, staging, path)) return { release: () => releaseIfMine(fs, path, mine.token) };
      const holder = await readLock(fs, path);
      if (holder === undefined) continue;
      const stale = holder.host === mine.host && holder.pid !== process.pid && !alive(holder.pid);
      if (!stale) {
        throw new TallystickError(
          'ERR_QUEUE_LOCKED',
          `${path} is held by process ${holder.pid} on ${holder.host}; one process opens a file queue at a time`,
        );
      }
      await takeOverStale(fs, path, holder.token, mine.token);
    }
    throw new TallystickError('ERR_QUEUE_LOCKED', `${path} kept changing hands; try again`);
  } finally {
    await fs.unlink(staging).catch(() => undefined);
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

async function readLock(fs: FileSystem, path: string): Promise<LockContent | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await fs.readFile(path))) as LockContent;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new TallystickError(
      'ERR_QUEUE_LOCKED',
      `${path} exists but is unreadable; remove it if no process uses it`,
      {
        cause: error,
      },
    );
  }
}

async function takeOverStale(
  fs: FileSystem,
  path: string,
  staleToken: string,
  myToken: string,
): Promise<void> {
  const aside = `${path}.stale-${myToken}`;
  try {
    await fs.rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readLock(fs, aside);
  if (moved?.token !== staleToken) {
    // A live taker got there between our read and our rename: put its lock back.
    await tryLink(fs, aside, path);
  }
  await fs.unlink(aside).catch(() => undefined);
}

async function releaseIfMine(fs: FileSystem, path: string, token: string): Promise<void> {
  const holder = await readLock(fs, path).catch(() => undefined);
  if (holder?.token === token) await fs.unlink(path).catch(() => undefined);
}
