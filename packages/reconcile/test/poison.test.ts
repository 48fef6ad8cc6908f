/**
 * No well-formed intent can abort a batch: money that would leave the safe
 * integer range is refused at the door or carried exactly, and anything that
 * still throws while a group is folded parks that one intent (an
 * `unprocessable` verdict) instead of failing the batch or blocking the group.
 */
import { createManualClock } from '@tallystick/core';
import { firstWriterWins, type Resolver, review, type Versioned } from '@tallystick/merge';
import {
  createMemoryLedger,
  createReconciler,
  type ReconcilerOptions,
  type StoredIntent,
  withPolicies,
} from '@tallystick/reconcile';
import { describe, expect, it } from 'vitest';
import { emptySku, foldSku } from '../src/lib/fold-sku.js';
import { issue, newKey, testVerifier } from './support/ed25519-verifier.js';
import { eur, idOf, intent, redeemed } from './support/intents.js';

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

describe('poison in every kind of group', () => {
  const key = newKey('k1');
  const verifier = testVerifier([key]);
  const voucher = issue(key, { id: 'v-1', amount: eur(500) });
  const redeem = (device: string, wall: number) => redeemed(device, wall, voucher);

  it('a SKU count that would pass 2^53-1 parks that intent as amount_overflow and leaves the state as it was', () => {
    const start = { ...emptySku(), available: MAX - 1, sold: 5 };
    const stored = (n: number, type: 'restock' | 'sale', payload: object): StoredIntent => ({
      id: idOf(n),
      type,
      device: 'hq',
      hlc: intent(type, 'hq', n, {}).hlc,
      group: 'sku:tea',
      group2: null,
      fingerprint: `f${n}`,
      payload: payload as StoredIntent['payload'],
      facts: null,
    });
    const options = {
      policies: withPolicies(),
      holdPolicy: { maxSkewMs: 0, graceMs: 0 },
      checkpointEvery: 64,
    };
    const { state, verdicts } = foldSku(
      'sku:tea',
      start,
      [
        stored(1, 'restock', { sku: 'tea', quantity: 2 }),
        stored(2, 'sale', { sku: 'tea', quantity: 1, unitPrice: eur(1), discountBps: 0 }),
      ],
      options,
    );
    expect(verdicts.map((v) => [v.intentId, v.kind, (v.detail as { code: string }).code])).toEqual([
      [idOf(1), 'unprocessable', 'amount_overflow'],
    ]);
    expect(state).toMatchObject({ available: MAX - 2, sold: 6, count: 2 });
    expect(start.available).toBe(MAX - 1);
  });

  it('a double-spend policy that throws parks that redemption; the others are still settled', async () => {
    const { reconciler } = setup({
      verifier,
      policies: {
        double_spend: (c) => {
          if (c.device === 'till-3') throw new TypeError('cannot settle till-3');
          return { value: 'auto-charge-back' };
        },
      },
    });
    const result = await reconciler.apply([redeem('till-1', 1), redeem('till-2', 2), redeem('till-3', 3)]);
    expect(result.accepted).toBe(3);
    const report = await reconciler.report();
    expect(report.resolved.map((v) => [v.kind, v.detail])).toEqual([
      ['double_spend', expect.objectContaining({ device: 'till-2' })],
    ]);
    expect(report.review.map((v) => [v.kind, (v.detail as { device: string }).device])).toEqual([
      ['unprocessable', 'till-3'],
    ]);
  });

  it('a winner resolver that fails on one redemption parks it; the rest are judged without it', async () => {
    const picky: Resolver<Versioned<string>, string> = {
      ...firstWriterWins<string>(),
      name: 'picky',
      merge: (a, b) => {
        if (a.device === 'till-x' || b.device === 'till-x') throw new Error('till-x is unknown');
        return firstWriterWins<string>().merge(a, b);
      },
    };
    const { reconciler } = setup({ verifier, policies: { redemptionWinner: picky } });
    await reconciler.apply([redeem('till-1', 1), redeem('till-x', 2), redeem('till-2', 3)]);
    const report = await reconciler.report();
    expect(report.review.map((v) => [v.kind, (v.detail as { device: string }).device])).toEqual(
      expect.arrayContaining([
        ['unprocessable', 'till-x'],
        ['double_spend', 'till-2'],
      ]),
    );
    expect(report.review).toHaveLength(2);
  });

  it('a refund policy that answers garbage parks that refund, and a parked refund does not count', async () => {
    const { reconciler } = setup({
      policies: {
        refund_unmatched: () => ({ value: Number.NaN }) as never,
        over_refund: (c) => {
          if (c.amount.amount === 60) throw new Error('no rule for 60');
          return review('too much');
        },
      },
    });
    const s = sale(2, 'tea', 1, 100);
    const refund = (wall: number, amount: number, saleId = s.id) =>
      intent('refund', 'till-1', wall, { sku: 'tea', saleId, amount: eur(amount), quantity: 0 });
    const orphan = refund(3, 5, idOf(999));
    expect((await reconciler.apply([orphan])).added.map((v) => [v.intentId, v.kind])).toEqual([
      [orphan.id, 'unprocessable'],
    ]);
    const [r80, r60, r20] = [refund(4, 80), refund(5, 60), refund(6, 20)];
    await reconciler.apply([restock(1, 'tea', 1), s, r80, r60, r20]);
    const report = await reconciler.report();
    // 80 + 20 is exactly the sale: the parked 60 is not counted, so 20 is no over-refund.
    expect(report.review.map((v) => [v.intentId, v.kind, (v.detail as { code?: string }).code])).toEqual(
      [
        [orphan.id, 'unprocessable', 'policy_failed'],
        [r60.id, 'unprocessable', 'policy_failed'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
  });
});
