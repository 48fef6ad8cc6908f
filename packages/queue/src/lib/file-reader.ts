import { type IntentEnvelope, TallystickError } from '@tallystick/core';
import { decodeFrame, RecordType } from './file-frame.js';
import { parseEnqueueEnvelope } from './file-records.js';
import { type FileHandleLike, readAt } from './fs-layer.js';

/** Where an ENQUEUE frame sits in the log. */
export interface Spot {
  pos: number;
  len: number;
}

interface HandleRef {
  handle: FileHandleLike;
  readers: number;
  retired: boolean;
}

const MAX_SPAN = 1024 * 1024;
const MAX_GAP = 4096;

/**
 * Reads envelopes back from the log for claims and listings. Compaction swaps
 * the file underneath; a read already under way keeps the handle and the
 * positions it started with (the old file stays readable until its last
 * reader is done, even after the rename replaced it).
 */
export class LogReader {
  private current: HandleRef;

  constructor(handle: FileHandleLike) {
    this.current = { handle, readers: 0, retired: false };
  }

  /** Makes `handle` current; the previous one closes once idle. */
  swap(handle: FileHandleLike): void {
    const old = this.current;
    old.retired = true;
    this.current = { handle, readers: 0, retired: false };
    if (old.readers === 0) void old.handle.close().catch(() => undefined);
  }

  /** Envelopes of the ENQUEUE frames at `spots`, in the same order. */
  async read(spots: readonly Spot[]): Promise<IntentEnvelope[]> {
    return (await this.bodies(spots)).map(parseEnqueueEnvelope);
  }

  /** Bodies of the ENQUEUE frames at `entries`, in the same order; neighbouring frames are read together. */
  async bodies(entries: readonly Spot[]): Promise<Uint8Array[]> {
    if (entries.length === 0) return [];
    const ref = this.current;
    // Copy positions now: compaction may move the entries while we await.
    const spots = entries.map((e, i) => ({ pos: e.pos, len: e.len, i }));
    spots.sort((a, b) => a.pos - b.pos);
    const out = new Array<Uint8Array>(entries.length);
    ref.readers++;
    try {
      for (let k = 0; k < spots.length; ) {
        const first = spots[k]!;
        let end = first.pos + first.len;
        let next = k + 1;
        while (next < spots.length) {
          const s = spots[next]!;
          if (s.pos - end > MAX_GAP || s.pos + s.len - first.pos > MAX_SPAN) break;
          end = Math.max(end, s.pos + s.len);
          next++;
        }
        const bytes = await readAt(ref.handle, end - first.pos, first.pos);
        for (let j = k; j < next; j++) {
          const spot = spots[j]!;
          const frame = decodeFrame(bytes, spot.pos - first.pos);
          if (typeof frame !== 'object' || frame.type !== RecordType.enqueue) {
            throw new TallystickError('ERR_STORE', `queue log record at byte ${spot.pos} is damaged`);
          }
          out[spot.i] = frame.body;
        }
        k = next;
      }
    } finally {
      ref.readers--;
      if (ref.retired && ref.readers === 0) void ref.handle.close().catch(() => undefined);
    }
    return out;
  }

  get handle(): FileHandleLike {
    return this.current.handle;
  }

  async close(): Promise<void> {
    this.current.retired = true;
    if (this.current.readers === 0) await this.current.handle.close().catch(() => undefined);
  }
}
