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
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { BatchResult } from '@tallystick/reconcile';
 * const result: BatchResult = await reconciler.apply(sold);
 * result.rejected.length === 0 && result.added.length === 1; // true: one oversell
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
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { RunTotals } from '@tallystick/reconcile';
 * let totals: RunTotals | undefined;
 * for await (const e of reconciler.run([sold, sold])) if (e.type === 'progress') totals = e.totals;
 * totals?.duplicates; // 2: the second batch was a replay
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
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { ReconcileEvent } from '@tallystick/reconcile';
 * for await (const e of reconciler.run([sold]) as AsyncIterable<ReconcileEvent>) {
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
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { BatchCounts } from '@tallystick/reconcile';
 * for await (const e of reconciler.run([sold])) {
 *   if (e.type === 'progress') {
 *     const c: BatchCounts = e.result; // { received: 2, accepted: 2, duplicates: 0, rejected: 0, added: 1, retracted: 0 }
 *   }
 * }
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
