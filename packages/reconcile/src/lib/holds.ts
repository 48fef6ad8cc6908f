import { type HoldPolicy, holdDeadlines } from '@tallystick/reserve';
import type { SkuState } from './fold-sku.js';

// A SKU's active holds, by hold intent id. The moment a hold's stock goes back
// is reserve's rule, holdDeadlines().serverReclaimsAt = expiresAt + δ + grace:
// tills stop honouring a hold at expiresAt − δ on their clocks, so no sale a
// till was allowed to make against it is stamped after the server reclaims.
// Folds call these often, so they stay plain loops over the table (it is a
// dictionary-mode object: for-in, no entries()).

/**
 * How long after `expiresAt` the server takes a hold's stock back: δ + grace,
 * read off `holdDeadlines` once per fold (it is linear in expiresAt), so the
 * loops below add a number instead of checking a policy per hold. The policy
 * was checked against the latest HLC wall, so no sum here passes 2^53 − 1.
 */
export function reclaimOffset(policy: HoldPolicy): number {
  return holdDeadlines({ id: 'offset', expiresAt: 0 }, policy).serverReclaimsAt;
}

/**
 * Gives back the stock of holds reclaimed at or before `wall`, and returns the
 * earliest reclaim time left, so the fold can skip this until then.
 */
export function expireHolds(s: SkuState, wall: number, offset: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const id in s.holds) {
    const hold = s.holds[id]!;
    const at = hold.expiresAt + offset;
    if (at <= wall) {
      s.available += hold.remaining;
      s.held -= hold.remaining;
      delete s.holds[id];
    } else if (at < next) next = at;
  }
  return next;
}

export function earliestReclaim(holds: SkuState['holds'], offset: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const id in holds) {
    const at = holds[id]!.expiresAt + offset;
    if (at < next) next = at;
  }
  return next;
}
