import { TallystickError } from '@tallystick/core';
import type { FileEntry } from './file-entry.js';
import { commitFrame, concatFrames, decodeFrame } from './file-frame.js';
import { enqueueEnvelopeJson, enqueueFrame, metaFrame, parseEnqueueHeader } from './file-records.js';
import { type FileHandleLike, type FileSystem, readAt, syncDirectory, writeFully } from './fs-layer.js';

export interface CompactInput {
  fs: FileSystem;
  dir: string;
  logPath: string;
  tempPath: string;
  source: FileHandleLike;
  entries: readonly FileEntry[];
  lastSeq: number;
  highWater: string | undefined;
}

export interface CompactOutput {
  handle: FileHandleLike;
  size: number;
  /** New [pos, len] of each input entry, in input order. */
  positions: Float64Array;
}

const CHUNK = 1024 * 1024;

/**
 * Writes the live entries, with their current state folded into fresh
 * ENQUEUE records, to a temporary file, makes it durable, then renames it
 * over the log. A crash at any point leaves either the old log or the new
 * one, never a mix. Memory stays bounded: entries stream through 1 MiB chunks,
 * each closed by a COMMIT so recovery never holds more than one chunk's ops.
 */
export async function compactLog(input: CompactInput): Promise<CompactOutput> {
  const { fs, entries } = input;
  const positions = new Float64Array(entries.length * 2);
  const out = await fs.open(input.tempPath, 'w');
  let renamed = false;
  try {
    let size = 0;
    let frames: Uint8Array[] = [
      metaFrame(input.highWater ? { q: input.lastSeq, h: input.highWater } : { q: input.lastSeq }),
    ];
    let pending = frames[0]!.length;
    const flush = async () => {
      frames.push(commitFrame(size));
      const bytes = concatFrames(frames);
      await writeFully(out, bytes, size);
      size += bytes.length;
      frames = [];
      pending = 0;
    };
    for (let i = 0; i < entries.length; ) {
      const span = spanFrom(entries, i);
      const bytes = await readAt(input.source, span.end - span.start, span.start);
      for (let j = i; j < span.next; j++) {
        const entry = entries[j]!;
        const frame = decodeFrame(bytes, entry.pos - span.start);
        if (typeof frame !== 'object') {
          throw new TallystickError('ERR_STORE', `queue log record at byte ${entry.pos} is damaged`);
        }
        const fresh = enqueueFrame(entry, parseEnqueueHeader(frame.body).h, enqueueEnvelopeJson(frame.body));
        positions[2 * j] = size + pending;
        positions[2 * j + 1] = fresh.length;
        frames.push(fresh);
        pending += fresh.length;
        if (pending >= CHUNK) await flush();
      }
      i = span.next;
    }
    await flush();
    await out.datasync();
    await out.close();
    await fs.rename(input.tempPath, input.logPath);
    renamed = true;
    // The rename is atomic either way; the directory fsync only orders it before a power cut.
    await syncDirectory(fs, input.dir).catch(() => undefined);
    const handle = await fs.open(input.logPath, 'r+');
    return { handle, size, positions };
  } catch (error) {
    if (renamed) throw new LogReplacedError(error);
    await out.close().catch(() => undefined);
    await fs.unlink(input.tempPath).catch(() => undefined);
    throw error;
  }
}

/** Groups neighbouring records into one read of at most 1 MiB. */
function spanFrom(entries: readonly FileEntry[], i: number): { start: number; end: number; next: number } {
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
