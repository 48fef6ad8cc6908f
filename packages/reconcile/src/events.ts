import type { Verdict } from './ledger.js';
import type { Rejection } from './lib/prepare.js';

/**
 * What one batch did.
 *
 * - `accepted`: intents applied for the first time (by this call).
 * - `duplicates`: replays of intents the ledger (or the batch) already had, suppressed.
 * - `rejected`: inputs refused, with reasons; the ledger did not change for them.
 * - `added` / `retracted`: verdicts that appeared, and verdicts an earlier-stamped
 *   arrival took back (a redemption that now turns out to be the first, say).
 *
 * @example
 * ```ts
 * import type { BatchResult } from '@tallystick/reconcile';
 * const clean = (r: BatchResult) => r.rejected.length === 0 && r.added.length === 0;
 * ```
 */
export interface BatchResult {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly Rejection[];
  readonly added: readonly Verdict[];
  readonly retracted: readonly Verdict[];
}

/**
 * Running totals over a {@link Reconciler.run}.
 *
 * @example
 * ```ts
 * import type { RunTotals } from '@tallystick/reconcile';
 * const share = (t: RunTotals) => t.duplicates / Math.max(1, t.received);
 * ```
 */
export interface RunTotals {
  readonly batches: number;
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly verdictsAdded: number;
  readonly verdictsRetracted: number;
}

/**
 * The events {@link Reconciler.run} streams, in order: for each batch its
 * rejections, verdict changes and a `progress` event; then one `done`.
 *
 * @example
 * ```ts
 * import type { ReconcileEvent } from '@tallystick/reconcile';
 * function log(e: ReconcileEvent) {
 *   if (e.type === 'progress') console.log(`${e.totals.accepted} applied after ${e.batch} batches`);
 * }
 * ```
 */
export type ReconcileEvent =
  | { readonly type: 'rejected'; readonly batch: number; readonly rejection: Rejection }
  | { readonly type: 'verdict'; readonly batch: number; readonly verdict: Verdict }
  | { readonly type: 'retracted'; readonly batch: number; readonly verdict: Verdict }
  | {
      readonly type: 'progress';
      readonly batch: number;
      readonly result: BatchCounts;
      readonly totals: RunTotals;
    }
  | { readonly type: 'done'; readonly totals: RunTotals };

/**
 * A {@link BatchResult} reduced to its counts, as carried by progress events.
 *
 * @example
 * ```ts
 * import type { BatchCounts } from '@tallystick/reconcile';
 * const c: BatchCounts = { received: 3, accepted: 2, duplicates: 1, rejected: 0, added: 0, retracted: 0 };
 * ```
 */
export interface BatchCounts {
  readonly received: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly added: number;
  readonly retracted: number;
}
