import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';

/**
 * The file adapter's on-disk framing. Every record is
 *
 *   magic 0xA7 | type u8 | body length u32 LE | CRC-32 of (type, body) u32 LE | body
 *
 * and every group write ends with a COMMIT record. Recovery keeps whole
 * groups only: a group without its COMMIT was never acknowledged (its fsync
 * never returned), so dropping it loses nothing a caller was promised.
 */
export const MAGIC = 0xa7;
export const HEADER_BYTES = 10;
/** Well above the largest record (a 64 KiB payload, or a settle of 4096 intents with errors). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const RecordType = {
  enqueue: 1,
  claim: 2,
  settle: 3,
  requeue: 4,
  discard: 5,
  meta: 6,
  commit: 7,
} as const;
export type RecordTypeCode = (typeof RecordType)[keyof typeof RecordType];

/** CRC-32 of each one-byte record type, the seed the body's CRC continues from. */
const TYPE_CRC = Array.from({ length: RecordType.commit + 1 }, (_, type) => crc32(Uint8Array.of(type)));

/** CRC-32 (IEEE) over the type byte and the body, from node:zlib (C, present since Node 20.15). */
function checksum(type: number, body: Uint8Array): number {
  return crc32(body, TYPE_CRC[type]!);
}

export function encodeFrame(type: RecordTypeCode, body: Uint8Array | string): Uint8Array {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  // allocUnsafe takes small frames from Node's pooled slab; every byte of it is written below.
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  if (typeof body === 'string') frame.write(body, HEADER_BYTES, 'utf8');
  else frame.set(body, HEADER_BYTES);
  frame[0] = MAGIC;
  frame[1] = type;
  frame.writeUInt32LE(length, 2);
  frame.writeUInt32LE(checksum(type, frame.subarray(HEADER_BYTES)), 6);
  return frame;
}

export interface DecodedFrame {
  type: RecordTypeCode;
  body: Uint8Array;
  /** Total bytes of the frame, header included. */
  size: number;
}

/**
 * Decodes the frame starting at `offset` of `bytes`: a frame, 'short' when the
 * bytes end before the frame does, or 'bad' when it cannot be a valid frame.
 */
export function decodeFrame(bytes: Uint8Array, offset: number): DecodedFrame | 'short' | 'bad' {
  if (bytes.length - offset < HEADER_BYTES) return 'short';
  if (bytes[offset] !== MAGIC) return 'bad';
  const type = bytes[offset + 1]!;
  if (type < RecordType.enqueue || type > RecordType.commit) return 'bad';
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, HEADER_BYTES);
  const length = view.getUint32(2, true);
  if (length > MAX_BODY_BYTES) return 'bad';
  if (bytes.length - offset < HEADER_BYTES + length) return 'short';
  const body = bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
  if (checksum(type, body) !== view.getUint32(6, true)) return 'bad';
  return { type: type as RecordTypeCode, body, size: HEADER_BYTES + length };
}

/** The fixed-size COMMIT record closing a group. */
export function commitFrame(groupStart: number): Uint8Array {
  return encodeFrame(RecordType.commit, String(groupStart));
}

export function concatFrames(frames: readonly Uint8Array[], total?: number): Uint8Array {
  const size = total ?? frames.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const frame of frames) {
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}
