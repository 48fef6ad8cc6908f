/**
 * The check for a key without tables: half-size scalars (Pornin, "Optimized
 * lattice basis reduction in dimension 2, and fast Schnorr and EdDSA
 * signature verification", 2020). Instead of [k]A with a 253-bit k, find u, v
 * below 2^127 with u = v·k (mod L) and check the equivalent equation
 *
 *   [8]([v·S mod L]B - [u]A - [v]R) = O.
 *
 * Multiplying by v is invertible on the prime-order points [8]·(...) lives
 * in, and u - v·k is a multiple of L, which [8] makes vanish on any A. B has
 * its table, so only the two 127-bit products need doublings, and they share
 * them (Straus): ~127 doublings instead of ~252.
 */
import { bigintToBytes256, L } from './field.js';
import { Ext } from './point.js';

const SQRT_L = 1n << 126n;

/**
 * (u, v) with u = v·k (mod L), 0 <= u < 2^126 and 0 < |v| < 2^127: the
 * extended Euclidean algorithm on (L, k), stopped halfway. Each remainder is
 * s·L + t·k, and |t_(i+1)|·r_i <= L bounds v once the remainders drop below
 * sqrt(L).
 */
export function halfSize(k: bigint): [u: bigint, v: bigint] {
  let r0 = L;
  let r1 = k;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 >= SQRT_L) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  return [r1, t1];
}

/** Width of the non-adjacent form: digits odd in (-16, 16), one in ~6 non-zero. */
const W = 5;
const DIGITS = 136;
const wu = new Int8Array(DIGITS);
const wv = new Int8Array(DIGITS);
const oddA = Array.from({ length: 1 << (W - 2) }, () => new Ext());
const oddR = Array.from({ length: 1 << (W - 2) }, () => new Ext());
const twice = new Ext();
const straus = new Ext();

const scalarBytes = new Uint8Array(32);

/**
 * The width-5 non-adjacent form of a non-negative value below 2^130, into
 * `out` (index = bit position): scanned right to left on bytes with a carry,
 * so no bigint is allocated per bit.
 */
export function wnaf(value: bigint, out: Int8Array): void {
  bigintToBytes256(value, scalarBytes, 0);
  const b = scalarBytes;
  out.fill(0);
  let carry = 0;
  let i = 0;
  while (i < out.length) {
    const at = i >> 3;
    if ((((b[at] ?? 0) >> (i & 7)) & 1) === carry) {
      i++; // bit + carry is 0 or 2: digit 0, carry unchanged
      continue;
    }
    const word = (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16);
    let d = ((word >> (i & 7)) & 31) + carry; // odd, 1..31
    carry = d > 16 ? 1 : 0;
    if (carry) d -= 32;
    out[i] = d;
    i += W;
  }
}

function oddMultiples(point: Ext, table: Ext[]): void {
  twice.copy(point).double();
  table[0]!.copy(point);
  for (let i = 1; i < table.length; i++) table[i]!.copy(table[i - 1]!).add(twice);
}

/** acc -= [u]A + [v]R for |u|, |v| below 2^127 (either may be negative), sharing one doubling chain. */
export function subtractHalfSize(acc: Ext, A: Ext, u: bigint, R: Ext, v: bigint): void {
  wnaf(u < 0n ? -u : u, wu);
  wnaf(v < 0n ? -v : v, wv);
  oddMultiples(A, oddA);
  oddMultiples(R, oddR);
  const uPos = u > 0n;
  const vPos = v > 0n;
  straus.setIdentity();
  let started = false;
  for (let i = DIGITS - 1; i >= 0; i--) {
    if (started) straus.double();
    const a = wu[i]!;
    const r = wv[i]!;
    // Subtracting: a positive digit of a positive scalar is negated.
    if (a !== 0) {
      straus.add(oddA[(a > 0 ? a : -a) >> 1]!, a > 0 === uPos);
      started = true;
    }
    if (r !== 0) {
      straus.add(oddR[(r > 0 ? r : -r) >> 1]!, r > 0 === vPos);
      started = true;
    }
  }
  acc.add(straus);
}
