/**
 * Keys and signatures with torsion components, and an independent verifier
 * written from docs/spec/token-format.md §4 alone on @noble/ed25519's points
 * (none of our crypto code), so the spec, our code and the vectors can be
 * checked against each other.
 */
import { etc, hashes, Point } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { decodeHex } from '@tallystick/core';

hashes.sha512 = sha512;

/** The prime order of the base point. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const le = (bytes: Uint8Array) => BigInt(`0x${etc.bytesToHex(Uint8Array.from(bytes).reverse())}`);
export const toLe = (n: bigint) => etc.hexToBytes(n.toString(16).padStart(64, '0')).reverse();

/** A point of order 8; its multiples are the torsion subgroup E[8]. */
const T8 = Point.fromBytes(decodeHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
/** torsion[i] = [i]T8: torsion[0] is the identity, the others have order 2, 4 or 8. */
export const torsion = Array.from({ length: 8 }, (_, i) =>
  i === 0 ? Point.ZERO : T8.multiply(BigInt(i), false),
);

/** The key [a]B + torsion[t] (mixed order for t > 0; small order for a = 0). */
export function keyWithTorsion(a: bigint, t: number): Uint8Array {
  return (a === 0n ? torsion[t]! : Point.BASE.multiply(a).add(torsion[t]!)).toBytes();
}

/**
 * A signature over `msg` under the key `pk` = [a]B + (any torsion) with R =
 * [r]B + torsion[tr]: S = r + k·a, which satisfies the cofactored equation
 * whatever the torsion components (and the cofactorless one only by luck).
 */
export function signWithTorsion(
  a: bigint,
  pk: Uint8Array,
  r: bigint,
  tr: number,
  msg: Uint8Array,
): Uint8Array {
  const R = (r === 0n ? torsion[tr]! : Point.BASE.multiply(r).add(torsion[tr]!)).toBytes();
  const k = le(sha512(etc.concatBytes(R, pk, msg))) % L;
  return etc.concatBytes(R, toLe((r + k * a) % L));
}

/** Strict decoding per §4: canonical (y < p, no sign bit on x = 0) and on the curve. */
function decodeStrict(bytes: Uint8Array): InstanceType<typeof Point> | undefined {
  try {
    const point = Point.fromBytes(bytes, false);
    // noble decodes y >= p with zip215 only; a sign bit on x = 0 must also be refused.
    if (point.x === 0n && (bytes[31]! & 0x80) !== 0) return undefined;
    return etc.bytesToHex(point.toBytes()) === etc.bytesToHex(bytes) ? point : undefined;
  } catch {
    return undefined;
  }
}

/**
 * docs/spec/token-format.md §4, read literally: 64-byte signature, S < L;
 * R and A canonical curve points; R not of small order; A of prime order
 * ([L]A = O, and A not the identity); the cofactored equation.
 */
export function specVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const S = le(signature.subarray(32));
  if (S >= L) return false;
  const R = decodeStrict(signature.subarray(0, 32));
  const A = decodeStrict(publicKey);
  if (!R || !A) return false;
  if (
    R.isSmallOrder() ||
    A.isSmallOrder() ||
    !A.multiplyUnsafe(L - 1n)
      .add(A)
      .is0()
  )
    return false;
  const k = le(sha512(etc.concatBytes(signature.subarray(0, 32), publicKey, message))) % L;
  const lhs = S === 0n ? Point.ZERO : Point.BASE.multiply(S);
  const rhs = R.add(k === 0n ? Point.ZERO : A.multiplyUnsafe(k));
  return lhs.subtract(rhs).clearCofactor().is0();
}
