import type { FileHandleLike, FileSystem } from '../src/file.js';
import { nodeFileSystem } from '../src/lib/fs-layer.js';

/**
 * The real file system with a byte limit on every file it writes: a write
 * crossing the limit is cut short there and the next one fails with ENOSPC,
 * as a full disk does. `limit` can be changed at any time ("space freed").
 * Handles have `writeSync` as Node's do, unless `asyncOnly` (a custom file
 * system without it), so both of the log writer's paths can be tested.
 */
export function limitedFs({ asyncOnly = false } = {}): FileSystem & {
  limit: number;
  datasyncs: number;
  failTruncates: number;
  failDatasyncs: number;
} {
  const fs = {
    ...nodeFileSystem,
    limit: Number.POSITIVE_INFINITY,
    datasyncs: 0,
    failTruncates: 0,
    failDatasyncs: 0,
    async open(path: string, flags: string): Promise<FileHandleLike> {
      const inner = await nodeFileSystem.open(path, flags);
      const room = (position: number, length: number) => {
        if (position >= fs.limit)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return Math.min(length, fs.limit - position);
      };
      const writeSync: Pick<FileHandleLike, 'writeSync'> = asyncOnly
        ? {}
        : {
            writeSync: (buffer, offset, length, position) =>
              inner.writeSync!(buffer, offset, room(position, length), position),
          };
      return {
        ...writeSync,
        read: (b, o, l, p) => inner.read(b, o, l, p),
        async write(buffer, offset, length, position) {
          return inner.write(buffer, offset, room(position, length), position);
        },
        async datasync() {
          if (fs.failDatasyncs > 0) {
            fs.failDatasyncs--;
            throw Object.assign(new Error('EIO: fsync failed'), { code: 'EIO' });
          }
          fs.datasyncs++;
          await inner.datasync();
        },
        sync: () => inner.sync(),
        async truncate(length) {
          if (fs.failTruncates > 0) {
            fs.failTruncates--;
            throw Object.assign(new Error('EIO: truncate failed'), { code: 'EIO' });
          }
          await inner.truncate(length);
        },
        stat: () => inner.stat(),
        close: () => inner.close(),
      };
    },
  };
  return fs;
}
