import { type FileHandleLike, type FileSystem, nodeFileSystem } from '@tallystick/core/node';

/**
 * The real file system with faults on demand, for the spent store's
 * durability tests:
 * - `limit`: no file grows past this many bytes: a write crossing it is cut
 *   short there and the next fails with ENOSPC, as on a full disk.
 * - `budget`: bytes that may still be written before a simulated crash: the
 *   write crossing it is cut short, and every later call fails (the process
 *   is gone). What reached the file stays, as a torn write would.
 * - `failDatasyncs`: that many fdatasyncs fail with EIO.
 */
export function faultFs(): FileSystem & {
  limit: number;
  budget: number;
  failDatasyncs: number;
  datasyncs: number;
  crashed: boolean;
} {
  const crash = () => Object.assign(new Error('EIO: simulated crash'), { code: 'EIO' });
  const fs = {
    ...nodeFileSystem,
    limit: Number.POSITIVE_INFINITY,
    budget: Number.POSITIVE_INFINITY,
    failDatasyncs: 0,
    datasyncs: 0,
    crashed: false,
    async open(path: string, flags: string): Promise<FileHandleLike> {
      if (fs.crashed) throw crash();
      const inner = await nodeFileSystem.open(path, flags);
      const room = (position: number, length: number) => {
        if (fs.crashed) throw crash();
        if (position >= fs.limit)
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        let allowed = Math.min(length, fs.limit - position);
        if (allowed > fs.budget) {
          allowed = fs.budget;
          fs.crashed = true;
        }
        fs.budget -= allowed;
        return allowed;
      };
      return {
        read: (b, o, l, p) => inner.read(b, o, l, p),
        write: async (buffer, offset, length, position) =>
          inner.write(buffer, offset, room(position, length), position),
        async datasync() {
          if (fs.crashed) throw crash();
          if (fs.failDatasyncs > 0) {
            fs.failDatasyncs--;
            throw Object.assign(new Error('EIO: fsync failed'), { code: 'EIO' });
          }
          fs.datasyncs++;
          await inner.datasync();
        },
        sync: () => inner.sync(),
        truncate: (length) => inner.truncate(length),
        stat: () => inner.stat(),
        close: () => inner.close(),
      };
    },
  };
  return fs;
}
