/**
 * The byte-level half of the one strict rule, run before any backend sees a
 * signature. These checks need no field arithmetic (their constants come
 * from field.ts's bigints once, at load), so they cost nanoseconds and let
 * every backend start from the same set of admissible inputs:
 * S < L, canonical encodings of R and A, and R and A not of small order.
 */

import { bigintToBytes256, L, P } from './field.js';

function le32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  bigintToBytes256(value, out, 0);
  return out;
}

/** L, the prime order of the Ed25519 base point, little-endian. */
const L_BYTES = le32(L);

/**
 * True when the 32 bytes at `offset` encode an integer below L. Compared from
 * the most significant byte down so a random S usually decides at byte 31.
 */
export function isScalarCanonical(bytes: Uint8Array, offset: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = bytes[offset + i]!;
    const b = L_BYTES[i]!;
    if (a !== b) return a < b;
  }
  return false; // equal to L
}

/**
 * True when the 32 bytes at `offset` are the one canonical encoding of a
 * y-coordinate and sign: y < p = 2^255 - 19, and the sign bit is clear when
 * x = 0 (y = 1 or y = p - 1), because -0 = 0 has no second encoding.
 * Whether y is on the curve at all is left to decompression.
 */
export function isPointEncodingCanonical(bytes: Uint8Array, offset: number): boolean {
  const top = bytes[offset + 31]!;
  const sign = top & 0x80;
  // y >= p only when bits 8..254 are all ones and the low byte is >= 0xed.
  if ((top & 0x7f) === 0x7f && allBytes(bytes, offset + 1, 30, 0xff)) {
    const low = bytes[offset]!;
    if (low >= 0xed) return false;
    // y = p - 1 = ...ffec: x = 0, so the sign bit must be clear.
    if (low === 0xec && sign !== 0) return false;
    return true;
  }
  // y = 1: x = 0, so the sign bit must be clear.
  if (sign !== 0 && (top & 0x7f) === 0 && bytes[offset] === 1 && allBytes(bytes, offset + 1, 30, 0))
    return false;
  return true;
}

function allBytes(bytes: Uint8Array, from: number, count: number, value: number): boolean {
  for (let i = from; i < from + count; i++) if (bytes[i] !== value) return false;
  return true;
}

/**
 * The y-coordinates of the eight points of order dividing 8 (the torsion
 * subgroup E[8]): 0 (two points, x = ±sqrt(-1)), 1 (the identity), p - 1
 * (order 2) and ±y8 (four points of order 8). Non-canonical aliases are
 * already refused by {@link isPointEncodingCanonical}, and so is a sign bit
 * on y = 1 or p - 1, so comparing y with these five, whatever the sign bit,
 * is a complete small-order test for an admissible encoding. Five values
 * instead of eight encodings keep the verify bundle small.
 */
const Y8 = 0x05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826n;
const SMALL_ORDER_Y: readonly Uint8Array[] = [0n, 1n, P - 1n, Y8, P - Y8].map(le32);

/** True when the canonical encoding at `offset` is one of the eight small-order points. */
export function isSmallOrderEncoding(bytes: Uint8Array, offset: number): boolean {
  // Every small-order encoding starts with 0x00, 0x01, 0x26, 0xc7 or 0xec:
  // one byte read rules out almost every real R.
  const first = bytes[offset]!;
  if (first !== 0x00 && first !== 0x01 && first !== 0x26 && first !== 0xc7 && first !== 0xec) return false;
  outer: for (const y of SMALL_ORDER_Y) {
    for (let i = 0; i < 32; i++) {
      if ((i === 31 ? bytes[offset + i]! & 0x7f : bytes[offset + i]) !== y[i]) continue outer;
    }
    return true;
  }
  return false;
}

/**
 * The whole byte-level rule for one signature: 64 bytes, S < L, R canonical
 * and not of small order. The key's half of the rule runs once in prepareKey.
 */
export function isSignatureAdmissible(signature: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    isScalarCanonical(signature, 32) &&
    isPointEncodingCanonical(signature, 0) &&
    !isSmallOrderEncoding(signature, 0)
  );
}
