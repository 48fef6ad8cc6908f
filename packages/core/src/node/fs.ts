/**
 * The injectable file-system seam every Node store in tallystick writes
 * through, so tests can cut a write short or fail an fsync without filling a
 * disk, and the loops that turn a short write into either progress or an
 * error.
 */
import { constants, writeSync } from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * The slice of a file handle the Node stores use. Node's `FileHandle`
 * satisfies it; tests wrap it to inject ENOSPC or count fsyncs.
 *
 * @example
 * ```ts
 * import { nodeFileSystem, type FileHandleLike } from '@tallystick/core/node';
 * const handle: FileHandleLike = await nodeFileSystem.open('./queue.log', 'r+');
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
   * Optional: the same write, synchronous. When present, a log writer may use
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
 * The file-system calls the Node stores make, injectable so tests can
 * simulate a full disk without filling one.
 *
 * @example
 * ```ts
 * import { nodeFileSystem, writeFileDurably, type FileSystem } from '@tallystick/core/node';
 * const fullDisk: FileSystem = {
 *   ...nodeFileSystem,
 *   open: async (path, flags) => {
 *     const handle = await nodeFileSystem.open(path, flags);
 *     return { ...handle, write: async () => { throw Object.assign(new Error('full'), { code: 'ENOSPC' }); } };
 *   },
 * };
 * await writeFileDurably(fullDisk, './state.json', new Uint8Array([1])); // rejects: ENOSPC, and ./state.json is untouched
 * ```
 */
export interface FileSystem {
  /** `flags` as in `fs.open`: 'r', 'r+', 'w', 'wx', 'wx+'. */
  open(path: string, flags: string): Promise<FileHandleLike>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}

/**
 * The real thing, on `node:fs/promises`; its handles also have `writeSync`.
 *
 * @example
 * ```ts
 * import { nodeFileSystem } from '@tallystick/core/node';
 * const bytes = await nodeFileSystem.readFile('./spent.log');
 * ```
 */
export const nodeFileSystem: FileSystem = {
  open: async (path, flags) => withWriteSync(await openRegular(path, flags)),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, created) => fsp.link(existing, created),
  unlink: (path) => fsp.unlink(path),
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  readFile: async (path) => {
    const handle = await openRegular(path, 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  },
};

// Windows has no O_NONBLOCK (and no FIFOs at a path); there the flag is 0.
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const FLAGS: Record<string, number> = {
  r: constants.O_RDONLY,
  'r+': constants.O_RDWR,
  w: constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC,
  wx: constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
  'wx+': constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
};

/**
 * Opens `path` only if it is a regular file. A FIFO where a log or lock should
 * be would block a read until some writer came (forever, on a till) and take
 * writes that persist nothing; a directory opens read-only. O_NONBLOCK makes
 * the open itself return at once (it changes nothing for a regular file's
 * reads and writes), then fstat decides.
 */
async function openRegular(path: string, flags: string): Promise<fsp.FileHandle> {
  const mode = FLAGS[flags];
  const handle = await fsp.open(path, mode === undefined ? flags : mode | NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : 'not a regular file (a FIFO, socket or device?)';
      throw Object.assign(new Error(`${path} is ${kind}`), {
        code: stat.isDirectory() ? 'EISDIR' : 'EINVAL',
        path,
      });
    }
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

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

/**
 * The `code` of a platform error (`'ENOENT'`, `'ENOSPC'`, ...), if it has one.
 *
 * @example
 * ```ts
 * import { errorCode, nodeFileSystem } from '@tallystick/core/node';
 * const missing = await nodeFileSystem.readFile('./nope').catch((e) => errorCode(e) === 'ENOENT');
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Writes all of `bytes` at `position`, looping over short writes; a write
 * that makes no progress fails with `EIO` rather than spinning.
 *
 * @example
 * ```ts
 * import { nodeFileSystem, writeFully } from '@tallystick/core/node';
 * const handle = await nodeFileSystem.open('./data.bin', 'w');
 * await writeFully(handle, new Uint8Array([1, 2, 3]), 0);
 * await handle.close();
 * ```
 */
export async function writeFully(handle: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/**
 * {@link writeFully} through the handle's `writeSync`, which the caller checked it has.
 *
 * @example
 * ```ts
 * import { nodeFileSystem, writeFullySync } from '@tallystick/core/node';
 * const handle = await nodeFileSystem.open('./data.bin', 'w');
 * if (handle.writeSync) writeFullySync({ writeSync: handle.writeSync }, new Uint8Array([1]), 0);
 * ```
 */
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

/**
 * Reads exactly `length` bytes at `position`, or fewer at end of file.
 *
 * @example
 * ```ts
 * import { nodeFileSystem, readAt } from '@tallystick/core/node';
 * const handle = await nodeFileSystem.open('./data.bin', 'r');
 * const first16 = await readAt(handle, 16, 0);
 * ```
 */
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
