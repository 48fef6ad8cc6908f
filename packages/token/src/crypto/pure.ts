/**
 * Pure-JS single verification with the cofactored equation
 * [8]([S]B - [k]A - R) = O, k = SHA-512(R || A || M) mod L.
 *
 * What makes it fast: both scalar multiplications read precomputed tables
 * once their point has been used twice (B's once per process, A's once per
 * prepared key, see tiered.ts), so a steady-state verify costs one square
 * root (decoding R), one hash and about 70 mixed additions, with no doubling
 * chain at all.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { bigintToBytes256, D2, mul, sub } from './field.js';
import { decodeInto, Ext } from './point.js';
import { TieredPoint } from './tiered.js';

/** L, the prime order of B. */
export const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
const BX = 0x216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51an;
const BY = 0x6666666666666666666666666666666666666666666666666666666666666658n;

/** The base point B, shared by every key. */
export const BASE = new TieredPoint(new Ext().setAffine(BX, BY));

/** Decodes A (its encoding already checked canonical and not small order); undefined when off the curve. */
export function preparePure(publicKey: Uint8Array): TieredPoint | undefined {
  const A = new Ext();
  return decodeInto(publicKey, 0, A) ? new TieredPoint(A) : undefined;
}

/** Scratch reused across calls: verification is synchronous, so nothing can interleave. */
const scratch = {
  k: new Uint8Array(32),
  acc: new Ext(),
  r: new Ext(),
  hashInput: new Uint8Array(512),
};

/** k = SHA-512(R || A || M) mod L, as a bigint. */
export function challenge(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  const need = 64 + message.length;
  if (scratch.hashInput.length < need)
    scratch.hashInput = new Uint8Array(Math.max(need, 2 * scratch.hashInput.length));
  const buf = scratch.hashInput;
  buf.set(signature.subarray(0, 32), 0);
  buf.set(publicKey, 32);
  buf.set(message, 64);
  const h = sha512(buf.subarray(0, need));
  const view = new DataView(h.buffer, h.byteOffset, 64);
  let n = 0n;
  for (let i = 56; i >= 0; i -= 8) n = (n << 64n) | view.getBigUint64(i, true);
  return n % L;
}

/** The cofactored equation; the caller has applied the strict byte rule. */
export function pureVerify(
  key: TieredPoint,
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  const { r, acc, k } = scratch;
  if (!decodeInto(signature, 0, r)) return false;
  bigintToBytes256(challenge(signature, publicKey, message), k, 0);
  acc.setIdentity();
  BASE.mulAdd(acc, signature, 32, false);
  key.mulAdd(acc, k, 0, true);
  return subtractAffine(acc, r).isSmallOrder();
}

/** acc -= q for an affine q (Z = 1), in Niels form computed on the spot. */
export function subtractAffine(acc: Ext, q: Ext): Ext {
  return acc.addNiels(q.Y + q.X, sub(q.Y, q.X), mul(q.T, D2), true);
}
