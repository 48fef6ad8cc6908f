/**
 * Scalar multiplication by a point that may be used once or a million times
 * (the base point, an issuer key, a customer's device key), with
 * precomputation that grows with use:
 *
 * - first use: no table. A single verify then takes the half-size path of
 *   halfsize.ts; a lone multiplication (batch coefficients) uses Horner's
 *   rule over signed 5-bit windows (~250 doublings, ~65 additions, in
 *   msm.ts, so the verify-only bundle leaves it out);
 * - second use: a 5-bit fixed-base table (816 points, a few milliseconds),
 *   after which a multiplication is 51 additions and no doubling;
 * - use 256: an 8-bit table (4096 points, ~600 KB), 32 additions.
 *
 * So a one-off key (a device key in a holder presentation) never pays for a
 * table, the first verify with a new key stays in the low milliseconds, and
 * the keys that verify most get the fastest path.
 */
import { addDigits, buildTable, type Ext, type NielsTable, recode, windowCount } from './point.js';

/** Use counts at which the 5-bit and the 8-bit tables are built. */
export const SMALL_TABLE_AT = 2;
export const LARGE_TABLE_AT = 256;
export const SMALL_W = 5;
const LARGE_W = 8;

export const digitsByWidth: Record<number, Int16Array> = {
  [SMALL_W]: new Int16Array(windowCount(SMALL_W)),
  [LARGE_W]: new Int16Array(windowCount(LARGE_W)),
};

/** A point plus the precomputation its use so far has paid for. */
export class TieredPoint {
  /** The point itself, affine (Z = 1). */
  readonly point: Ext;
  table: NielsTable | undefined = undefined;
  uses = 0;

  constructor(point: Ext) {
    this.point = point;
  }

  /** Counts one use and builds the table this use has earned; returns the table to use now, if any. */
  use(): NielsTable | undefined {
    const uses = ++this.uses;
    if (uses === SMALL_TABLE_AT) this.table = buildTable(this.point, SMALL_W);
    else if (uses === LARGE_TABLE_AT) this.table = buildTable(this.point, LARGE_W);
    return this.table;
  }
}

/** acc += [scalar]·P from P's table (-= when `negate`). */
export function addScalar(
  acc: Ext,
  table: NielsTable,
  scalar: Uint8Array,
  negate: boolean,
  offset = 0,
): void {
  const digits = digitsByWidth[table.w]!;
  recode(scalar, offset, table.w, digits);
  addDigits(acc, table, digits, negate);
}
