import { writeSync } from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * The slice of a file handle the file adapter uses. Node's `FileHandle`
 * satisfies it; tests wrap it to inject ENOSPC or count fsyncs.
 *
 * @example
 * ```ts
 * import { open } from 'node:fs/promises';
 * const handle: FileHandleLike = await open('./queue.log', 'r+');
 * ```
 */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  /**
   * Optional: the same write, synchronous. When present, the log writer uses
   * it for group commits: a write into the page cache takes microseconds, while
   * a round trip through the thread pool measured 0.25 ms per group here, time
   * every producer of the group spends waiting. Throws as `write` rejects.
   */
  writeSync?(buffer: Uint8Array, offset: number, length: number, position: number): number;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * The file-system calls the file adapter makes, injectable so tests can
 * simulate a full disk without filling one.
 *
 * @example
 * ```ts
 * import { openFileStore, type FileSystem } from '@tallystick/queue/file';
 * declare const base: FileSystem; // e.g. a wrapper around node:fs/promises
 * const fullDisk: FileSystem = {
 *   ...base,
 *   open: async (path, flags) => {
 *     const handle = await base.open(path, flags);
 *     return { ...handle, write: async () => { throw Object.assign(new Error('full'), { code: 'ENOSPC' }); } };
 *   },
 * };
 * const store = await openFileStore({ dir: './outbox', fs: fullDisk });
 * ```
 */
export interface FileSystem {
  /** `flags` as in `fs.open`: 'r', 'r+', 'w', 'wx'. */
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}

/** The real thing, on node:fs/promises. */
export const nodeFileSystem: FileSystem = {
  open: async (path, flags) => withWriteSync(await fsp.open(path, flags)),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, created) => fsp.link(existing, created),
  unlink: (path) => fsp.unlink(path),
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  readFile: (path) => fsp.readFile(path),
};

/** A Node file handle, plus `writeSync` on its descriptor. */
function withWriteSync(handle: fsp.FileHandle): FileHandleLike {
  return {
    read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
    write: (buffer, offset, length, position) => handle.write(buffer, offset, length, position),
    writeSync: (buffer, offset, length, position) => writeSync(handle.fd, buffer, offset, length, position),
    datasync: () => handle.datasync(),
    sync: () => handle.sync(),
    truncate: (length) => handle.truncate(length),
    stat: () => handle.stat(),
    close: () => handle.close(),
  };
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Makes a rename or a new file durable: on Linux that takes an fsync of the directory. */
export async function syncDirectory(fs: FileSystem, dir: string): Promise<void> {
  let handle: FileHandleLike | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms cannot open or fsync a directory; the rename itself is still atomic there.
    if (errorCode(error) !== 'EISDIR' && errorCode(error) !== 'EPERM' && errorCode(error) !== 'EINVAL')
      throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes all of `bytes` at `position`, looping over short writes. */
export async function writeFully(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/** {@link writeFully} through the handle's `writeSync`, which the caller checked it has. */
export function writeFullySync(
  handle: Required<Pick<FileHandleLike, 'writeSync'>>,
  bytes: Uint8Array,
  position: number,
): void {
  let done = 0;
  while (done < bytes.length) {
    const written = handle.writeSync(bytes, done, bytes.length - done, position + done);
    if (written <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += written;
  }
}

/** Reads exactly `length` bytes at `position`, or fewer at end of file. */
export async function readAt(handle: FileHandleLike, length: number, position: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? out : out.subarray(0, done);
}
