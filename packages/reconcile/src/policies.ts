import { formatMoney, type Money, money } from '@tallystick/core';
import {
  firstWriterWins,
  type Resolution,
  type Resolver,
  resolved,
  review,
  suggest,
  type Versioned,
} from '@tallystick/merge';
import type { ConflictOf, PolicyKind } from './conflicts.js';

/**
 * Settles one conflict: a rule name (recorded in the report as the rule that
 * resolved it) or a request for review with suggested actions. Must be pure:
 * the same conflict must always get the same answer, or reconciliation stops
 * being deterministic. A policy that throws, or answers something other than
 * a resolution of JSON values, does not fail the batch: the intent is parked
 * with an `unprocessable` verdict (code `policy_failed`).
 *
 * @example
 * ```ts
 * import { resolved } from '@tallystick/merge';
 * import { type ConflictPolicy, createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const autoBackorder: ConflictPolicy<'oversell'> = () => resolved('auto-backorder');
 * createReconciler({ ledger: createMemoryLedger(), policies: { oversell: autoBackorder } });
 * ```
 */
export type ConflictPolicy<K extends PolicyKind> = (conflict: ConflictOf<K>) => Resolution<string>;

/**
 * The policy for each conflict kind, plus the resolver that picks which
 * redemption of a token counts.
 *
 * @example
 * ```ts
 * import { resolved } from '@tallystick/merge';
 * import { createMemoryLedger, createReconciler, type ReconcilePolicies, shopDefaults } from '@tallystick/reconcile';
 * const mine: ReconcilePolicies = { ...shopDefaults, oversell: () => resolved('auto-backorder') };
 * createReconciler({ ledger: createMemoryLedger(), policies: mine });
 * ```
 */
export type ReconcilePolicies = { readonly [K in PolicyKind]: ConflictPolicy<K> } & {
  /** Picks the redemption that counts among all of one token's. Default {@link firstWriterWins}. */
  readonly redemptionWinner: Resolver<Versioned<string>, string>;
};

const show = (m: Money) => `${formatMoney(m)} ${m.currency}`;

/**
 * What a shop would choose with nobody to ask:
 *
 * | conflict | default |
 * |---|---|
 * | double spend | earliest redemption by HLC counts; later ones to review: charge back or honour |
 * | oversell | review: backorder the shortfall, refund it, or substitute |
 * | price changed, customer paid less | resolved `honour-offline-price` (the shop's stale list, the shop's loss) |
 * | price changed, customer paid more | review: refund the difference, or honour |
 * | expired hold, free stock covered it | resolved `fulfilled-from-free-stock` |
 * | expired hold, stock short | review: backorder, refund or substitute |
 * | unknown key, revoked key, invalid token | review: charge back or honour |
 * | refund unmatched, over-refund | review: charge back or honour |
 *
 * @example
 * ```ts
 * import { createMemoryLedger, createReconciler, shopDefaults } from '@tallystick/reconcile';
 * import { resolved } from '@tallystick/merge';
 * const reconciler = createReconciler({
 *   ledger: createMemoryLedger(),
 *   policies: { ...shopDefaults, oversell: () => resolved('auto-backorder') },
 * });
 * ```
 */
