/**
 * The on-disk format of the file spent store: an 8-byte header, then 28-byte
 * records appended one batch per fsync.
 *
 *   header: "TSSP" | version u8 = 1 | 3 zero bytes
 *   record: token id (16) | keepUntil u64 BE, epoch ms (8) | CRC-32 of the previous 24 bytes (4)
 *
 * A crash can tear only the batch being written, which was never
 * acknowledged (checkAndAdd resolves after the fsync), so dropping a torn
 * tail loses no redemption that was reported. A bad record followed by good
 * ones is not a tear but damage, and is refused unless the caller asks to skip it.
 */
import { crc32 } from 'node:zlib';
import { decodeHex, encodeHex } from '@tallystick/core';
import { readU32, writeU32 } from './layout.js';

export const HEADER = new Uint8Array([0x54, 0x53, 0x53, 0x50, 1, 0, 0, 0]);
export const RECORD = 28;

export function encodeRecord(out: Uint8Array, at: number, tokenId: string, keepUntil: number): void {
  out.set(decodeHex(tokenId), at);
  writeU32(out, at + 16, Math.floor(keepUntil / 2 ** 32));
  writeU32(out, at + 20, keepUntil >>> 0);
  writeU32(out, at + 24, crc32(out.subarray(at, at + 24)));
}

export interface LogContents {
  entries: Map<string, number>;
  /** Bytes of valid log; anything after is a torn tail to cut off. */
  validLength: number;
  records: number;
  skipped: number;
}

/** Reads a whole log. Returns a string describing damage it must not repair silently. */
export function readLog(bytes: Uint8Array, skipDamaged: boolean): LogContents | string {
  for (let i = 0; i < HEADER.length; i++) {
    if (bytes[i] !== HEADER[i]) return 'not a tallystick spent-store file (bad header)';
  }
  const entries = new Map<string, number>();
  let validLength = HEADER.length;
  let records = 0;
  let skipped = 0;
  let firstBad = -1;
  for (let at = HEADER.length; at + RECORD <= bytes.length; at += RECORD) {
    if (readU32(bytes, at + 24) !== crc32(bytes.subarray(at, at + 24))) {
      if (firstBad < 0) firstBad = at;
      continue;
    }
    if (firstBad >= 0) {
      if (!skipDamaged)
        return `damaged record at byte ${firstBad} followed by valid ones; open with skipDamaged to drop it`;
      skipped += (at - firstBad) / RECORD;
      firstBad = -1;
    }
    const id = encodeHex(bytes.subarray(at, at + 16));
    const keepUntil = readU32(bytes, at + 16) * 2 ** 32 + readU32(bytes, at + 20);
    entries.set(id, Math.max(keepUntil, entries.get(id) ?? 0));
    records++;
    validLength = at + RECORD;
  }
  return { entries, validLength, records, skipped };
}
