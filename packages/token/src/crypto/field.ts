/**
 * Arithmetic modulo p = 2^255 - 19 on native bigints, tuned for verification
 * (public inputs only, so variable time is fine).
 *
 * Values are kept "loose": every product is folded twice with 2^255 = 19
 * (mod p), which leaves it below 2^255 + 2^18 without the division a full
 * `% p` costs. Differences add 8p so they stay positive. Only comparisons and
 * encodings need the canonical residue, from {@link canon}.
 */

export const P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedn;
const P8 = 8n * P;
const MASK = (1n << 255n) - 1n;
/** L, the prime order of the base point B (and of the scalars). */
export const L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3edn;
/** Edwards d = -121665/121666. */
export const D = 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3n;
/** 2d, used by every addition. */
export const D2 = (2n * D) % P;
/** A square root of -1. */
export const SQRT_M1 = 0x2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0n;

/** a·b, loosely reduced; inputs below 2^260. */
export function mul(a: bigint, b: bigint): bigint {
  const n = a * b;
  const r = (n >> 255n) * 19n + (n & MASK);
  return (r >> 255n) * 19n + (r & MASK);
}

/** a - b, positive and loosely reduced; b below 8p. */
export function sub(a: bigint, b: bigint): bigint {
  return a + P8 - b;
}

/** The canonical residue in [0, p). */
export function canon(a: bigint): bigint {
  return a % P;
}

function sqrN(x: bigint, n: number): bigint {
  for (let i = 0; i < n; i++) x = mul(x, x);
  return x;
}

/** x^((p-5)/8) = x^(2^252 - 3), the exponent of both the square root and the inverse. */
export function pow22523(x: bigint): bigint {
  const x2 = mul(x, x);
  const b2 = mul(x2, x); // 2^2 - 1
  const b4 = mul(sqrN(b2, 2), b2); // 2^4 - 1
  const b5 = mul(sqrN(b4, 1), x); // 2^5 - 1
  const b10 = mul(sqrN(b5, 5), b5);
  const b20 = mul(sqrN(b10, 10), b10);
  const b40 = mul(sqrN(b20, 20), b20);
  const b80 = mul(sqrN(b40, 40), b40);
  const b160 = mul(sqrN(b80, 80), b80);
  const b240 = mul(sqrN(b160, 80), b80);
  const b250 = mul(sqrN(b240, 10), b10);
  return mul(sqrN(b250, 2), x);
}

/** 1/x by Fermat, x^(p-2) = (x^(2^252-3))^8 · x^3; 0 maps to 0. */
export function invert(x: bigint): bigint {
  return mul(sqrN(pow22523(x), 3), mul(mul(x, x), x));
}

/**
 * Replaces each element of `values` by its inverse with one exponentiation
 * (Montgomery's trick: 3 multiplications per element instead of an inversion
 * each). Every element must be non-zero mod p.
 */
export function invertBatch(values: bigint[]): void {
  const n = values.length;
  if (n === 0) return;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = mul(acc, values[i]!);
  }
  let inv = invert(acc);
  for (let i = n - 1; i >= 0; i--) {
    const v = values[i]!;
    values[i] = mul(inv, prefix[i]!);
    inv = mul(inv, v);
  }
}

/** One scratch buffer with its view, so conversions allocate only the bigints themselves. */
const word = new Uint8Array(32);
const wordView = new DataView(word.buffer);
const M64 = 0xffffffffffffffffn;

/** Little-endian bytes [from, from + 32) as a bigint, via four 64-bit reads. */
export function bytesToBigint256(bytes: Uint8Array, from: number): bigint {
  for (let i = 0; i < 32; i++) word[i] = bytes[from + i]!;
  return (
    wordView.getBigUint64(0, true) |
    (wordView.getBigUint64(8, true) << 64n) |
    (wordView.getBigUint64(16, true) << 128n) |
    (wordView.getBigUint64(24, true) << 192n)
  );
}

/** Writes a bigint below 2^256 as 32 little-endian bytes at `offset`. */
export function bigintToBytes256(value: bigint, out: Uint8Array, offset: number): void {
  wordView.setBigUint64(0, value & M64, true);
  wordView.setBigUint64(8, (value >> 64n) & M64, true);
  wordView.setBigUint64(16, (value >> 128n) & M64, true);
  wordView.setBigUint64(24, value >> 192n, true);
  for (let i = 0; i < 32; i++) out[offset + i] = word[i]!;
}

/**
 * The x-coordinate for a canonical encoding (RFC 8032 5.1.3): undefined when
 * y is not on the curve. The caller has already refused y >= p and the
 * x = 0 / sign-bit case, so no decision here depends on a non-canonical input.
 */
export function recoverX(y: bigint, sign: number): bigint | undefined {
  const y2 = mul(y, y);
  const u = sub(y2, 1n); // y^2 - 1
  const v = mul(D, y2) + 1n; // d·y^2 + 1
  const v3 = mul(mul(v, v), v);
  const v7 = mul(mul(v3, v3), v);
  let x = mul(mul(u, v3), pow22523(mul(u, v7)));
  const vx2 = canon(mul(v, mul(x, x)));
  const uc = canon(u);
  if (vx2 !== uc) {
    if (canon(vx2 + uc) !== 0n) return undefined; // u/v is not a square
    x = mul(x, SQRT_M1);
  }
  x = canon(x);
  if (x === 0n && sign === 1) return undefined;
  return Number(x & 1n) === sign ? x : P - x;
}
