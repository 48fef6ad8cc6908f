/**
 * Twisted Edwards points (a = -1) in extended coordinates, mutated in place so
 * a verification allocates bigints but no point objects, and fixed-base
 * tables of precomputed multiples in affine "Niels" form (y+x, y-x, 2dxy),
 * which make each table addition 7 multiplications and no doubling.
 */
import { bytesToBigint256, canon, D2, invertBatch, mul, recoverX, sub } from './field.js';

/** A mutable point in extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z. */
export class Ext {
  X = 0n;
  Y = 1n;
  Z = 1n;
  T = 0n;

  setIdentity(): this {
    this.X = 0n;
    this.Y = 1n;
    this.Z = 1n;
    this.T = 0n;
    return this;
  }

  setAffine(x: bigint, y: bigint): this {
    this.X = x;
    this.Y = y;
    this.Z = 1n;
    this.T = mul(x, y);
    return this;
  }

  copy(o: Ext): this {
    this.X = o.X;
    this.Y = o.Y;
    this.Z = o.Z;
    this.T = o.T;
    return this;
  }

  /**
   * this += (ypx, ymx, xy2d) when `negate` is false, this -= it otherwise
   * (add-2008-hwcd-3). `z2` is the other point's Z, omitted when it is 1.
   */
  addNiels(ypx: bigint, ymx: bigint, xy2d: bigint, negate: boolean, z2?: bigint): this {
    const { X, Y, Z, T } = this;
    // -(x, y) = (-x, y): y+x and y-x swap places and xy2d changes sign.
    const a = mul(sub(Y, X), negate ? ypx : ymx);
    const b = mul(Y + X, negate ? ymx : ypx);
    const c = mul(T, xy2d);
    const d = z2 === undefined ? Z + Z : mul(Z + Z, z2);
    const e = sub(b, a);
    const f = negate ? d + c : sub(d, c);
    const g = negate ? sub(d, c) : d + c;
    const h = b + a;
    this.X = mul(e, f);
    this.Y = mul(g, h);
    this.T = mul(e, h);
    this.Z = mul(f, g);
    return this;
  }

  /** this += o, or this -= o when `negate`, for a general point o (9 multiplications). */
  add(o: Ext, negate = false): this {
    return this.addNiels(o.Y + o.X, sub(o.Y, o.X), mul(o.T, D2), negate, o.Z);
  }

  /** this = 2·this (dbl-2008-hwcd with a = -1). */
  double(): this {
    const { X, Y, Z } = this;
    const a = mul(X, X);
    const b = mul(Y, Y);
    const c = mul(Z, Z);
    const c2 = c + c;
    const xy = X + Y;
    const e = sub(sub(mul(xy, xy), a), b);
    const g = sub(b, a); // -a·A + B with a = -1
    const f = sub(g, c2);
    const h = sub(0n, a + b);
    this.X = mul(e, f);
    this.Y = mul(g, h);
    this.T = mul(e, h);
    this.Z = mul(f, g);
    return this;
  }

  /** True when this is the neutral element (0 : Z : Z). */
  isIdentity(): boolean {
    return canon(this.X) === 0n && canon(sub(this.Y, this.Z)) === 0n;
  }

  /** True when [8]·this is the neutral element, i.e. this lies in the torsion subgroup E[8]. */
  isSmallOrder(): boolean {
    return this.double().double().double().isIdentity();
  }
}

/**
 * Multiples [d · 2^(w·j)]P for window j and digit d in 1..2^(w-1), as three
 * parallel arrays indexed j·2^(w-1) + d - 1. With signed digits a 253-bit
 * scalar needs one table addition per window and no doubling.
 */
export interface NielsTable {
  readonly w: number;
  readonly windows: number;
  readonly ypx: bigint[];
  readonly ymx: bigint[];
  readonly xy2d: bigint[];
}

/** Windows needed so that signed digits of any scalar below 2^253 never carry out. */
export function windowCount(w: number): number {
  return Math.ceil(254 / w);
}

/** Builds the table of `point`: about 2^(w-1)·windows additions, one batched inversion. */
export function buildTable(point: Ext, w: number): NielsTable {
  const half = 1 << (w - 1);
  const windows = windowCount(w);
  const size = windows * half;
  const xs = new Array<bigint>(size);
  const ys = new Array<bigint>(size);
  const zs = new Array<bigint>(size);
  const base = new Ext().copy(point);
  const cur = new Ext();
  for (let j = 0; j < windows; j++) {
    cur.copy(base);
    for (let d = 0; d < half; d++) {
      const i = j * half + d;
      xs[i] = cur.X;
      ys[i] = cur.Y;
      zs[i] = cur.Z;
      if (d < half - 1) cur.add(base);
    }
    base.copy(cur).double(); // 2^(w-1)·base doubled is the next window's base
  }
  invertBatch(zs);
  const ypx = new Array<bigint>(size);
  const ymx = new Array<bigint>(size);
  const xy2d = new Array<bigint>(size);
  // Loose (not fully reduced) values are fine as multiplication inputs and
  // save three divisions per entry, which is most of a cold start.
  for (let i = 0; i < size; i++) {
    const z = zs[i]!;
    const x = mul(xs[i]!, z);
    const y = mul(ys[i]!, z);
    ypx[i] = y + x;
    ymx[i] = sub(y, x);
    xy2d[i] = mul(mul(x, y), D2);
  }
  return { w, windows, ypx, ymx, xy2d };
}

/**
 * Signed base-2^w digits of a 32-byte little-endian scalar below 2^253, each
 * in [-2^(w-1), 2^(w-1)], written to `out` (length windowCount(w)).
 */
export function recode(scalar: Uint8Array, offset: number, w: number, out: Int16Array): void {
  const mask = (1 << w) - 1;
  const half = 1 << (w - 1);
  let carry = 0;
  for (let j = 0; j < out.length; j++) {
    const bit = j * w;
    const at = offset + (bit >> 3);
    const end = offset + 32;
    const word =
      (at < end ? scalar[at]! : 0) |
      (at + 1 < end ? scalar[at + 1]! << 8 : 0) |
      (at + 2 < end ? scalar[at + 2]! << 16 : 0);
    let v = ((word >> (bit & 7)) & mask) + carry;
    carry = v > half ? 1 : 0;
    if (carry) v -= 1 << w;
    out[j] = v;
  }
}

/** acc += Σ digits[j]·table[j] (or -= when `negate`), one mixed addition per non-zero digit. */
export function addDigits(acc: Ext, table: NielsTable, digits: Int16Array, negate: boolean): void {
  const half = 1 << (table.w - 1);
  const { ypx, ymx, xy2d } = table;
  for (let j = 0; j < digits.length; j++) {
    const v = digits[j]!;
    if (v === 0) continue;
    const i = j * half + (v > 0 ? v : -v) - 1;
    acc.addNiels(ypx[i]!, ymx[i]!, xy2d[i]!, v < 0 !== negate);
  }
}

const MASK255 = (1n << 255n) - 1n;

/**
 * Decodes a canonical point encoding at `offset` into `out`; false when y is
 * not on the curve. Canonicity (y < p, no sign on x = 0) is checked earlier,
 * byte-wise, by strict.ts.
 */
export function decodeInto(bytes: Uint8Array, offset: number, out: Ext): boolean {
  const y = bytesToBigint256(bytes, offset) & MASK255;
  const x = recoverX(y, bytes[offset + 31]! >> 7);
  if (x === undefined) return false;
  out.setAffine(x, y);
  return true;
}
