import { encodeHlc } from '@tallystick/core';
import type { OversellConflict } from '../conflicts.js';
import type { IntentPayloads } from '../intents.js';
import type { StoredIntent, Verdict } from '../ledger.js';
import { decide } from './decide.js';
import type { SkuFoldOptions, SkuState } from './fold-sku.js';
import { add, lineTotal, lineTotalIfSafe, sameMoney } from './money.js';

/** One pass of a SKU fold: the state it builds and what it needs along the way. */
export interface SkuPass {
  readonly s: SkuState;
  readonly group: string;
  readonly sku: string;
  readonly options: SkuFoldOptions;
  readonly verdicts: Verdict[];
  /** δ + grace: a hold is reclaimed at expiresAt + this (see ./holds.ts). */
  readonly reclaimOffset: number;
  /** The earliest time a hold of this SKU is reclaimed. */
  nextReclaim: number;
  /** Copies the holds table on first change: `start` may be the ledger's stored state. */
  own(): void;
}

/**
 * A sale in a SKU's fold: priced against the list in force (a `price_changed`
 * verdict if it differs), taken from its hold if it names an active one, and
 * from free stock; whatever stock cannot cover is a shortfall (`oversell`).
 */
export function sale(pass: SkuPass, intent: StoredIntent): void {
  const { s, group, sku, options, verdicts } = pass;
  const p = intent.payload as IntentPayloads['sale'];
  const base = { intentId: intent.id, device: intent.device, hlc: intent.hlc };
  const listed = s.price?.value;
  if (listed && (!sameMoney(listed.unitPrice, p.unitPrice) || listed.discountBps !== p.discountBps)) {
    // Validation keeps the charged total safe; the list price times this quantity may not be.
    const charged = lineTotal(p.unitPrice, p.quantity, p.discountBps);
    const list = lineTotalIfSafe(listed.unitPrice, p.quantity, listed.discountBps);
    const same = list !== undefined && charged.currency === list.currency;
    const conflict = {
      ...base,
      kind: 'price_changed' as const,
      sku,
      quantity: p.quantity,
      charged: { unitPrice: p.unitPrice, discountBps: p.discountBps, total: charged },
      listed: { ...listed, ...(list ? { total: list } : {}), since: encodeHlc(s.price!.hlc) },
      ...(same ? { difference: { amount: charged.amount - list.amount, currency: charged.currency } } : {}),
    };
    const summary = `charged ${charged.amount}, list ${list ? list.amount : 'beyond 2^53-1'}`;
    verdicts.push(decide(group, conflict, options.policies, summary));
  }

  let need = p.quantity;
  if (p.holdId !== undefined) {
    const hold = Object.hasOwn(s.holds, p.holdId) ? s.holds[p.holdId] : undefined;
    if (hold) {
      const take = Math.min(need, hold.remaining);
      hold.remaining -= take;
      s.held -= take;
      need -= take;
    } else {
      const conflict = {
        ...base,
        kind: 'expired_hold' as const,
        sku,
        holdId: p.holdId,
        quantity: need,
        coveredByStock: s.available >= need,
      };
      verdicts.push(
        decide(group, conflict, options.policies, `hold ${p.holdId} not active; ${need} from free stock`),
      );
    }
  }
  const take = Math.min(need, s.available);
  s.available -= take;
  const shortfall = need - take;
  s.sold = add(s.sold, p.quantity - shortfall, 'units sold');
  if (shortfall > 0) {
    s.backordered = add(s.backordered, shortfall, 'units backordered');
    const conflict: OversellConflict = {
      ...base,
      kind: 'oversell',
      sku,
      intentType: 'sale',
      requested: p.quantity,
      fulfilled: p.quantity - shortfall,
      shortfall,
      unitNet: lineTotal(p.unitPrice, 1, p.discountBps),
    };
    verdicts.push(decide(group, conflict, options.policies, `sale of ${p.quantity} was ${shortfall} short`));
  }
}