export const shopDefaults: ReconcilePolicies = Object.freeze({
  redemptionWinner: firstWriterWins<string>(),
  double_spend: (c) => {
    const was = c.winner
      ? `already redeemed by ${c.winner.device} at ${c.winner.hlc}`
      : 'redeemed more than once';
    const value = c.amount ? { amount: c.amount } : {};
    return review(`token ${c.tokenId} ${was}`, [
      suggest('charge_back', 'recover the value from the customer or the till operator', value),
      suggest('honour', 'accept the loss', value),
    ]);
  },
  oversell: (c) => {
    // Exact, and left out rather than thrown when it cannot be a safe amount.
    const total = c.unitNet ? BigInt(c.unitNet.amount) * BigInt(c.shortfall) : undefined;
    const refund =
      c.unitNet && total !== undefined && total <= BigInt(Number.MAX_SAFE_INTEGER)
        ? { amount: money(Number(total), c.unitNet.currency) }
        : {};
    return review(
      `${c.intentType} of ${c.requested} ${c.sku} found ${c.fulfilled} free: ${c.shortfall} short`,
      [
        suggest('backorder', `deliver ${c.shortfall} ${c.sku} when restocked`, { quantity: c.shortfall }),
        suggest('refund', `refund the ${c.shortfall} missing`, { quantity: c.shortfall, ...refund }),
        suggest('substitute', 'offer a comparable item', { quantity: c.shortfall }),
      ],
    );
  },
  price_changed: (c) => {
    if (!c.listed.total) {
      return review(`the list price times ${c.quantity} passes the largest amount the ledger can hold`, [
        suggest('void', 'cancel the sale, correct the list price, and charge again'),
        suggest('honour', 'accept the sale as charged'),
      ]);
    }
    if (!c.difference) {
      return review(`sold in ${c.charged.total.currency}, listed in ${c.listed.total.currency}`, [
        suggest('void', 'cancel the sale and charge again in the list currency'),
        suggest('honour', 'accept the sale as charged'),
      ]);
    }
    if (c.difference.amount <= 0) return resolved('honour-offline-price');
    return review(`customer paid ${show(c.difference)} more than the list price in force`, [
      suggest('refund', 'refund the overcharge', { amount: c.difference }),
      suggest('honour', 'keep the price charged'),
    ]);
  },
  expired_hold: (c) => {
    if (c.coveredByStock) return resolved('fulfilled-from-free-stock');
    return review(`hold ${c.holdId} was not active and free stock was short`, [
      suggest('backorder', `deliver ${c.quantity} ${c.sku} when restocked`, { quantity: c.quantity }),
      suggest('refund', 'refund the units the hold no longer covered', { quantity: c.quantity }),
      suggest('substitute', 'offer a comparable item', { quantity: c.quantity }),
    ]);
  },
  unknown_key: (c) => tokenReview(`signed by an unknown key: ${c.message}`),
  revoked_key: (c) => tokenReview(`signed by a revoked key: ${c.message}`),
  invalid_token: (c) => tokenReview(`token refused (${c.code}): ${c.message}`),
  refund_unmatched: (c) =>
    review(`refund of ${show(c.amount)} does not match a sale: ${c.why}`, [
      suggest('charge_back', 'recover the refund', { amount: c.amount }),
      suggest('honour', 'accept the refund as paid', { amount: c.amount }),
    ]),
  over_refund: (c) => {
    const excess = c.excess ? { amount: c.excess } : {};
    return review(`refunds exceed the sale: ${c.why}`, [
      suggest('charge_back', 'recover the excess', excess),
      suggest('honour', 'accept the excess refund', excess),
    ]);
  },
} satisfies ReconcilePolicies);

function tokenReview(reason: string): Resolution<string> {
  return review(reason, [
    suggest('charge_back', 'recover the value from the customer or the till operator'),
    suggest('honour', 'accept the redemption'),
  ]);
}

/**
 * Fills in {@link shopDefaults} for the policies not given and checks the rest.
 *
 * @throws {TypeError} if a policy is not a function or `redemptionWinner` is not a resolver.
 * @example
 * ```ts
 * import { resolved } from '@tallystick/merge';
 * import { withPolicies } from '@tallystick/reconcile';
 * const policies = withPolicies({ expired_hold: () => resolved('always-honour-holds') });
 * ```
 */
export function withPolicies(overrides: Partial<ReconcilePolicies> = {}): ReconcilePolicies {
  const merged = { ...shopDefaults, ...overrides } as Record<string, unknown>;
  for (const [name, policy] of Object.entries(merged)) {
    if (name === 'redemptionWinner') {
      const r = policy as Partial<Resolver<unknown, unknown>>;
      if (typeof r?.merge !== 'function' || typeof r.resolve !== 'function') {
        throw new TypeError('policies.redemptionWinner must be a resolver from @tallystick/merge');
      }
    } else if (typeof policy !== 'function') {
      throw new TypeError(`policies.${name} must be a function`);
    }
  }
  return merged as ReconcilePolicies;
}
