import { TallystickError } from '@tallystick/core';
import { type DecodedFrame, decodeFrame, HEADER_BYTES } from './file-frame.js';
import { type FileHandleLike, readAt } from './fs-layer.js';

/** One frame and where it starts in the log. */
export interface ScannedFrame {
  frame: DecodedFrame;
  pos: number;
}

const CHUNK = 256 * 1024;
/** For peeks that usually need only the first record or page past the cursor. */
export const PEEK_CHUNK = 16 * 1024;

/**
 * Reads frames forward through the durable part of the log with buffered
 * reads of 256 KiB, so the replayer streams the backlog instead of holding
 * it. `end` may be raised as the log grows. Only committed bytes are ever
 * scanned (the caller bounds `end` by the writer's durable length), so any
 * bad or short frame here is damage, not a torn tail.
 */
export class FrameScanner {
  private buffer: Uint8Array = new Uint8Array(0);
  private bufferStart = 0;

  constructor(
    private readonly handle: FileHandleLike,
    /** Position of the next frame to return. */
    public pos: number,
    /** Exclusive bound of the scan. */
    public end: number,
    /** Bytes per read: large for streaming, small for a peek past the cursor. */
    private readonly chunk = CHUNK,
  ) {}

  /** The next frame, or undefined at `end`. The body stays valid after later calls. */
  async next(): Promise<ScannedFrame | undefined> {
    if (this.pos >= this.end) return undefined;
    const offset = this.pos - this.bufferStart;
    let result = offset >= 0 && offset <= this.buffer.length ? decodeFrame(this.buffer, offset) : 'short';
    // Twice at most: the first fill may only reveal the header of a frame larger than a chunk.
    for (let fills = 0; result === 'short' && fills < 2; fills++) {
      await this.fill();
      result = decodeFrame(this.buffer, 0);
    }
    if (typeof result !== 'object') {
      throw new TallystickError('ERR_STORE', `queue log record at byte ${this.pos} is damaged`);
    }
    const at = this.pos;
    this.pos += result.size;
    return { frame: result, pos: at };
  }

  /** Rereads from `pos`: at least one chunk, or the whole next frame when it is larger. */
  private async fill(): Promise<void> {
    let want = this.chunk;
    const offset = this.pos - this.bufferStart;
    if (offset >= 0 && this.buffer.length - offset >= HEADER_BYTES) {
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset + offset, HEADER_BYTES);
      want = Math.max(want, HEADER_BYTES + view.getUint32(2, true));
    }
    this.buffer = await readAt(this.handle, Math.min(want, this.end - this.pos), this.pos);
    this.bufferStart = this.pos;
  }
}
