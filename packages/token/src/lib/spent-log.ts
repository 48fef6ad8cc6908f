/**
 * The on-disk format of the file spent store, version 2. Every rule here
 * answers one question on open: which bytes were acknowledged?
 *
 *   0     fixed header (16): "TSSP" | version u8 = 2 | 3 zero bytes | file id (8 random bytes)
 *   512   commit slot 0 (20) \  commits u32 | committed end u64 | chain u32 | CRC-32 u32
 *   1024  commit slot 1 (20) /  (the slots alternate, so a torn slot write leaves the other)
 *   1536  groups, one per write+fdatasync:
 *         count u32 | head CRC u32 | count × (token id 16 | keepUntil u64 BE) | CRC u32
 *
 * Each group's CRC is seeded with the previous group's (the first with the
 * fixed header's), so a group that is missing, repeated, shifted by deleted
 * or inserted bytes, or flipped breaks the chain. The slots sit in their own
 * 512-byte sectors and name the end of the log as of the last completed
 * fdatasync (written together with the next group, so at most the final
 * group lies beyond it). On open every group must verify, except one final
 * group that is cut short or fails its CRC ending exactly at end of file, and
 * lies past the committed end: that is a torn write, never acknowledged. A log
 * shorter than the committed end, or than its header (a file truncated to 0),
 * is refused, as is any other damage.
 */

import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { decodeHex } from '@tallystick/core';
import { readU32, writeU32 } from './layout.js';

export const VERSION = 2;
export const MAGIC = [0x54, 0x53, 0x53, 0x50];
export const SLOT_AT = [512, 1024] as const;
const SLOT = 20;
/** Where groups start; a log is never shorter than this. */
export const GROUPS_AT = 1536;
export const ENTRY = 24;
const GROUP_HEAD = 8;
/** Bytes a group of `n` entries takes. */
export const groupBytes = (n: number) => GROUP_HEAD + n * ENTRY + 4;

/** Where the log is, as of the last fdatasync: what the next slot write records. */
export interface Committed {
  commits: number;
  end: number;
  chain: number;
}

/**
 * A whole log holding `items` in one group, both slots committing all of it:
 * what a new store, a prune rewrite and a migration write (atomically).
 */
export function encodeLog(
  fileId: Uint8Array,
  items: readonly { id: string; keepUntil: number }[],
): { bytes: Uint8Array; committed: Committed } {
  const header = new Uint8Array(GROUPS_AT);
  header.set(MAGIC, 0);
  header[4] = VERSION;
  header.set(fileId.subarray(0, 8), 8);
  let chain = crc32(header.subarray(0, 16));
  let group: Uint8Array = new Uint8Array(0);
  if (items.length > 0) ({ bytes: group, chain } = encodeGroup(items, chain));
  const committed = { commits: 1, end: GROUPS_AT + group.length, chain };
  header.set(encodeSlot(committed), SLOT_AT[1]);
  header.set(encodeSlot({ ...committed, commits: 0 }), SLOT_AT[0]);
  const bytes = new Uint8Array(committed.end);
  bytes.set(header, 0);
  bytes.set(group, GROUPS_AT);
  return { bytes, committed };
}

/** The slot the commit after `c` goes to: they alternate, so a torn slot write leaves the other intact. */
export const nextSlotAt = (c: Committed) => SLOT_AT[(c.commits + 1) % 2]!;

export function encodeSlot(c: Committed): Uint8Array {
  const out = new Uint8Array(SLOT);
  writeU32(out, 0, c.commits >>> 0);
  writeU32(out, 4, Math.floor(c.end / 2 ** 32));
  writeU32(out, 8, c.end >>> 0);
  writeU32(out, 12, c.chain >>> 0);
  writeU32(out, 16, crc32(out.subarray(0, 16)));
  return out;
}

function decodeSlot(bytes: Uint8Array, at: number): Committed | undefined {
  if (readU32(bytes, at + 16) !== crc32(bytes.subarray(at, at + 16))) return undefined;
  return {
    commits: readU32(bytes, at),
    end: readU32(bytes, at + 4) * 2 ** 32 + readU32(bytes, at + 8),
    chain: readU32(bytes, at + 12),
  };
}

