/**
 * No well-formed intent can abort a batch: money that would leave the safe
 * integer range is refused at the door or carried exactly, and anything that
 * still throws while a group is folded parks that one intent (an
 * `unprocessable` verdict) instead of failing the batch or blocking the group.
 */
import { createManualClock } from '@tallystick/core';
import { createMemoryLedger, createReconciler, type ReconcilerOptions } from '@tallystick/reconcile';
import { describe, expect, it } from 'vitest';
import { eur, intent } from './support/intents.js';

const MAX = Number.MAX_SAFE_INTEGER;
const clock = createManualClock(1_000_000);
const setup = (extra: Partial<ReconcilerOptions> = {}) => {
  const ledger = createMemoryLedger();
  return { ledger, reconciler: createReconciler({ ledger, clock, ...extra }) };
};
const restock = (wall: number, sku: string, quantity: number) =>
  intent('restock', 'hq', wall, { sku, quantity });
const sale = (wall: number, sku: string, quantity: number, amount: number, more = {}) =>
  intent('sale', 'till-1', wall, { sku, quantity, unitPrice: eur(amount), ...more });

describe('money past 2^53', () => {
  it('a sale whose total exceeds 2^53-1 is refused as amount_overflow; the rest of the batch applies', async () => {
    const { reconciler } = setup();
    const huge = sale(3, 'gold', 2, MAX);
    const refund = intent('refund', 'till-1', 4, {
      sku: 'gold',
      saleId: huge.id,
      amount: eur(1),
      quantity: 0,
    });
    const later = sale(5, 'gold', 1, 100);
    const result = await reconciler.apply([
      restock(1, 'gold', 5),
      intent('price_update', 'hq', 2, { sku: 'gold', unitPrice: eur(100) }),
      huge,
      refund,
      later,
    ]);
    expect(result.rejected.map((r) => [r.index, r.code, r.retryable])).toEqual([
      [2, 'amount_overflow', false],
    ]);
    expect(result.accepted).toBe(4);
    const report = await reconciler.report();
    expect(report.stock[0]).toMatchObject({ sku: 'gold', sold: 1, available: 4 });
  });

  it('totals up to 2^53-1 are priced and refunded exactly', async () => {
    const { reconciler } = setup();
    const s = sale(3, 'gold', 1, MAX - 1);
    const r1 = intent('refund', 'till-1', 4, {
      sku: 'gold',
      saleId: s.id,
      amount: eur(MAX - 1),
      quantity: 0,
    });
    const r2 = intent('refund', 'till-1', 5, { sku: 'gold', saleId: s.id, amount: eur(MAX), quantity: 1 });
    const result = await reconciler.apply([
      restock(1, 'gold', 1),
      intent('price_update', 'hq', 2, { sku: 'gold', unitPrice: eur(MAX) }),
      s,
      r1,
      r2,
    ]);
    expect(result.rejected).toEqual([]);
    const report = await reconciler.report();
    expect(report.review.map((v) => [v.intentId, v.kind])).toEqual([[r2.id, 'over_refund']]);
    const over = report.review[0]!;
    expect(over.detail).toMatchObject({ excess: eur(MAX) });
    // 2^54 - 3 has no double: a float sum would print 2^54 - 4.
    expect((over.detail as { why: string }).why).toContain(`refunded ${2n * BigInt(MAX) - 1n} of ${MAX - 1}`);
    expect(report.resolved.map((v) => [v.kind, v.detail])).toEqual([
      ['price_changed', expect.objectContaining({ difference: eur(-1) })],
    ]);
  });

  it('a list price whose total for the quantity sold passes 2^53-1 still prices the sale', async () => {
    const { reconciler } = setup();
    const s = sale(3, 'gold', 2, 5);
    const result = await reconciler.apply([
      restock(1, 'gold', 2),
      intent('price_update', 'hq', 2, { sku: 'gold', unitPrice: eur(MAX) }),
      s,
    ]);
    expect(result.accepted).toBe(3);
    const report = await reconciler.report();
    const v = [...report.review, ...report.resolved].find((x) => x.kind === 'price_changed')!;
    expect(v.intentId).toBe(s.id);
    expect(v.detail).not.toHaveProperty('difference');
    expect(report.stock[0]).toMatchObject({ sold: 2, available: 0 });
  });
});

describe('a poison intent', () => {
  it('a policy that throws on one intent parks that intent and the rest of its SKU still applies', async () => {
    const { reconciler } = setup({
      policies: {
        oversell: (c) => {
          if (c.requested === 7) throw new Error('policy bug');
          return { value: 'auto-backorder' };
        },
      },
    });
    const poison = sale(2, 'tea', 7, 100);
    const first = await reconciler.apply([restock(1, 'tea', 1), poison, sale(3, 'tea', 2, 100)]);
    expect(first.accepted).toBe(3);
    const parked = first.added.find((v) => v.kind === 'unprocessable')!;
    expect(parked).toMatchObject({ intentId: poison.id, group: 'sku:tea', status: 'review' });
    expect(parked.detail).toMatchObject({ code: 'policy_failed' });
    expect(String(parked.reason)).toContain('policy bug');
    // Later intents of the same SKU, in order and late, still apply.
    const later = await reconciler.apply([
      restock(4, 'tea', 5),
      sale(5, 'tea', 1, 100),
      restock(0, 'tea', 1),
    ]);
    expect(later.accepted).toBe(3);
    const report = await reconciler.report();
    // The late restock refolded the SKU from its start: the poison is parked again, the rest applied.
    expect(report.stock[0]).toMatchObject({ sku: 'tea', available: 4, sold: 3, backordered: 0 });
    expect(report.review.map((v) => [v.intentId, v.kind])).toEqual([[poison.id, 'unprocessable']]);
  });
});
