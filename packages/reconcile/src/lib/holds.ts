import type { SkuState } from './fold-sku.js';

// A SKU's active holds, by hold intent id. Folds call these often, so they stay
// plain loops over the table (it is a dictionary-mode object: for-in, no entries()).

/**
 * Gives back the stock of holds whose expiry (plus grace) lies before `wall`,
 * and returns the earliest expiry left, so the fold can skip this until then.
 */
export function expireHolds(s: SkuState, wall: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const id in s.holds) {
    const hold = s.holds[id]!;
    if (hold.expiresAt < wall) {
      s.available += hold.remaining;
      s.held -= hold.remaining;
      delete s.holds[id];
    } else if (hold.expiresAt < next) next = hold.expiresAt;
  }
  return next;
}

export function earliestExpiry(holds: SkuState['holds']): number {
  let next = Number.POSITIVE_INFINITY;
  for (const id in holds) if (holds[id]!.expiresAt < next) next = holds[id]!.expiresAt;
  return next;
}
