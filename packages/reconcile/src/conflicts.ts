import type { Money } from '@tallystick/core';

/**
 * Every kind of conflict the engine detects.
 *
 * - `double_spend`: a token redeemed more than once (same or different tills).
 * - `oversell`: a sale or hold that needed more stock than was free.
 * - `price_changed`: a sale charged a price or discount other than the list in
 *   force at the sale's time (the till had a stale list while offline).
 * - `expired_hold`: a sale against a hold that had expired, been released or used up.
 * - `unknown_key` / `revoked_key`: a redeemed token signed by a key the
 *   verifier does not know, or has revoked.
 * - `invalid_token`: any other verification failure (bad signature, expired when redeemed).
 * - `refund_unmatched`: a refund for a sale of its SKU the ledger does not have, or in another currency.
 * - `over_refund`: refunds adding up to more money or units than the sale.
 * - `unprocessable`: an intent the engine could not fold (its money would pass
 *   2^53 − 1 against the group's state, a policy threw, a stored payload is
 *   unreadable). It is parked with this verdict, always for review, and its
 *   group goes on without it. No policy settles it: policies may be what failed.
 *
 * @example
 * ```ts
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { ConflictKind } from '@tallystick/reconcile';
 * const { added } = await reconciler.apply(sold);
 * const kinds: ConflictKind[] = added.map((v) => v.kind); // ['oversell']
 * ```
 */
export type ConflictKind =
  | 'double_spend'
  | 'oversell'
  | 'price_changed'
  | 'expired_hold'
  | 'unknown_key'
  | 'revoked_key'
  | 'invalid_token'
  | 'refund_unmatched'
  | 'over_refund'
  | 'unprocessable';

/**
 * Fields every conflict carries: the intent it is about.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { ConflictBase } from '@tallystick/reconcile';
 * const where = (c: ConflictBase) => `${c.device} at ${c.hlc}`;
 * createReconciler({ ledger: createMemoryLedger(), policies: { double_spend: (c) => review(`second redemption: ${where(c)}`) } });
 * ```
 */
export interface ConflictBase {
  readonly intentId: string;
  readonly device: string;
  readonly hlc: string;
}

/**
 * A later redemption of a token someone already redeemed.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { DoubleSpendConflict } from '@tallystick/reconcile';
 * const policy = (c: DoubleSpendConflict) => (c.winner?.device === c.device ? resolved('same-till-retry') : review('two tills'));
 * createReconciler({ ledger: createMemoryLedger(), policies: { double_spend: policy } });
 * ```
 */
export interface DoubleSpendConflict extends ConflictBase {
  readonly kind: 'double_spend';
  readonly tokenId: string;
  /** The redemption that counts; absent when the winner rule itself asked for review. */
  readonly winner?: { readonly intentId: string; readonly device: string; readonly hlc: string };
  /** The resolver that picked the winner (default `first-writer-wins`). */
  readonly winnerRule: string;
  readonly amount?: Money;
}

/**
 * A sale or hold that needed more units than were free.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { OversellConflict } from '@tallystick/reconcile';
 * const policy = (c: OversellConflict) => (c.shortfall <= 2 ? resolved('auto-backorder') : review(`short by ${c.shortfall}`));
 * createReconciler({ ledger: createMemoryLedger(), policies: { oversell: policy } });
 * ```
 */
export interface OversellConflict extends ConflictBase {
  readonly kind: 'oversell';
  readonly sku: string;
  readonly intentType: 'sale' | 'hold';
  readonly requested: number;
  readonly fulfilled: number;
  readonly shortfall: number;
  /** Net price of one unit, for a sale: what a refund of one missing unit costs. */
  readonly unitNet?: Money;
}

/**
 * A sale priced off a list that had changed by the time of the sale.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { PriceChangedConflict } from '@tallystick/reconcile';
 * const undercharged = (c: PriceChangedConflict) => (c.difference?.amount ?? 0) < 0;
 * createReconciler({
 *   ledger: createMemoryLedger(),
 *   policies: { price_changed: (c) => (undercharged(c) ? resolved('honour-offline-price') : review('customer overpaid')) },
 * });
 * ```
 */
export interface PriceChangedConflict extends ConflictBase {
  readonly kind: 'price_changed';
  readonly sku: string;
  readonly quantity: number;
  readonly charged: { readonly unitPrice: Money; readonly discountBps: number; readonly total: Money };
  readonly listed: {
    readonly unitPrice: Money;
    readonly discountBps: number;
    /** The list price times the quantity sold; absent when that passes 2^53 − 1 minor units. */
    readonly total?: Money;
    readonly since: string;
  };
  /** Charged total minus listed total; absent when the currencies differ or the listed total is absent. */
  readonly difference?: Money;
}

