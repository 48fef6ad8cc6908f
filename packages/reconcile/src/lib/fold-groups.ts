import { type Money, money } from '@tallystick/core';
import { isReview, resolveAll, versioned } from '@tallystick/merge';
import type { DoubleSpendConflict, RefundConflict, TokenConflict } from '../conflicts.js';
import type { IntentPayloads } from '../intents.js';
import type { StoredIntent, Verdict } from '../ledger.js';
import type { ReconcilePolicies } from '../policies.js';
import { decide } from './decide.js';
import { parseRefundsKey } from './groups.js';
import { lineTotal } from './money.js';

/** What the engine records about a redemption's token on arrival. */
export type TokenFacts =
  | {
      readonly ok: true;
      readonly token: { readonly id: string; readonly keyId: string; readonly amount?: Money };
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

const baseOf = (i: StoredIntent) => ({ intentId: i.id, device: i.device, hlc: i.hlc });

/**
 * All redemptions of one token, sorted by time. The winner resolver (default
 * first-writer-wins by HLC) picks the one that counts; every other one is a
 * double spend for the policy to settle. If the winner resolver itself asks
 * for review (manualReview), every redemption goes to review.
 */
export function foldToken(
  group: string,
  members: readonly StoredIntent[],
  policies: ReconcilePolicies,
): Verdict[] {
  if (members.length < 2) return [];
  const tokenId = group.slice('token:'.length);
  const facts = members[0]!.facts as TokenFacts;
  const amount = facts.ok ? facts.token.amount : undefined;
  const winner = resolveAll(
    policies.redemptionWinner,
    members.map((m) => versioned(m.id, m.hlc, m.device)),
  );
  const rule = policies.redemptionWinner.name;
  const verdicts: Verdict[] = [];
  for (const member of members) {
    if (!isReview(winner) && member.id === winner.value) continue;
    const won = isReview(winner) ? undefined : members.find((m) => m.id === winner.value);
    const conflict: DoubleSpendConflict = {
      ...baseOf(member),
      kind: 'double_spend',
      tokenId,
      winnerRule: rule,
      ...(won ? { winner: baseOf(won) } : {}),
      ...(amount ? { amount } : {}),
    };
    const summary = `token ${tokenId} redeemed ${members.length} times`;
    verdicts.push(decide(group, conflict, policies, summary, isReview(winner) ? winner : undefined));
  }
  return verdicts;
}

/** A redemption whose token failed verification: a conflict of its own. */
export function foldRefusedToken(
  group: string,
  intent: StoredIntent,
  policies: ReconcilePolicies,
): Verdict[] {
  const facts = intent.facts as TokenFacts;
  if (facts.ok) return [];
  const kind =
    facts.code === 'unknown_key'
      ? 'unknown_key'
      : /^revoked/.test(facts.code)
        ? 'revoked_key'
        : 'invalid_token';
  const conflict: TokenConflict = { ...baseOf(intent), kind, code: facts.code, message: facts.message };
  return [decide(group, conflict, policies, `token refused: ${facts.code}`)];
}

/**
 * A sale and its refunds of one SKU, refunds sorted by time. The sale counts
 * only if it sold that SKU, so the verdicts depend on SKU members alone (and
 * the SKU lock covers them). Every refund must match a sale in the same
 * currency, and together they may not return more money or units than it took.
 */
export function foldRefunds(
  group: string,
  sale: StoredIntent | undefined,
  refunds: readonly StoredIntent[],
  policies: ReconcilePolicies,
): Verdict[] {
  const { saleId, sku } = parseRefundsKey(group);
  const verdicts: Verdict[] = [];
  const unmatched = (refund: StoredIntent, why: string) => {
    const p = refund.payload as IntentPayloads['refund'];
    const conflict: RefundConflict = {
      ...baseOf(refund),
      kind: 'refund_unmatched',
      saleId,
      amount: p.amount,
      why,
    };
    verdicts.push(decide(group, conflict, policies, why));
  };
  const s = sale?.type === 'sale' ? (sale.payload as IntentPayloads['sale']) : undefined;
  if (s?.sku !== sku) {
    for (const refund of refunds) unmatched(refund, `no sale ${saleId} of ${sku} in the ledger`);
    return verdicts;
  }
  const total = lineTotal(s.unitPrice, s.quantity, s.discountBps);
  let paid = 0;
  let units = 0;
  for (const refund of refunds) {
    const p = refund.payload as IntentPayloads['refund'];
    if (p.amount.currency !== total.currency) {
      unmatched(refund, `refund in ${p.amount.currency}, the sale was in ${total.currency}`);
      continue;
    }
    const before = paid;
    paid += p.amount.amount;
    units += p.quantity;
    if (paid > total.amount || units > s.quantity) {
      const excess = Math.min(p.amount.amount, paid - Math.max(before, total.amount));
      const why = `refunded ${paid} of ${total.amount} and ${units} of ${s.quantity} units`;
      const conflict: RefundConflict = {
        ...baseOf(refund),
        kind: 'over_refund',
        saleId,
        amount: p.amount,
        why,
        ...(excess > 0 ? { excess: money(excess, total.currency) } : {}),
      };
      verdicts.push(decide(group, conflict, policies, why));
    }
  }
  return verdicts;
}
