import { toStoreError } from './errors.js';
import { commitFrame, concatFrames } from './file-frame.js';
import { appendFully, type FileHandleLike, writeFully } from './fs-layer.js';

interface Pending {
  frames: readonly Uint8Array[];
  resolve(offsets: number[]): void;
  reject(error: unknown): void;
}

/** A group is capped so one huge burst does not delay every caller in it. */
const MAX_GROUP_BYTES = 8 * 1024 * 1024;

/**
 * Appends frames to the log with group commit: everything submitted while a
 * write+fsync is running goes out together in the next one, closed by a
 * COMMIT record. A failed write is truncated away before anything else is
 * written, so an unacknowledged record can never resurface later.
 */
export class LogWriter {
  private pending: Pending[] = [];
  private draining = false;
  private mutex: Promise<unknown> = Promise.resolve();
  /** Bytes of the log that are known good; a write failure truncates back to it. */
  private size: number;
  /** Physical size: zeros past `size` are preallocated room for the next groups. */
  private allocated: number;
  private needsTruncate = false;
  /** Counts write+fsync rounds, for tests and benchmarks. */
  groups = 0;

  constructor(
    private handle: FileHandleLike,
    size: number,
  ) {
    this.size = size;
    this.allocated = size;
  }

  get length(): number {
    return this.size;
  }

  /** Resolves with each frame's offset once all of them are durable. */
  append(frames: readonly Uint8Array[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ frames, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /**
   * Runs `fn` between groups, with no write in progress (for compaction). `fn`
   * may swap the file through `replace`.
   */
  exclusive<T>(fn: (replace: (handle: FileHandleLike, size: number) => void) => Promise<T>): Promise<T> {
    return this.locked(() =>
      fn((handle, size) => {
        this.handle = handle;
        this.size = size;
        this.allocated = size;
        this.needsTruncate = false;
      }),
    );
  }

  /** Waits for every submitted group, then gives the preallocated room back. */
  async close(): Promise<void> {
    while (this.draining) await this.locked(async () => undefined);
    await this.locked(async () => {
      if (this.allocated > this.size) await this.discardTail();
    });
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) await this.locked(() => this.writeGroup());
    this.draining = false;
  }

  private async writeGroup(): Promise<void> {
    const group: Pending[] = [];
    let bytes = 0;
    while (this.pending.length > 0 && (group.length === 0 || bytes < MAX_GROUP_BYTES)) {
      const next = this.pending.shift()!;
      group.push(next);
      for (const frame of next.frames) bytes += frame.length;
    }
    const start = this.size;
    const frames: Uint8Array[] = [];
    const offsets: number[][] = [];
    let at = start;
    for (const member of group) {
      const mine: number[] = [];
      for (const frame of member.frames) {
        frames.push(frame);
        mine.push(at);
        at += frame.length;
      }
      offsets.push(mine);
    }
    frames.push(commitFrame(start));
    try {
      if (this.needsTruncate) {
        await this.handle.truncate(this.size);
        this.needsTruncate = false;
      }
      const buffer = concatFrames(frames);
      await this.preallocate(start + buffer.length);
      await appendFully(this.handle, buffer, start);
      await this.handle.datasync();
      this.size = start + buffer.length;
      this.groups++;
      group.forEach((member, i) => {
        member.resolve(offsets[i]!);
      });
    } catch (error) {
      await this.discardTail();
      const wrapped = toStoreError(error, 'writing the queue log');
      for (const member of group) member.reject(wrapped);
    }
  }

  /**
   * Keeps zero-filled room ahead of the log. fdatasync after overwriting
   * allocated blocks flushes data only; after growing the file it must also
   * commit the new size to the file-system journal, which measured 1.6-1.9x
   * slower here. The room doubles with the log, from 1 MiB up to 64 MiB.
   * Recovery sees the zeros as a torn tail and cuts them off.
   */
  private async preallocate(end: number): Promise<void> {
    if (end <= this.allocated) return;
    const step = Math.min(64, Math.max(1, 2 ** Math.ceil(Math.log2(end / 2 ** 20 + 1)))) * 2 ** 20;
    const target = end + step;
    const zeros = new Uint8Array(Math.min(step, 2 ** 20));
    for (let at = Math.max(this.allocated, this.size); at < target; at += zeros.length) {
      await writeFully(this.handle, zeros.subarray(0, Math.min(zeros.length, target - at)), at);
    }
    this.allocated = target;
  }

  /** Cuts a partly written group off; if even that fails, the next group retries it first. */
  private async discardTail(): Promise<void> {
    this.allocated = this.size;
    try {
      await this.handle.truncate(this.size);
      this.needsTruncate = false;
    } catch {
      this.needsTruncate = true;
    }
  }
}
