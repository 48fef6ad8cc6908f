/**
 * SHA-512 (FIPS 180-4) for the verify path, in 32-bit halves. It exists for
 * size: @noble/hashes' sha512 is ~3.9 KB min+gzip with its validation layer,
 * this is ~1.0 KB, which is what keeps the verify entry point within its
 * 10 KB budget. Its 88 constants are derived at first use (the fractional
 * bits of square and cube roots of the first primes, as the standard defines
 * them) instead of shipped as 1.3 KB of hex, and every Σ/σ goes through one
 * rotation helper instead of being spelled out: ~170 bytes smaller for
 * ~6 µs more per token-sized hash (about 2x the spelled-out form, 1-2 % of
 * a pure-JS verify, none of a native one, which hashes in OpenSSL). Tested
 * against node:crypto and the FIPS examples in test/crypto-strict.test.ts.
 * Hashes public data only.
 */

let K: Int32Array | undefined; // 80 round constants, (hi, lo) pairs
let IV: Int32Array | undefined; // 8 initial words, (hi, lo) pairs
type Words8 = [number, number, number, number, number, number, number, number];
type Words16 = [...Words8, ...Words8];
/** The hash state, (hi, lo) pairs; a plain array so the round can destructure it cheaply. */
const H = new Array<number>(16).fill(0) as Words16;
const W = new Int32Array(160);
const tail = new Uint8Array(256);
const TWO32 = 2 ** 32;

/** floor(x^(1/n)) for n = 2 or 3, by Newton's method from above. */
function iroot(x: bigint, n: bigint): bigint {
  let r = 1n << (BigInt(x.toString(2).length) / n + 1n);
  for (;;) {
    const next = ((n - 1n) * r + x / r ** (n - 1n)) / n;
    if (next >= r) return r;
    r = next;
  }
}

function constants(): void {
  // Trial division on numbers, not bigints: this runs on a cold start.
  const primes: number[] = [];
  for (let c = 2; primes.length < 80; c++) if (primes.every((p) => c % p)) primes.push(c);
  const words = (count: number, root: bigint) => {
    const out = new Int32Array(2 * count);
    for (let i = 0; i < count; i++) {
      // The first 64 fractional bits of p^(1/root): floor(root-th root of p·2^(64·root)) mod 2^64.
      const frac = BigInt.asUintN(64, iroot(BigInt(primes[i]!) << (64n * root), root));
      out[2 * i] = Number(frac >> 32n);
      out[2 * i + 1] = Number(frac & 0xffffffffn);
    }
    return out;
  };
  K = words(80, 3n);
  IV = words(8, 2n);
}

/**
 * One half of ROTR a ^ ROTR b ^ ROTR c of a 64-bit word: the low half when
 * (x, y) = (low, high), the high half when (x, y) = (high, low).
 */
function sigma(x: number, y: number, a: number, b: number, c: number): number {
  return rot(x, y, a) ^ rot(x, y, b) ^ rot(x, y, c);
}

function rot(x: number, y: number, n: number): number {
  return n < 32 ? (x >>> n) | (y << (32 - n)) : (y >>> (n - 32)) | (x << (64 - n));
}

/** SHA-512 of `data[0, length)` into `out` (64 bytes). Allocates nothing after the first call. */
export function sha512(data: Uint8Array, length: number, out: Uint8Array): void {
  if (!K) constants();
  for (let i = 0; i < 16; i++) H[i] = IV![i]!;
  const full = length - (length % 128);
  for (let at = 0; at < full; at += 128) block(data, at);
  // Last partial block, the 0x80 marker and the 128-bit bit length, in one or two blocks.
  const rest = length - full;
  tail.fill(0);
  for (let i = 0; i < rest; i++) tail[i] = data[full + i]!;
  tail[rest] = 0x80;
  const end = rest < 112 ? 128 : 256;
  // Byte stores wrap modulo 256, so this writes the bit count big-endian.
  for (let i = 1; i < 8; i++) tail[end - i] = (length * 8) / 2 ** (8 * i - 8);
  block(tail, 0);
  if (end === 256) block(tail, 128);
  for (let i = 0; i < 64; i++) out[i] = H[i >> 2]! >>> (24 - 8 * (i & 3));
}

// Sums below are exact doubles (at most five 32-bit terms); Int32Array stores
// and `| 0` wrap them modulo 2^32, and `lo / TWO32 | 0` is the carry into the
// high half.
function block(bytes: Uint8Array, at: number): void {
  const k = K!;
  for (let i = 0; i < 32; i++) {
    const j = at + 4 * i;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 32; i < 160; i += 2) {
    // σ0 = ROTR1 ^ ROTR8 ^ SHR7, σ1 = ROTR19 ^ ROTR61 ^ SHR6: the ROTR form,
    // minus the bits SHR leaves out of the high half.
    let h = W[i - 30]!;
    let l = W[i - 29]!;
    const s0l = sigma(l, h, 1, 8, 7);
    const s0h = sigma(h, l, 1, 8, 7) ^ (l << 25);
    h = W[i - 4]!;
    l = W[i - 3]!;
    const s1l = sigma(l, h, 19, 61, 6);
    const s1h = sigma(h, l, 19, 61, 6) ^ (l << 26);
    const lo = (s0l >>> 0) + (s1l >>> 0) + (W[i - 13]! >>> 0) + (W[i - 31]! >>> 0);
    W[i] = s0h + s1h + W[i - 14]! + W[i - 32]! + ((lo / TWO32) | 0);
    W[i + 1] = lo;
  }
  let [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = H;
  for (let i = 0; i < 160; i += 2) {
    const s1l = sigma(el, eh, 14, 18, 41);
    const t1l =
      (hl >>> 0) + (s1l >>> 0) + (((el & fl) ^ (~el & gl)) >>> 0) + (k[i + 1]! >>> 0) + (W[i + 1]! >>> 0);
    const t1h =
      hh + sigma(eh, el, 14, 18, 41) + ((eh & fh) ^ (~eh & gh)) + k[i]! + W[i]! + ((t1l / TWO32) | 0);
    const s0l = sigma(al, ah, 28, 34, 39);
    const t2l = (s0l >>> 0) + (((al & bl) ^ (al & cl) ^ (bl & cl)) >>> 0);
    const t2h = sigma(ah, al, 28, 34, 39) + ((ah & bh) ^ (ah & ch) ^ (bh & ch));
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    el = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((el / TWO32) | 0)) | 0;
    el |= 0;
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    al = (t1l >>> 0) + t2l;
    ah = (t1h + t2h + ((al / TWO32) | 0)) | 0;
    al |= 0;
  }
  add(0, ah, al);
  add(2, bh, bl);
  add(4, ch, cl);
  add(6, dh, dl);
  add(8, eh, el);
  add(10, fh, fl);
  add(12, gh, gl);
  add(14, hh, hl);
}

/** H[i..i+1] += (h, l) as one 64-bit word. */
function add(i: number, h: number, l: number): void {
  const lo = (H[i + 1]! >>> 0) + (l >>> 0);
  H[i] = (H[i]! + h + ((lo / TWO32) | 0)) | 0;
  H[i + 1] = lo | 0;
}
