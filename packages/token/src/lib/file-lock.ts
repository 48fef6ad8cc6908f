/**
 * A lock file beside the store, so two processes never append to one log
 * (each would keep its own index and both would accept the same token). A
 * lock left by a crashed process is taken over: its pid is dead, or it is our
 * own pid (a container restarts as pid 1) without this process holding it.
 */
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { TallystickError } from '@tallystick/core';

const held = new Set<string>();

export async function acquireLock(lockPath: string): Promise<void> {
  if (held.has(lockPath))
    throw new TallystickError('ERR_STORE', `${lockPath} is already open in this process`);
  try {
    await writeFile(lockPath, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new TallystickError('ERR_STORE', `${lockPath} is held by running process ${owner}`);
    }
    await writeFile(lockPath, String(process.pid));
  }
  held.add(lockPath);
}

export async function releaseLock(lockPath: string): Promise<void> {
  if (!held.delete(lockPath)) return;
  await unlink(lockPath).catch(() => undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