/** One group holding `items`, chained to `chain`; returns its bytes and the new chain value. */
export function encodeGroup(
  items: readonly { id: string; keepUntil: number }[],
  chain: number,
): { bytes: Uint8Array; chain: number } {
  const bytes = new Uint8Array(groupBytes(items.length));
  writeU32(bytes, 0, items.length);
  writeU32(bytes, 4, crc32(bytes.subarray(0, 4), chain));
  let at = GROUP_HEAD;
  for (const { id, keepUntil } of items) {
    bytes.set(decodeHex(id), at);
    writeU32(bytes, at + 16, Math.floor(keepUntil / 2 ** 32));
    writeU32(bytes, at + 20, keepUntil >>> 0);
    at += ENTRY;
  }
  const next = crc32(bytes.subarray(0, at), chain);
  writeU32(bytes, at, next);
  return { bytes, chain: next };
}

export interface LogContents {
  entries: Map<string, number>;
  /** Groups read, for the prune heuristic: records on disk. */
  records: number;
  /** Where the verified log ends; a torn final group beyond it is to be cut. */
  end: number;
  /** The chain value after the last verified group. */
  chain: number;
  /** The newer valid commit slot. */
  mark: Committed;
}

/** Reads a whole version-2 log. Returns a string describing damage it must not repair silently. */
export function readLog(bytes: Uint8Array): LogContents | string {
  if (bytes.length < GROUPS_AT) {
    return `truncated to ${bytes.length} bytes, shorter than its ${GROUPS_AT}-byte header; its records are lost, restore it from a backup`;
  }
  const slots = [decodeSlot(bytes, SLOT_AT[0]), decodeSlot(bytes, SLOT_AT[1])].filter((s) => s !== undefined);
  if (slots.length === 0) return 'both commit slots are damaged';
  // Commit counters may wrap: of two, the newer is the one a small step ahead.
  const mark = slots.reduce((a, b) => ((b.commits - a.commits) >>> 0 < 2 ** 31 ? b : a));
  const entries = new Map<string, number>();
  // Node's hex encoder: a reopen decodes every id in the log, and this is ~5x faster than a portable loop.
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let chain = crc32(bytes.subarray(0, 16));
  let records = 0;
  let at = GROUPS_AT;
  const checkMark = () =>
    at === mark.end && chain !== mark.chain
      ? `the log before byte ${at} is not the one that was committed`
      : '';
  if (at === mark.end && checkMark()) return checkMark();
  while (at < bytes.length) {
    const torn = at >= mark.end;
    const count = at + GROUP_HEAD <= bytes.length ? readU32(bytes, at) : -1;
    const headOk = count >= 0 && readU32(bytes, at + 4) === crc32(bytes.subarray(at, at + 4), chain);
    const end = headOk ? at + groupBytes(count) : Number.POSITIVE_INFINITY;
    if (end > bytes.length) {
      if (torn) break;
      return `damaged or truncated group at byte ${at}, inside the committed log (${mark.end} bytes)`;
    }
    const next = crc32(bytes.subarray(at, end - 4), chain);
    if (readU32(bytes, end - 4) !== next) {
      if (torn && end === bytes.length) break;
      return `damaged group at byte ${at} (checksum mismatch) with data after it`;
    }
    for (let p = at + GROUP_HEAD; p < end - 4; p += ENTRY) {
      const id = hex.toString('hex', p, p + 16);
      const keepUntil = readU32(bytes, p + 16) * 2 ** 32 + readU32(bytes, p + 20);
      entries.set(id, Math.max(keepUntil, entries.get(id) ?? 0));
    }
    records += count;
    if (at < mark.end && end > mark.end) return `the committed end (${mark.end}) falls inside a group`;
    at = end;
    chain = next;
    if (checkMark()) return checkMark();
  }
  if (at < mark.end) {
    return `truncated: ${at} bytes of verified log, but ${mark.end} were committed; acknowledged records are missing`;
  }
  return { entries, records, end: at, chain, mark };
}
