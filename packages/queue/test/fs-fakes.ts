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

/**
 * The real file system under a shared capacity, as one small disk: every file
 * written through it counts toward `capacity`, a write growing past it is cut
 * short there and the next one fails with ENOSPC, and truncating, unlinking or
 * renaming over a file gives its bytes back. `shortWrites` makes every write
 * stop halfway (a legal short write), to exercise the retry loops.
 */
export function diskFs(capacity: number): FileSystem & {
  capacity: number;
  readonly used: number;
  shortWrites: boolean;
  sizeOf(path: string): number;
} {
  const sizes = new Map<string, number>();
  const used = () => [...sizes.values()].reduce((a, b) => a + b, 0);
  const fail = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  const fs = {
    ...nodeFileSystem,
    capacity,
    shortWrites: false,
    get used() {
      return used();
    },
    sizeOf: (path: string) => sizes.get(path) ?? 0,
    async open(path: string, flags: string): Promise<FileHandleLike> {
      const inner = await nodeFileSystem.open(path, flags);
      if (flags.startsWith('w')) sizes.set(path, 0);
      else if (!sizes.has(path)) sizes.set(path, (await inner.stat()).size);
      let name = path;
      const room = (position: number, length: number) => {
        const size = sizes.get(name) ?? 0;
        const free = fs.capacity - used();
        const limit = Math.max(size, size + free);
        if (position + length > limit && position >= limit) throw fail();
        let n = Math.min(length, limit - position);
        if (fs.shortWrites && n > 1) n = Math.ceil(n / 2);
        return n;
      };
      const grew = (position: number, n: number) => {
        const size = sizes.get(name) ?? 0;
        if (position + n > size) sizes.set(name, position + n);
      };
      const handle: FileHandleLike & { moved(from: string, to: string): boolean } = {
        moved: (from, to) => {
          if (name === from) name = to;
          else if (name === to) {
            name = `${to} (replaced)`;
            return true;
          }
          return false;
        },
        writeSync: (buffer, offset, length, position) => {
          const n = inner.writeSync!(buffer, offset, room(position, length), position);
          grew(position, n);
          return n;
        },
        read: (b, o, l, p) => inner.read(b, o, l, p),
        async write(buffer, offset, length, position) {
          const r = await inner.write(buffer, offset, room(position, length), position);
          grew(position, r.bytesWritten);
          return r;
        },
        // It models space, not durability: skipping the fsyncs keeps the fill-up tests fast.
        datasync: async () => undefined,
        sync: async () => undefined,
        async truncate(length) {
          await inner.truncate(length);
          sizes.set(name, length);
        },
        stat: () => inner.stat(),
        async close() {
          handles.delete(handle);
          // A file renamed over stays on disk until its last handle closes, as on a real disk.
          if (name.endsWith(' (replaced)')) sizes.delete(name);
          await inner.close();
        },
      };
      handles.add(handle);
      return handle;
    },
    async rename(from: string, to: string) {
      await nodeFileSystem.rename(from, to);
      const replaced = sizes.get(to);
      sizes.set(to, sizes.get(from) ?? 0);
      sizes.delete(from);
      let held = false;
      for (const h of handles) held = h.moved(from, to) || held;
      if (held && replaced !== undefined) sizes.set(`${to} (replaced)`, replaced);
    },
    async unlink(path: string) {
      await nodeFileSystem.unlink(path);
      sizes.delete(path);
    },
  };
  const handles = new Set<{ moved(from: string, to: string): boolean }>();
  return fs;
}
