/**
 * Pure-JS single verification with the cofactored equation
 * [8]([S]B - [k]A - R) = O, k = SHA-512(R || A || M) mod L.
 *
 * What makes it fast: both scalar multiplications read precomputed tables
 * once their point has been used twice (B's once per process, A's once per
 * prepared key, see tiered.ts), so a steady-state verify costs one square
 * root (decoding R), one hash and about 65 mixed additions, with no doubling
 * chain at all. A key's first use takes the half-size path of halfsize.ts.
 */
import { bigintToBytes256, bytesToBigint256, D2, L, mul, recoverX, sub } from './field.js';
import { halfSize, subtractHalfSize } from './halfsize.js';
import { decodeInto, Ext } from './point.js';
import { sha512 } from './sha512.js';
import { addScalar, TieredPoint } from './tiered.js';

export { L };

/** y of the base point, 4/5 mod p. Its x (the even root) is recovered at load: 64 fewer hex digits to ship. */
const BY = 0x6666666666666666666666666666666666666666666666666666666666666658n;

/** The base point B, shared by every key. */
export const BASE = new TieredPoint(new Ext().setAffine(recoverX(BY, 0)!, BY));

/**
 * Decodes A (its encoding already checked canonical and not small order);
 * undefined when off the curve or outside the prime-order subgroup, i.e. when
 * [L]A is not the identity (a mixed-order key: a torsion component). Once per
 * key: 252 doublings and an addition per set bit of L, about half a millisecond.
 */
export function preparePure(publicKey: Uint8Array): TieredPoint | undefined {
  const A = new Ext();
  if (!decodeInto(publicKey, 0, A)) return undefined;
  const q = new Ext();
  for (let i = 252n; i >= 0n; i--) {
    q.double();
    if ((L >> i) & 1n) q.add(A);
  }
  return q.isIdentity() ? new TieredPoint(A) : undefined;
}

/** Scratch reused across calls: verification is synchronous, so nothing can interleave. */
const scratch = {
  k: new Uint8Array(32),
  acc: new Ext(),
  r: new Ext(),
  hashInput: new Uint8Array(512),
  digest: new Uint8Array(64),
};

/** k = SHA-512(R || A || M) mod L, as a bigint. */
export function challenge(signature: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  const need = 64 + message.length;
  if (scratch.hashInput.length < need)
    scratch.hashInput = new Uint8Array(Math.max(need, 2 * scratch.hashInput.length));
  const buf = scratch.hashInput;
  for (let i = 0; i < 32; i++) buf[i] = signature[i]!; // R, without a subarray view
  buf.set(publicKey, 32);
  buf.set(message, 64);
  sha512(buf, need, scratch.digest);
  return ((bytesToBigint256(scratch.digest, 32) << 256n) | bytesToBigint256(scratch.digest, 0)) % L;
}

/**
 * The cofactored equation; the caller has applied the strict byte rule.
 * With A's table: [8]([S]B - [k]A - R) = O, table additions only. Without
 * (the key's first use): the half-size form of halfsize.ts.
 */
export function pureVerify(
  key: TieredPoint,
  publicKey: Uint8Array,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  const { r, acc, k } = scratch;
  if (!decodeInto(signature, 0, r)) return false;
  const h = challenge(signature, publicKey, message);
  acc.setIdentity();
  const table = key.use();
  if (table) {
    addBase(acc, signature, 32);
    bigintToBytes256(h, k, 0);
    addScalar(acc, table, k, true);
    subtractAffine(acc, r);
  } else {
    const [u, v] = halfSize(h);
    const vs = (((v * bytesToBigint256(signature, 32)) % L) + L) % L;
    bigintToBytes256(vs, k, 0);
    addBase(acc, k, 0);
    subtractHalfSize(acc, key.point, u, r, v);
  }
  return acc.isSmallOrder();
}

/**
 * acc += [scalar]B. B's table is built by the process's first verify (a
 * few milliseconds, once) instead of waiting for B's second use like any
 * other point: a first-use path for B would be a second multiplication
 * routine in the verify bundle.
 */
function addBase(acc: Ext, scalar: Uint8Array, offset: number): void {
  addScalar(acc, BASE.use() ?? BASE.use()!, scalar, false, offset);
}

/** acc -= q for an affine q (Z = 1), in Niels form computed on the spot. */
export function subtractAffine(acc: Ext, q: Ext): Ext {
  return acc.addNiels(q.Y + q.X, sub(q.Y, q.X), mul(q.T, D2), true);
}
