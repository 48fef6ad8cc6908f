/**
 * The two fsync rules every Node store here follows: a new or renamed file
 * is durable only once its directory is fsynced too, and a file that must be
 * replaced whole is written beside it, fsynced, then renamed over it, so a
 * crash leaves either the old file or the new one, never a mix.
 */
import { dirname } from 'node:path';
import { newRandomId } from '../ids.js';
import { errorCode, type FileSystem, writeFully } from './fs.js';

/**
 * Makes a rename or a new file in `dir` durable: on Linux that takes an fsync
 * of the directory. Platforms that cannot open or fsync a directory (the
 * rename itself is still atomic there) are tolerated; any other failure
 * rejects, because the caller was about to claim durability.
 *
 * @throws the platform error when the directory cannot be fsynced.
 * @example
 * ```ts
 * import { nodeFileSystem, syncDirectory } from '@tallystick/core/node';
 * await nodeFileSystem.rename('./state.tmp', './state.json');
 * await syncDirectory(nodeFileSystem, '.');
 * ```
 */
export async function syncDirectory(fs: FileSystem, dir: string): Promise<void> {
  let handle: Awaited<ReturnType<FileSystem['open']>> | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `path` with exactly `bytes`, durably and atomically: a private
 * temporary file beside it is written in full, fsynced, renamed over `path`,
 * and the directory fsynced. A failure at any step removes the temporary
 * file and leaves `path` as it was.
 *
 * @throws the platform error of the step that failed (e.g. `ENOSPC`).
 * @example
 * ```ts
 * import { nodeFileSystem, writeFileDurably } from '@tallystick/core/node';
 * await writeFileDurably(nodeFileSystem, './state.json', new TextEncoder().encode('{"v":1}'));
 * ```
 */
export async function writeFileDurably(fs: FileSystem, path: string, bytes: Uint8Array): Promise<void> {
  // A private name, so two writers (or a leftover from a crash) never share a temporary file.
  const temp = `${path}.tmp-${newRandomId()}`;
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await writeFully(handle, bytes, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(fs, dirname(path));
}
