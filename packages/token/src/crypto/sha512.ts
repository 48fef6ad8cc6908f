/**
 * SHA-512 (FIPS 180-4) for the verify path, in 32-bit halves. It exists for
 * size: @noble/hashes' sha512 is ~3.9 KB min+gzip with its validation layer,
 * this is ~1.1 KB, which is what keeps the verify entry point within its
 * 10 KB budget. Its 88 constants are derived at first use (the fractional
 * bits of square and cube roots of the first primes, as the standard defines
 * them) instead of shipped as 1.3 KB of hex. Tested against node:crypto and
 * the FIPS examples in test/crypto-strict.test.ts. Hashes public data only.
 */

let K: Int32Array | undefined; // 80 round constants, (hi, lo) pairs
let IV: Int32Array | undefined; // 8 initial words, (hi, lo) pairs
const H = new Int32Array(16);
const W = new Int32Array(160);
const tail = new Uint8Array(256);

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
  const primes: bigint[] = [];
  for (let c = 2n; primes.length < 80; c++) if (primes.every((p) => c % p !== 0n)) primes.push(c);
  const words = (count: number, root: bigint) => {
    const out = new Int32Array(2 * count);
    for (let i = 0; i < count; i++) {
      // The first 64 fractional bits of p^(1/root): floor(root-th root of p·2^(64·root)) mod 2^64.
      const frac = BigInt.asUintN(64, iroot(primes[i]! << (64n * root), root));
      out[2 * i] = Number(frac >> 32n) | 0;
      out[2 * i + 1] = Number(frac & 0xffffffffn) | 0;
    }
    return out;
  };
  K = words(80, 3n);
  IV = words(8, 2n);
}

/** SHA-512 of `data[0, length)` into `out` (64 bytes). Allocates nothing after the first call. */
export function sha512(data: Uint8Array, length: number, out: Uint8Array): void {
  if (!K) constants();
  H.set(IV!);
  const full = length - (length % 128);
  for (let at = 0; at < full; at += 128) block(data, at);
  // Last partial block, the 0x80 marker and the 128-bit bit length, in one or two blocks.
  const rest = length - full;
  tail.fill(0);
  tail.set(data.subarray(full, length), 0);
  tail[rest] = 0x80;
  const end = rest < 112 ? 128 : 256;
  const bits = length * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(end - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(end - 4, bits >>> 0);
  block(tail, 0);
  if (end === 256) block(tail, 128);
  const o = new DataView(out.buffer, out.byteOffset, 64);
  for (let i = 0; i < 16; i++) o.setInt32(4 * i, H[i]!);
}

function block(bytes: Uint8Array, at: number): void {
  const k = K!;
  for (let i = 0; i < 32; i++) {
    const j = at + 4 * i;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 32; i < 160; i += 2) {
    // σ0 = ROTR1 ^ ROTR8 ^ SHR7 of W[t-15]; σ1 = ROTR19 ^ ROTR61 ^ SHR6 of W[t-2].
    let h = W[i - 30]!;
    let l = W[i - 29]!;
    const s0h = ((h >>> 1) | (l << 31)) ^ ((h >>> 8) | (l << 24)) ^ (h >>> 7);
    const s0l = ((l >>> 1) | (h << 31)) ^ ((l >>> 8) | (h << 24)) ^ ((l >>> 7) | (h << 25));
    h = W[i - 4]!;
    l = W[i - 3]!;
    const s1h = ((h >>> 19) | (l << 13)) ^ ((l >>> 29) | (h << 3)) ^ (h >>> 6);
    const s1l = ((l >>> 19) | (h << 13)) ^ ((h >>> 29) | (l << 3)) ^ ((l >>> 6) | (h << 26));
    const lo = (s0l >>> 0) + (s1l >>> 0) + (W[i - 13]! >>> 0) + (W[i - 31]! >>> 0);
    W[i] = (s0h + s1h + W[i - 14]! + W[i - 32]! + ((lo / 4294967296) | 0)) | 0;
    W[i + 1] = lo | 0;
  }
  let ah = H[0]!;
  let al = H[1]!;
  let bh = H[2]!;
  let bl = H[3]!;
  let ch = H[4]!;
  let cl = H[5]!;
  let dh = H[6]!;
  let dl = H[7]!;
  let eh = H[8]!;
  let el = H[9]!;
  let fh = H[10]!;
  let fl = H[11]!;
  let gh = H[12]!;
  let gl = H[13]!;
  let hh = H[14]!;
  let hl = H[15]!;
  for (let i = 0; i < 160; i += 2) {
    // Σ1(e) = ROTR14 ^ ROTR18 ^ ROTR41; Ch(e, f, g).
    const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    const chh = (eh & fh) ^ (~eh & gh);
    const chl = (el & fl) ^ (~el & gl);
    const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (k[i + 1]! >>> 0) + (W[i + 1]! >>> 0);
    const t1h = (hh + S1h + chh + k[i]! + W[i]! + ((t1l / 4294967296) | 0)) | 0;
    // Σ0(a) = ROTR28 ^ ROTR34 ^ ROTR39; Maj(a, b, c).
    const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    const mh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const ml = (al & bl) ^ (al & cl) ^ (bl & cl);
    hh = gh;
    hl = gl;
    gh = fh;
    gl = fl;
    fh = eh;
    fl = el;
    const el2 = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((el2 / 4294967296) | 0)) | 0;
    el = el2 | 0;
    dh = ch;
    dl = cl;
    ch = bh;
    cl = bl;
    bh = ah;
    bl = al;
    const al2 = (t1l >>> 0) + (S0l >>> 0) + (ml >>> 0);
    ah = (t1h + S0h + mh + ((al2 / 4294967296) | 0)) | 0;
    al = al2 | 0;
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
  H[i] = (H[i]! + h + ((lo / 4294967296) | 0)) | 0;
  H[i + 1] = lo | 0;
}
