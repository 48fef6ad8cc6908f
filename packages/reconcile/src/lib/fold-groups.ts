import type { Money } from '@tallystick/core';
import { isReview, resolveAll, versioned } from '@tallystick/merge';
import type { DoubleSpendConflict, RefundConflict, TokenConflict } from '../conflicts.js';
import type { IntentPayloads } from '../intents.js';
import type { StoredIntent, Verdict } from '../ledger.js';
import type { ReconcilePolicies } from '../policies.js';
import { decide } from './decide.js';
import { parseRefundsKey } from './groups.js';
import { isolated, step, unprocessable } from './isolate.js';
import { exactLineTotal, moneyIfSafe } from './money.js';

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
 * for review (manualReview), every redemption goes to review. A redemption
 * the resolver or a policy fails on is parked (`unprocessable`) and the rest
 * are settled without it.
 */
export function foldToken(
  group: string,
  members: readonly StoredIntent[],
  policies: ReconcilePolicies,
): Verdict[] {
  if (members.length < 2) return [];
  return isolated((skipped) => {
    const parked: Verdict[] = [];
    const live: StoredIntent[] = [];
    for (const m of members) {
      if (skipped.has(m.id)) parked.push(unprocessable(group, m, skipped.get(m.id)));
      else live.push(m);
    }
    return [...parked, ...(live.length < 2 ? [] : tokenVerdicts(group, live, policies))];
  });
}

function tokenVerdicts(group: string, members: readonly StoredIntent[], policies: ReconcilePolicies) {
  const tokenId = group.slice('token:'.length);
  const facts = members[0]!.facts as TokenFacts;
  const amount = facts?.ok ? facts.token.amount : undefined;
  const winner = winnerOf(members, policies);
  const rule = policies.redemptionWinner.name;
  const won = isReview(winner) ? undefined : members.find((m) => m.id === winner.value);
  const verdicts: Verdict[] = [];
  for (const member of members) {
    if (!isReview(winner) && member.id === winner.value) continue;
    step(member.id, () => {
      const conflict: DoubleSpendConflict = {
        ...baseOf(member),
        kind: 'double_spend',
        tokenId,
        winnerRule: String(rule),
        ...(won ? { winner: baseOf(won) } : {}),
        ...(amount ? { amount } : {}),
      };
      const summary = `token ${tokenId} redeemed ${members.length} times`;
      verdicts.push(decide(group, conflict, policies, summary, isReview(winner) ? winner : undefined));
    });
  }
  return verdicts;
}

/**
 * The resolver's pick. If it fails on the whole set, the members are added in
 * time order and the first one it fails on is blamed, so the next pass settles
 * the others without it.
 */
function winnerOf(members: readonly StoredIntent[], policies: ReconcilePolicies) {
  const resolve = (list: readonly StoredIntent[]) => {
    const r = resolveAll(
      policies.redemptionWinner,
      list.map((m) => versioned(m.id, m.hlc, m.device)),
    );
    if (!isReview(r) && !list.some((m) => m.id === r.value))
      throw new TypeError('the winner resolver picked no redemption of the token');
    return r;
  };
  try {
    return resolve(members);
  } catch {
    for (let n = 1; n <= members.length; n++) {
      step(members[n - 1]!.id, () => resolve(members.slice(0, n)));
    }
    // Failing on the whole set only: blame the latest member.
    return step(members[members.length - 1]!.id, () => resolve(members));
  }
}

/** A redemption whose token failed verification: a conflict of its own. */
export function foldRefusedToken(
  group: string,
  intent: StoredIntent,
  policies: ReconcilePolicies,
): Verdict[] {
  const facts = intent.facts as TokenFacts;
  if (facts?.ok !== false) return [];
  const kind =
    facts.code === 'unknown_key'
      ? 'unknown_key'
      : /^revoked/.test(facts.code)
        ? 'revoked_key'
        : 'invalid_token';
  const conflict: TokenConflict = { ...baseOf(intent), kind, code: facts.code, message: facts.message };
  try {
    return [decide(group, conflict, policies, `token refused: ${facts.code}`)];
  } catch (error) {
    return [unprocessable(group, intent, error)];
  }
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
  return isolated((skipped) => {
    const verdicts: Verdict[] = [];
    const live: StoredIntent[] = [];
    for (const refund of refunds) {
      if (skipped.has(refund.id)) verdicts.push(unprocessable(group, refund, skipped.get(refund.id)));
      else live.push(refund);
    }
    refundVerdicts(group, sale, live, policies, verdicts);
    return verdicts;
  });
}

function refundVerdicts(
  group: string,
  sale: StoredIntent | undefined,
  refunds: readonly StoredIntent[],
  policies: ReconcilePolicies,
  verdicts: Verdict[],
): void {
  const { saleId, sku } = parseRefundsKey(group);
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
  const s = sale?.type === 'sale' ? (sale.payload as IntentPayloads['sale'] | null) : undefined;
  if (s?.sku !== sku) {
    for (const refund of refunds)
      step(refund.id, () => unmatched(refund, `no sale ${saleId} of ${sku} in the ledger`));
    return;
  }
  // Exact: refunds of up to 2^53 - 1 each can sum past it, and a float sum would misstate the excess.
  let total: bigint;
  try {
    total = exactLineTotal(s.unitPrice, s.quantity, s.discountBps);
  } catch (error) {
    // The sale itself is unreadable: nothing can be matched against it.
    for (const refund of refunds) verdicts.push(unprocessable(group, refund, error));
    return;
  }
  const currency = s.unitPrice.currency;
  let paid = 0n;
  let units = 0n;
  for (const refund of refunds) {
    step(refund.id, () => {
      const p = refund.payload as IntentPayloads['refund'];
      if (p.amount.currency !== currency) {
        unmatched(refund, `refund in ${p.amount.currency}, the sale was in ${currency}`);
        return;
      }
      const amount = BigInt(p.amount.amount);
      const before = paid;
      const now = { paid: paid + amount, units: units + BigInt(p.quantity) };
      if (now.paid > total || now.units > BigInt(s.quantity)) {
        const over = now.paid - (before > total ? before : total);
        const excess = moneyIfSafe(over < amount ? over : amount, currency);
        const why = `refunded ${now.paid} of ${total} and ${now.units} of ${s.quantity} units`;
        const conflict: RefundConflict = {
          ...baseOf(refund),
          kind: 'over_refund',
          saleId,
          amount: p.amount,
          why,
          ...(excess && excess.amount > 0 ? { excess } : {}),
        };
        verdicts.push(decide(group, conflict, policies, why));
      }
      // Counted only once the step has succeeded: a parked refund must not count.
      paid = now.paid;
      units = now.units;
    });
  }
}