/**
 * A sale against a hold that was no longer active at the time of the sale.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { ExpiredHoldConflict } from '@tallystick/reconcile';
 * const policy = (c: ExpiredHoldConflict) => (c.coveredByStock ? resolved('free-stock') : review('hold expired, stock short'));
 * createReconciler({ ledger: createMemoryLedger(), policies: { expired_hold: policy } });
 * ```
 */
export interface ExpiredHoldConflict extends ConflictBase {
  readonly kind: 'expired_hold';
  readonly sku: string;
  readonly holdId: string;
  /** Units the hold no longer covered. */
  readonly quantity: number;
  /** Whether free stock covered those units anyway. */
  readonly coveredByStock: boolean;
}

/**
 * A redemption whose token did not verify.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { TokenConflict } from '@tallystick/reconcile';
 * const policy = (c: TokenConflict) => review(c.kind === 'unknown_key' ? 'sync the keys, then retry' : `token ${c.kind}`);
 * createReconciler({ ledger: createMemoryLedger(), policies: { unknown_key: policy, revoked_key: policy, invalid_token: policy } });
 * ```
 */
export interface TokenConflict extends ConflictBase {
  readonly kind: 'unknown_key' | 'revoked_key' | 'invalid_token';
  /** The verifier's failure code. */
  readonly code: string;
  readonly message: string;
}

/**
 * A refund the ledger cannot match to its sale, or that refunds too much.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { RefundConflict } from '@tallystick/reconcile';
 * const policy = (c: RefundConflict) => ((c.excess?.amount ?? 0) <= 100 ? resolved('small-over-refund') : review('refund too large'));
 * createReconciler({ ledger: createMemoryLedger(), policies: { over_refund: policy } });
 * ```
 */
export interface RefundConflict extends ConflictBase {
  readonly kind: 'refund_unmatched' | 'over_refund';
  readonly saleId: string;
  readonly amount: Money;
  /** Money refunded beyond the sale's total, for `over_refund`. */
  readonly excess?: Money;
  readonly why: string;
}

/**
 * An intent parked because folding it failed. `code` is stable:
 * - `amount_overflow`: its money or units would pass 2^53 − 1 against the
 *   group's state (a SKU's running counts, say);
 * - `policy_failed`: a policy threw on it or answered something that is not a resolution;
 * - `fold_failed`: anything else, such as a stored payload this version cannot read.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, createReconciler, type UnprocessableConflict } from '@tallystick/reconcile';
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const { review } = await reconciler.report();
 * // An unprocessable intent goes to review with its facts in `detail`.
 * const stuck = review.filter((v) => v.kind === 'unprocessable').map((v) => v.detail as unknown as UnprocessableConflict);
 * ```
 */
export interface UnprocessableConflict extends ConflictBase {
  readonly kind: 'unprocessable';
  readonly code: 'amount_overflow' | 'policy_failed' | 'fold_failed';
  /** What failed, for the person reviewing (at most about 300 characters). */
  readonly message: string;
}

/**
 * Any conflict, discriminated by `kind`.
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { Conflict } from '@tallystick/reconcile';
 * const about = (c: Conflict) => ('sku' in c ? c.sku : c.intentId);
 * createReconciler({ ledger: createMemoryLedger(), policies: { oversell: (c) => review(`short on ${about(c)}`) } });
 * ```
 */
export type Conflict =
  | DoubleSpendConflict
  | OversellConflict
  | PriceChangedConflict
  | ExpiredHoldConflict
  | TokenConflict
  | RefundConflict
  | UnprocessableConflict;

/**
 * The conflict kinds a policy settles: all but `unprocessable`.
 *
 * @example
 * ```ts
 * import { resolved } from '@tallystick/merge';
 * import { type PolicyKind, withPolicies } from '@tallystick/reconcile';
 * const honour: PolicyKind[] = ['revoked_key', 'invalid_token'];
 * const policies = withPolicies(Object.fromEntries(honour.map((k) => [k, () => resolved('honour')])));
 * ```
 */
export type PolicyKind = Exclude<ConflictKind, 'unprocessable'>;

/**
 * The conflict type of one kind. (An intersection rather than `Extract`, so
 * that kinds sharing one interface, like the three token kinds, narrow too.)
 *
 * @example
 * ```ts
 * import { resolved, review } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * import type { ConflictOf } from '@tallystick/reconcile';
 * const backorder = (c: ConflictOf<'oversell'>) => resolved(c.shortfall <= 2 ? 'auto-backorder' : 'review-needed');
 * createReconciler({ ledger: createMemoryLedger(), policies: { oversell: backorder } });
 * ```
 */
export type ConflictOf<K extends ConflictKind> = Conflict & { readonly kind: K };
