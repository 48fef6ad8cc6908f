import { TallystickError } from '@tallystick/core';
import { claimFrame } from './file-bodies.js';
import { commitFrame, concatFrames, decodeFrame, HEADER_BYTES, RecordType } from './file-frame.js';
import type { Spot } from './file-reader.js';
import {
  enqueueEnvelopeJson,
  enqueueFrame,
  identityOf,
  metaFrame,
  parseEnqueueHeader,
} from './file-records.js';
import { FrameScanner } from './file-scan.js';
import type { FileWindow } from './file-window.js';
import { type FileHandleLike, type FileSystem, readAt, syncDirectory, writeFully } from './fs-layer.js';

export interface CompactInput {
  fs: FileSystem;
  dir: string;
  logPath: string;
  tempPath: string;
  source: FileHandleLike;
  /** Live entries before the cursor, relocated into the new log on success. */
  window: FileWindow;
  cursor: number;
  cursorSeq: number;
  /** Durable end of the source log. */
  end: number;
  lastSeq: number;
  highWater: string | undefined;
}

export interface CompactOutput {
  handle: FileHandleLike;
  size: number;
  /** The read cursor in the new log: window records lie before it, pristine ones after. */
  cursor: number;
  /** Bytes of ENQUEUE records in the new log. */
  liveBytes: number;
}

const CHUNK = 1024 * 1024;

/**
 * Writes a fresh log to a temporary file, makes it durable, then renames it
 * over the log; a crash at any point leaves either the old log or the new
 * one, never a mix. The new log holds the window's entries with their state
 * folded into marked ENQUEUE records, a CLAIM record placing the cursor after
 * them, then the pristine records after the old cursor copied byte for byte.
 * Memory stays bounded: everything streams through 1 MiB chunks, each closed
 * by a COMMIT so recovery never holds more than one chunk's ops.
 */
export async function compactLog(input: CompactInput): Promise<CompactOutput> {
  const { fs, window } = input;
  const indices = [...window.indices()];
  const positions = new Float64Array(indices.length * 2);
  const out = await fs.open(input.tempPath, 'w');
  let renamed = false;
  try {
    let size = 0;
    let liveBytes = 0;
    let frames: Uint8Array[] = [
      metaFrame(input.highWater ? { q: input.lastSeq, h: input.highWater } : { q: input.lastSeq }),
    ];
    let pending = frames[0]!.length;
    const push = async (frame: Uint8Array, live: boolean) => {
      frames.push(frame);
      pending += frame.length;
      if (live) liveBytes += frame.length;
      if (pending >= CHUNK) await flush();
    };
    const flush = async () => {
      frames.push(commitFrame(size));
      const bytes = concatFrames(frames);
      await writeFully(out, bytes, size);
      size += bytes.length;
      frames = [];
      pending = 0;
    };
    const spots = indices.map((i) => ({ pos: window.pos(i), len: window.len(i) }));
    for (let k = 0; k < spots.length; ) {
      const span = spanFrom(spots, k);
      const bytes = await readAt(input.source, span.end - span.start, span.start);
      for (let j = k; j < span.next; j++) {
        const frame = decodeFrame(bytes, spots[j]!.pos - span.start);
        if (typeof frame !== 'object' || frame.type !== RecordType.enqueue) {
          throw new TallystickError('ERR_STORE', `queue log record at byte ${spots[j]!.pos} is damaged`);
        }
        const header = parseEnqueueHeader(frame.body);
        const i = indices[j]!;
        const fresh = enqueueFrame(
          identityOf(header),
          header.h,
          enqueueEnvelopeJson(frame.body),
          window.state(i),
          true,
        );
        positions[2 * j] = size + pending;
        positions[2 * j + 1] = fresh.length;
        await push(fresh, true);
      }
      k = span.next;
    }
    const cursor = size + pending;
    await push(claimFrame({ w: [], s: [], a: [], l: [], c: cursor, q: input.cursorSeq }), false);
    const scanner = new FrameScanner(input.source, input.cursor, input.end);
    for (let next = await scanner.next(); next; next = await scanner.next()) {
      const { frame } = next;
      if (frame.type !== RecordType.enqueue) continue;
      const body = frame.body;
      await push(new Uint8Array(body.buffer, body.byteOffset - HEADER_BYTES, frame.size), true);
    }
    await flush();
    await out.datasync();
    await out.close();
    await fs.rename(input.tempPath, input.logPath);
    renamed = true;
    // The rename is atomic either way; the directory fsync only orders it before a power cut.
    await syncDirectory(fs, input.dir).catch(() => undefined);
    const handle = await fs.open(input.logPath, 'r+');
    // By index: a settle may have removed entries meanwhile, but nothing moved them.
    indices.forEach((i, k) => {
      window.relocate(i, positions[2 * k]!, positions[2 * k + 1]!);
    });
    return { handle, size, cursor, liveBytes };
  } catch (error) {
    if (renamed) throw new LogReplacedError(error);
    await out.close().catch(() => undefined);
    await fs.unlink(input.tempPath).catch(() => undefined);
    throw error;
  }
}

/** Groups neighbouring records into one read of at most 1 MiB. */
function spanFrom(entries: readonly Spot[], i: number): { start: number; end: number; next: number } {
  const first = entries[i]!;
  let end = first.pos + first.len;
  let next = i + 1;
  while (next < entries.length) {
    const e = entries[next]!;
    if (e.pos < end || e.pos - end > 4096 || e.pos + e.len - first.pos > CHUNK) break;
    end = e.pos + e.len;
    next++;
  }
  return { start: first.pos, end, next };
}

/** The new log is in place but could not be opened: the old handle must not be written again. */
export class LogReplacedError extends Error {
  constructor(cause: unknown) {
    super('the compacted queue log could not be reopened', { cause });
  }
}
