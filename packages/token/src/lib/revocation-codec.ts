/**
 * Revocation list v1, the bytes a terminal downloads while online:
 *
 *   0  version u8 = 1
 *   1  flags u8: bit 0 = signed; other bits must be 0
 *   2  issued-at u32 BE, seconds
 *   6  kid count (canonical varint), then the kids, 4 bytes each, strictly ascending
 *      token id count (canonical varint), then the ids, 16 bytes each, strictly ascending
 *      [signed] signer kid (4) and an Ed25519 signature (64) over
 *               "tallystick/revocation/v1" || every byte before the signature (signer kid included)
 *
 * Sorted fixed-width ids are their own index: loading is one copy, a lookup a
 * binary search of at most 20 steps for a million ids, and the list costs
 * 16 bytes per revoked token.
 */
import { tryDecodeVarint, varintLength, writeVarint } from '@tallystick/core';
import { DOMAIN } from '../format.js';
import { ascii, readU32, SIZE, writeU32 } from './layout.js';

export const REVOCATION_VERSION = 1;
export const REVOCATION_DOMAIN = ascii(DOMAIN.revocation);
/** A million ids is 16 MiB; more is a mistake (revoke the key instead). */
export const MAX_REVOKED = 1 << 20;

export interface RevocationData {
  issuedAtSeconds: number;
  kids: Uint8Array; // n × 4, sorted
  ids: Uint8Array; // n × 16, sorted
}

export interface ParsedRevocation extends RevocationData {
  /** Signer kid as a u32 and the signed message and signature; undefined when unsigned. */
  signed: { kid: number; message: Uint8Array; signature: Uint8Array } | undefined;
}

/** Encodes a list; `signerKid` reserves room for the signature, which the caller fills in. */
export function encodeRevocation(data: RevocationData, signerKid: Uint8Array | undefined): Uint8Array {
  const nk = data.kids.length / SIZE.kid;
  const ni = data.ids.length / SIZE.tokenId;
  const tail = signerKid ? SIZE.kid + SIZE.signature : 0;
  const size = 6 + varintLength(nk) + data.kids.length + varintLength(ni) + data.ids.length + tail;
  const out = new Uint8Array(size);
  out[0] = REVOCATION_VERSION;
  out[1] = signerKid ? 1 : 0;
  writeU32(out, 2, data.issuedAtSeconds);
  let pos = writeVarint(out, 6, nk);
  out.set(data.kids, pos);
  pos = writeVarint(out, pos + data.kids.length, ni);
  out.set(data.ids, pos);
  pos += data.ids.length;
  if (signerKid) out.set(signerKid, pos);
  return out;
}

/** Parses a list; a string describes why it is not a canonical v1 list. */
export function parseRevocation(bytes: Uint8Array): ParsedRevocation | string {
  if (bytes.length < 8) return 'revocation list truncated';
  if (bytes[0] !== REVOCATION_VERSION) return `revocation list version ${bytes[0]} is not supported`;
  const flags = bytes[1]!;
  if (flags > 1) return 'unknown revocation list flags';
  const end = flags === 1 ? bytes.length - SIZE.kid - SIZE.signature : bytes.length;
  const kids = readSorted(bytes, 6, end, SIZE.kid);
  if (typeof kids === 'string') return kids;
  const ids = readSorted(bytes, kids.next, end, SIZE.tokenId);
  if (typeof ids === 'string') return ids;
  if (ids.next !== end) return 'trailing bytes in revocation list';
  const data = { issuedAtSeconds: readU32(bytes, 2), kids: kids.items, ids: ids.items };
  if (flags === 0) return { ...data, signed: undefined };
  return {
    ...data,
    signed: {
      kid: readU32(bytes, end),
      message: concat(REVOCATION_DOMAIN, bytes.subarray(0, end + SIZE.kid)),
      signature: bytes.subarray(end + SIZE.kid),
    },
  };
}

export function signedMessage(unsigned: Uint8Array): Uint8Array {
  return concat(REVOCATION_DOMAIN, unsigned.subarray(0, unsigned.length - SIZE.signature));
}

function readSorted(bytes: Uint8Array, at: number, end: number, width: number) {
  const count = tryDecodeVarint(bytes, at);
  if (!count.ok) return `revocation count varint ${count.code}`;
  if (count.value > MAX_REVOKED) return 'revocation list holds more than 2^20 entries';
  const stop = count.next + count.value * width;
  if (stop > end) return 'revocation list truncated';
  const items = bytes.slice(count.next, stop);
  for (let i = width; i < items.length; i += width) {
    if (compareAt(items, i - width, items, i, width) >= 0)
      return 'revocation entries must be strictly ascending';
  }
  return { items, next: stop };
}

/** Byte-wise comparison of `width` bytes at two offsets. */
export function compareAt(a: Uint8Array, ai: number, b: Uint8Array, bi: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const d = a[ai + k]! - b[bi + k]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** Binary search for the `width` bytes at `key[at..]` in sorted fixed-width `items`. */
export function containsSorted(items: Uint8Array, width: number, key: Uint8Array, at: number): boolean {
  let lo = 0;
  let hi = items.length / width - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const d = compareAt(items, mid * width, key, at, width);
    if (d === 0) return true;
    if (d < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
