/**
 * Reads a version-1 spent-store log (before 0.2) so it can be migrated:
 *
 *   header: "TSSP" | version u8 = 1 | 3 zero bytes
 *   record: token id (16) | keepUntil u64 BE (8) | CRC-32 of the previous 24 bytes (4)
 *
 * Version 1 could not tell a torn tail from a write misaligned by an earlier
 * short write, so migration is strict: every whole record must verify, and
 * only a partial final record (a crash mid-write) is dropped. Anything else
 * is refused for an operator to look at.
 */
import { crc32 } from 'node:zlib';
import { encodeHex } from '@tallystick/core';
import { readU32 } from './layout.js';

const HEADER = 8;
const RECORD = 28;

export function isV1(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER && bytes[4] === 1 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
}

/** The entries of a clean version-1 log, or a string describing why it cannot be migrated. */
export function readV1(bytes: Uint8Array): { id: string; keepUntil: number }[] | string {
  const entries = new Map<string, number>();
  const whole = HEADER + Math.floor((bytes.length - HEADER) / RECORD) * RECORD;
  for (let at = HEADER; at < whole; at += RECORD) {
    if (readU32(bytes, at + 24) !== crc32(bytes.subarray(at, at + 24))) {
      return `version-1 log has a damaged record at byte ${at}; it cannot be migrated safely`;
    }
    const id = encodeHex(bytes.subarray(at, at + 16));
    const keepUntil = readU32(bytes, at + 16) * 2 ** 32 + readU32(bytes, at + 20);
    entries.set(id, Math.max(keepUntil, entries.get(id) ?? 0));
  }
  return [...entries].map(([id, keepUntil]) => ({ id, keepUntil }));
}
