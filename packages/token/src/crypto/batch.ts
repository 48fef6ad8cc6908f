/**
 * Batch verification with random linear combinations. For items i with
 * random odd 128-bit z_i, one cofactored equation
 *
 *   [8]( Σ z_i·R_i + Σ_keys [Σ_{i of key} z_i·k_i mod L]·A - [Σ z_i·S_i mod L]·B ) = O
 *
 * holds for every batch of individually valid signatures, and fails with
 * probability at least 1 - 2^-127 if any item is invalid. It uses the same
 * cofactored equation as single verification, so verdicts agree: a cofactorless
 * single check would refuse signatures whose torsion part the random
 * combination can cancel, and the two could disagree. Terms of one key
 * coalesce into a single multiplication by its table; the R_i go through
 * Pippenger (msm.ts). When the batch fails, bisection finds exactly the bad
 * items, reusing the decoded points and coefficients.
 */
import { bigintToBytes256, bytesToBigint256, D2, mul, sub } from './field.js';
import { msmAdd, mulAdd, type NielsPoints, windowFor } from './msm.js';
import { decodeInto, Ext, recode } from './point.js';
import { BASE, challenge, L } from './pure.js';
import type { TieredPoint } from './tiered.js';

/** One admissible item: byte rule already passed, key prepared. */
export interface BatchEntry {
  readonly key: TieredPoint;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly message: Uint8Array;
}

/** Below this many items a failing group is settled by single checks instead of more bisection. */
const SINGLE_BELOW = 3;

/** Sets out[i] to the verdict of entries[i] (undefined entries are left false). */
export function batchVerify(entries: ReadonlyArray<BatchEntry | undefined>, out: boolean[]): void {
  const n = entries.length;
  const points: NielsPoints = { ypx: new Array(n), ymx: new Array(n), xy2d: new Array(n) };
  const ks = new Array<bigint>(n);
  const ss = new Array<bigint>(n);
  const zs = new Array<bigint>(n);
  const live: number[] = [];
  const r = new Ext();
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (!e || !decodeInto(e.signature, 0, r)) continue;
    points.ypx[i] = r.Y + r.X;
    points.ymx[i] = sub(r.Y, r.X);
    points.xy2d[i] = mul(r.T, D2);
    ks[i] = challenge(e.signature, e.publicKey, e.message);
    ss[i] = bytesToBigint256(e.signature, 32);
    live.push(i);
  }
  if (live.length === 0) return;
  const c = windowFor(live.length);
  const windows = Math.ceil(129 / c);
  const digits = new Int16Array(n * windows);
  const random = randomCoefficients(live.length);
  const zBytes = new Uint8Array(32);
  const slice = new Int16Array(windows);
  for (let t = 0; t < live.length; t++) {
    const i = live[t]!;
    zBytes.set(random.subarray(16 * t, 16 * t + 16), 0);
    zBytes[0]! |= 1; // odd, so never zero
    zs[i] = bytesToBigint256(zBytes, 0);
    recode(zBytes, 0, c, slice);
    digits.set(slice, i * windows);
  }
  const ctx: Context = { entries, points, ks, ss, zs, digits, windows, c, out };
  settle(ctx, live, false);
}

interface Context {
  readonly entries: ReadonlyArray<BatchEntry | undefined>;
  readonly points: NielsPoints;
  readonly ks: bigint[];
  readonly ss: bigint[];
  readonly zs: bigint[];
  readonly digits: Int16Array;
  readonly windows: number;
  readonly c: number;
  readonly out: boolean[];
}

/**
 * Decides every item of `group`. `knownBad` says the group's combination is
 * already known to fail: its sibling passed and their parent failed, and the
 * equation is linear in the items, so checking it again would be wasted work.
 */
function settle(ctx: Context, group: number[], knownBad: boolean): void {
  if (group.length < SINGLE_BELOW) {
    for (const i of group) ctx.out[i] = checkSingle(ctx, i);
    return;
  }
  if (!knownBad && checkGroup(ctx, group)) {
    for (const i of group) ctx.out[i] = true;
    return;
  }
  const mid = group.length >> 1;
  const left = group.slice(0, mid);
  const right = group.slice(mid);
  if (checkGroup(ctx, left)) {
    for (const i of left) ctx.out[i] = true;
    settle(ctx, right, true);
  } else {
    settle(ctx, left, true);
    settle(ctx, right, false);
  }
}

const scalarBytes = new Uint8Array(32);

function checkGroup(ctx: Context, group: number[]): boolean {
  const acc = new Ext();
  msmAdd(acc, ctx.points, ctx.digits, ctx.windows, ctx.c, group);
  const perKey = new Map<TieredPoint, bigint>();
  let sB = 0n;
  for (const i of group) {
    const key = ctx.entries[i]!.key;
    const z = ctx.zs[i]!;
    perKey.set(key, (perKey.get(key) ?? 0n) + z * ctx.ks[i]!);
    sB += z * ctx.ss[i]!;
  }
  for (const [key, sum] of coalesce(perKey, ctx, group)) {
    bigintToBytes256(sum % L, scalarBytes, 0);
    mulAdd(key, acc, scalarBytes, 0, false);
  }
  bigintToBytes256(sB % L, scalarBytes, 0);
  mulAdd(BASE, acc, scalarBytes, 0, true);
  return acc.isSmallOrder();
}

/**
 * Merges the coefficients of distinct prepared objects for the same key
 * bytes (a caller that prepared the key per item), so each key costs one
 * multiplication, by the object that has the biggest table.
 */
function coalesce(perKey: Map<TieredPoint, bigint>, ctx: Context, group: number[]): Map<TieredPoint, bigint> {
  if (perKey.size < 2) return perKey;
  const bytesOf = new Map<TieredPoint, Uint8Array>();
  for (const i of group) bytesOf.set(ctx.entries[i]!.key, ctx.entries[i]!.publicKey);
  const byBytes = new Map<string, [TieredPoint, bigint]>();
  for (const [key, sum] of perKey) {
    const id = bytesOf.get(key)!.join();
    const seen = byBytes.get(id);
    if (!seen) byBytes.set(id, [key, sum]);
    else byBytes.set(id, [key.uses > seen[0].uses ? key : seen[0], seen[1] + sum]);
  }
  return new Map(byBytes.values());
}

/** The single cofactored check [8]([S]B - [k]A - R) = O, from the stored decodings. */
function checkSingle(ctx: Context, i: number): boolean {
  const e = ctx.entries[i]!;
  const acc = new Ext();
  mulAdd(BASE, acc, e.signature, 32, false);
  bigintToBytes256(ctx.ks[i]!, scalarBytes, 0);
  mulAdd(e.key, acc, scalarBytes, 0, true);
  acc.addNiels(ctx.points.ypx[i]!, ctx.points.ymx[i]!, ctx.points.xy2d[i]!, true);
  return acc.isSmallOrder();
}

/** 16 random bytes per item from crypto.getRandomValues, in calls of at most 64 KiB. */
function randomCoefficients(count: number): Uint8Array {
  const bytes = new Uint8Array(16 * count);
  for (let at = 0; at < bytes.length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(bytes.length, at + 65536)));
  }
  return bytes;
}
