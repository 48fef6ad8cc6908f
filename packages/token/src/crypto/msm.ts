/**
 * Multi-scalar multiplication Σ z_i·R_i for batch verification: Pippenger's
 * bucket method over signed c-bit digits of 128-bit scalars. Each point is
 * added once per window into one of 2^(c-1) buckets, in affine Niels form
 * (7 multiplications); the buckets are then folded by the running-sum trick
 * (2 additions per bucket). At n = 256 that is about 27 additions per point,
 * against ~128 doublings plus ~26 additions per point for separate
 * multiplications. Also the batch's lone multiplications (one per key and
 * one by B), kept here so the verify-only bundle, which has no batch,
 * leaves them out.
 */
import { Ext, recode } from './point.js';
import { addScalar, digitsByWidth, SMALL_W, type TieredPoint } from './tiered.js';

/** Bits in each random batch coefficient. */
export const Z_BITS = 128;

/** The cheapest window for n points: windows × (7n + 18·buckets) multiplications. */
export function windowFor(n: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 12; c++) {
    const cost = Math.ceil((Z_BITS + 1) / c) * (7 * n + 18 * (1 << (c - 1)));
    if (cost < bestCost) {
      best = c;
      bestCost = cost;
    }
  }
  return best;
}

/** Points in affine Niels form (y+x, y-x, 2dxy), one entry per batch item. */
export interface NielsPoints {
  readonly ypx: bigint[];
  readonly ymx: bigint[];
  readonly xy2d: bigint[];
}

/**
 * acc += Σ_{i in indices} z_i·P_i, where digits[i·windows + j] is the j-th
 * signed c-bit digit of z_i (see recode in point.ts).
 */
export function msmAdd(
  acc: Ext,
  points: NielsPoints,
  digits: Int16Array,
  windows: number,
  c: number,
  indices: ArrayLike<number>,
): void {
  const half = 1 << (c - 1);
  const buckets = Array.from({ length: half }, () => new Ext());
  const filled = new Uint8Array(half);
  const sum = new Ext();
  const total = new Ext();
  const result = new Ext();
  const { ypx, ymx, xy2d } = points;
  for (let j = windows - 1; j >= 0; j--) {
    for (let i = 0; i < c; i++) result.double();
    filled.fill(0);
    for (let t = 0; t < indices.length; t++) {
      const i = indices[t]!;
      const v = digits[i * windows + j]!;
      if (v === 0) continue;
      const b = (v > 0 ? v : -v) - 1;
      const bucket = buckets[b]!;
      if (filled[b] === 0) {
        bucket.setIdentity();
        filled[b] = 1;
      }
      bucket.addNiels(ypx[i]!, ymx[i]!, xy2d[i]!, v < 0);
    }
    // Σ (b+1)·bucket[b] = Σ_k (Σ_{b >= k} bucket[b]), top bucket down.
    let started = false;
    let any = false;
    for (let b = half - 1; b >= 0; b--) {
      if (filled[b] === 1) {
        if (started) sum.add(buckets[b]!);
        else sum.copy(buckets[b]!);
        started = true;
      }
      if (started) {
        if (any) total.add(sum);
        else total.copy(sum);
        any = true;
      }
    }
    if (any) result.add(total);
  }
  acc.add(result);
}

const HORNER_W = 5;
const multiples = Array.from({ length: 1 << (HORNER_W - 1) }, () => new Ext());
const horner = new Ext();

/**
 * acc += [scalar]·P, or acc -= it when `negate`, for one point and a 32-byte
 * little-endian scalar below 2^253 (a key's or B's coalesced batch
 * coefficient). Counts a use of P, so its table grows as in tiered.ts.
 */
export function mulAdd(p: TieredPoint, acc: Ext, scalar: Uint8Array, offset: number, negate: boolean): void {
  const table = p.use();
  if (table) addScalar(acc, table, scalar, negate, offset);
  else acc.add(hornerMul(p.point, scalar, offset), negate);
}

/** [scalar]P by Horner's rule over signed 5-bit windows; returns a shared scratch point. */
function hornerMul(point: Ext, scalar: Uint8Array, offset: number): Ext {
  const half = multiples.length;
  multiples[0]!.copy(point);
  for (let i = 1; i < half; i++) multiples[i]!.copy(multiples[i - 1]!).add(point);
  const digits = digitsByWidth[SMALL_W]!; // HORNER_W === SMALL_W: same digit count
  recode(scalar, offset, HORNER_W, digits);
  horner.setIdentity();
  for (let j = digits.length - 1; j >= 0; j--) {
    if (j !== digits.length - 1) for (let i = 0; i < HORNER_W; i++) horner.double();
    const v = digits[j]!;
    if (v !== 0) horner.add(multiples[(v > 0 ? v : -v) - 1]!, v < 0);
  }
  return horner;
}
