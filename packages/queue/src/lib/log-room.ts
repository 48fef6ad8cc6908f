import { isOutOfSpace } from './errors.js';
import { type FileHandleLike, writeFully } from './fs-layer.js';

/** Room taken past what a group needs: about 16 groups' worth, within these bounds. */
const MIN_SLACK = 64 * 1024;
const MAX_SLACK = 1024 * 1024;
const ZEROS = new Uint8Array(MAX_SLACK);

/**
 * Zero-filled room ahead of the log. fdatasync after overwriting allocated
 * blocks flushes data only; after growing the file it must also commit the
 * new size to the file-system journal, which measured 1.6-1.9x slower here,
 * so a bounded slack (16 groups' worth, 64 KiB to 1 MiB) spares most groups
 * that. It is never more than that, and taken only when the disk has it: a
 * full disk must fail an append only when the append itself (and the
 * reserve it must leave) does not fit. Recovery sees the zeros as a torn
 * tail and cuts them off.
 */
export class LogRoom {
  /** Physical size of the file: zeros past the log's end, up to here, are room. */
  allocated: number;

  constructor(size: number) {
    this.allocated = size;
  }

  /**
   * Makes room for the log to reach `end` with `keep` bytes to spare, plus the
   * slack if the disk has it. On failure the room keeps its old size, or,
   * when even giving the partial fill back failed, shrinks to `size` (the
   * caller must then cut the file there before writing).
   */
  async make(handle: FileHandleLike, size: number, end: number, keep: number): Promise<void> {
    const need = end + keep;
    if (need <= this.allocated) return;
    const slack = Math.min(MAX_SLACK, Math.max(MIN_SLACK, 16 * (end - size)));
    try {
      await this.fill(handle, size, need + slack);
    } catch (error) {
      if (!isOutOfSpace(error)) throw error;
      await this.fill(handle, size, need);
    }
  }

  private async fill(handle: FileHandleLike, size: number, target: number): Promise<void> {
    const from = this.allocated;
    try {
      for (let at = from; at < target; at += ZEROS.length) {
        await writeFully(handle, ZEROS.subarray(0, Math.min(ZEROS.length, target - at)), at);
      }
      this.allocated = target;
    } catch (error) {
      // A room not had whole is given back, so a full disk keeps no half-filled tail.
      try {
        await handle.truncate(from);
      } catch {
        this.allocated = size;
      }
      throw error;
    }
  }
}
