import { canonicalJson, createManualClock, decodeBase64url, encodeBase64url } from '@tallystick/core';
import { resolved } from '@tallystick/merge';
import {
  createMemoryLedger,
  createReconciler,
  type ReconcileEvent,
  type ReconcilerOptions,
  snapshotLedger,
} from '@tallystick/reconcile';
import { describe, expect, it } from 'vitest';
import { issue, newKey, testVerifier, tokenIdOf } from './support/ed25519-verifier.js';
import { eur, intent, redeemed } from './support/intents.js';

const key = newKey('k1');
const stranger = newKey('k9');
const revokedKey = newKey('k0');
const verifier = testVerifier([key, revokedKey], ['k0']);
const clock = createManualClock(1_000_000);

function setup(extra: Partial<ReconcilerOptions> = {}) {
  const ledger = createMemoryLedger();
  return { ledger, reconciler: createReconciler({ ledger, verifier, clock, ...extra }) };
}

const sale = (device: string, wall: number, sku: string, quantity: number, price = 120, more = {}) =>
  intent('sale', device, wall, { sku, quantity, unitPrice: eur(price), ...more });
const restock = (wall: number, sku: string, quantity: number) =>
  intent('restock', 'hq', wall, { sku, quantity });

describe('double spend', () => {
  const voucher = issue(key, { id: 'v-1', amount: eur(1000) });
  const onTill1 = redeemed('till-1', 20, voucher);
  const onTill2 = redeemed('till-2', 10, voucher);

  it('the earliest redemption by HLC wins; a later one goes to review with charge-back and honour', async () => {
    const { reconciler } = setup();
    const first = await reconciler.apply([onTill1]);
    expect(first.added).toEqual([]);
    // The earlier one arrives later: it takes over, and the verdict lands on till-1's.
    const second = await reconciler.apply([onTill2]);
    expect(second.added).toHaveLength(1);
    const verdict = second.added[0]!;
    expect(verdict).toMatchObject({
      intentId: onTill1.id,
      kind: 'double_spend',
      status: 'review',
      group: `token:${tokenIdOf('v-1')}`,
    });
    expect(verdict.suggestions.map((s) => s.action)).toEqual(['charge_back', 'honour']);
    expect(verdict.suggestions[0]!.amount).toEqual(eur(1000));
    expect(verdict.detail).toMatchObject({
      winner: { intentId: onTill2.id, device: 'till-2' },
      winnerRule: 'first-writer-wins',
    });
  });

  it('a third, even earlier redemption retracts the old verdict and rewrites both', async () => {
    const { reconciler } = setup();
    await reconciler.apply([onTill1, onTill2]);
    const earliest = redeemed('till-3', 5, voucher);
    const result = await reconciler.apply([earliest]);
    expect(result.retracted.map((v) => v.intentId)).toEqual([onTill1.id]);
    expect(result.added.map((v) => v.intentId).sort()).toEqual([onTill1.id, onTill2.id].sort());
    const report = await reconciler.report();
    expect(report.review.map((v) => v.intentId).sort()).toEqual([onTill1.id, onTill2.id].sort());
  });

  it('one terminal redeeming the same token twice is a double spend too', async () => {
    const { reconciler } = setup();
    const again = redeemed('till-1', 21, voucher);
    await reconciler.apply([onTill1, again]);
    expect((await reconciler.report()).review.map((v) => v.intentId)).toEqual([again.id]);
  });

  it('unknown, revoked and forged tokens go to review with their own kinds', async () => {
    const { reconciler } = setup();
    const [v, body, sig] = issue(key, { id: 'v-2' }).split('.');
    const bent = decodeBase64url(sig!);
    bent[0]! ^= 1;
    const forged = `${v}.${body}.${encodeBase64url(bent)}`;
    const batch = [
      redeemed('till-1', 30, issue(stranger, { id: 'v-3' })),
      redeemed('till-1', 31, issue(revokedKey, { id: 'v-4' })),
      redeemed('till-1', 32, forged),
      redeemed('till-1', 33, issue(key, { id: 'v-5', expiresAt: 33 })),
      redeemed('till-1', 34, issue(key, { id: 'v-6', expiresAt: 35 })),
    ];
    const result = await reconciler.apply(batch);
    expect(result.accepted).toBe(5);
    expect(result.added.map((v) => [v.kind, (v.detail as { code: string }).code])).toEqual([
      ['unknown_key', 'unknown_key'],
      ['revoked_key', 'revoked'],
      ['invalid_token', 'bad_signature'],
      ['invalid_token', 'expired'],
    ]);
    expect(result.added.every((v) => v.status === 'review')).toBe(true);
  });

  it('verifies the batch in one verifier call, and never re-verifies a replay', async () => {
    const counting = testVerifier([key]);
    const { reconciler } = setup({ verifier: counting });
    const batch = [1, 2, 3].map((n) => redeemed('till-1', n, issue(key, { id: `b-${n}` })));
    await reconciler.apply(batch);
    await reconciler.apply(batch);
    expect(counting.calls).toBe(1);
  });

  it('a configured winner rule changes who wins', async () => {
    const { lastWriterWins } = await import('@tallystick/merge');
    const { reconciler } = setup({ policies: { redemptionWinner: lastWriterWins<string>() } });
    await reconciler.apply([onTill1, onTill2]);
    expect((await reconciler.report()).review.map((v) => v.intentId)).toEqual([onTill2.id]);
  });
});

describe('stock', () => {
  it('oversell: the sale that finds too little stock gets backorder and refund suggestions', async () => {
    const { reconciler } = setup();
    const second = sale('till-2', 30, 'apple', 2, 120, { discountBps: 2500 });
    await reconciler.apply([restock(1, 'apple', 2), sale('till-1', 20, 'apple', 1), second]);
    const report = await reconciler.report();
    expect(report.review).toHaveLength(1);
    const verdict = report.review[0]!;
    expect(verdict).toMatchObject({ intentId: second.id, kind: 'oversell' });
    expect(verdict.detail).toMatchObject({ requested: 2, fulfilled: 1, shortfall: 1, unitNet: eur(90) });
    expect(verdict.suggestions.map((s) => [s.action, s.quantity])).toEqual([
      ['backorder', 1],
      ['refund', 1],
      ['substitute', 1],
    ]);
    expect(verdict.suggestions[1]!.amount).toEqual(eur(90));
    expect(report.stock).toEqual([
      { sku: 'apple', available: 0, held: 0, backordered: 1, sold: 2, returned: 0 },
    ]);
  });

  it('a late restock stamped earlier turns an oversell back into a clean sale', async () => {
    const { reconciler } = setup();
    const s = sale('till-1', 20, 'apple', 1);
    await reconciler.apply([s]);
    const late = await reconciler.apply([restock(5, 'apple', 1)]);
    expect(late.retracted.map((v) => v.kind)).toEqual(['oversell']);
    expect((await reconciler.report()).review).toEqual([]);
  });

  it('holds reserve stock, expire back into it, and an expired hold is honoured from free stock', async () => {
    const { reconciler } = setup();
    const hold = intent('hold', 'web', 10, { sku: 'seat', quantity: 2, expiresAt: 15 });
    const onHold = sale('till-1', 12, 'seat', 1, 120, { holdId: hold.id });
    const late = sale('till-1', 20, 'seat', 1, 120, { holdId: hold.id });
    await reconciler.apply([restock(1, 'seat', 3), hold, onHold, late]);
    const report = await reconciler.report();
    expect(report.resolved.map((v) => [v.intentId, v.kind, v.rule])).toEqual([
      [late.id, 'expired_hold', 'fulfilled-from-free-stock'],
    ]);
    expect(report.stock[0]).toMatchObject({ available: 1, held: 0, sold: 2 });
  });

  it('an expired hold with no free stock goes to review', async () => {
    const { reconciler } = setup({ holdPolicy: { maxSkewMs: 0, graceMs: 0 } });
    const hold = intent('hold', 'web', 10, { sku: 'seat', quantity: 1, expiresAt: 15 });
    const other = sale('till-2', 16, 'seat', 1);
    const late = sale('till-1', 20, 'seat', 1, 120, { holdId: hold.id });
    await reconciler.apply([restock(1, 'seat', 1), hold, other, late]);
    const kinds = (await reconciler.report()).review.map((v) => v.kind).sort();
    expect(kinds).toEqual(['expired_hold', 'oversell']);
  });

  it('the hold grace covers a sale just after expiry; a release frees the stock', async () => {
    const { reconciler } = setup({ holdPolicy: { maxSkewMs: 5, graceMs: 5 } });
    const hold = intent('hold', 'web', 10, { sku: 'seat', quantity: 2, expiresAt: 15 });
    const release = intent('hold_release', 'web', 30, { sku: 'seat', holdId: hold.id });
    await reconciler.apply([
      restock(1, 'seat', 2),
      hold,
      sale('till-1', 20, 'seat', 1, 120, { holdId: hold.id }),
      release,
    ]);
    const report = await reconciler.report();
    expect(report.resolved).toEqual([]);
    expect(report.stock[0]).toMatchObject({ available: 1, held: 0, sold: 1 });
  });
});

describe('price changes', () => {
  it('an undercharge is honoured by rule; an overcharge goes to review with a refund of the difference', async () => {
    const { reconciler } = setup();
    const update = intent('price_update', 'hq', 10, { sku: 'tea', unitPrice: eur(150), discountBps: 0 });
    const cheap = sale('till-1', 20, 'tea', 2, 120);
    const dear = sale('till-2', 21, 'tea', 2, 200);
    const before = sale('till-3', 5, 'tea', 1, 120);
    await reconciler.apply([restock(1, 'tea', 10), update, cheap, dear, before]);
    const report = await reconciler.report();
    expect(report.resolved.map((v) => [v.intentId, v.rule])).toEqual([[cheap.id, 'honour-offline-price']]);
    expect(report.review.map((v) => v.intentId)).toEqual([dear.id]);
    expect(report.review[0]!.suggestions[0]).toMatchObject({ action: 'refund', amount: eur(100) });
    expect(report.stock[0]!.listPrice).toEqual({ unitPrice: eur(150), discountBps: 0 });
  });

  it('a discount that changed counts too, and policies can be replaced', async () => {
    const { reconciler } = setup({ policies: { price_changed: () => resolved('house-rule') } });
    await reconciler.apply([
      restock(1, 'tea', 10),
      intent('price_update', 'hq', 10, { sku: 'tea', unitPrice: eur(150), discountBps: 1000 }),
      sale('till-1', 20, 'tea', 1, 150),
    ]);
    expect((await reconciler.report()).resolved.map((v) => v.rule)).toEqual(['house-rule']);
  });
});

describe('refunds', () => {
  it('flags refunds without a sale, then retracts when the sale arrives; flags over-refunds', async () => {
    const { reconciler } = setup();
    const s = sale('till-1', 20, 'tea', 2, 150);
    const refund = intent('refund', 'till-1', 25, {
      sku: 'tea',
      saleId: s.id,
      amount: eur(200),
      quantity: 1,
    });
    const more = intent('refund', 'till-2', 26, { sku: 'tea', saleId: s.id, amount: eur(150), quantity: 1 });
    const first = await reconciler.apply([restock(1, 'tea', 5), refund]);
    expect(first.added.map((v) => v.kind)).toEqual(['refund_unmatched']);
    const second = await reconciler.apply([s, more]);
    expect(second.retracted.map((v) => v.kind)).toEqual(['refund_unmatched']);
    const report = await reconciler.report();
    expect(report.review.map((v) => [v.intentId, v.kind])).toEqual([[more.id, 'over_refund']]);
    expect(report.review[0]!.suggestions[0]).toMatchObject({ action: 'charge_back', amount: eur(50) });
    expect(report.stock[0]).toMatchObject({ available: 5, sold: 2, returned: 2 });
  });
});

describe('bad input', () => {
  it('is rejected with a reason, never aborts the batch, never changes the ledger', async () => {
    const { ledger, reconciler } = setup();
    const good = restock(1, 'tea', 1);
    const reusedId = { ...restock(2, 'tea', 5), id: good.id };
    const batch: unknown[] = [
      null,
      { ...good, id: 'not-a-uuid' },
      { ...good, type: 'teleport' },
      { ...good, payload: { sku: 'tea' } },
      { ...good, payload: { sku: 'tea', quantity: 1, colour: 'red' } },
      intent('restock', 'hq', 10_000_000, { sku: 'tea', quantity: 1 }),
      good,
      reusedId,
    ];
    const before = canonicalJson(await snapshotLedger(ledger));
    const result = await reconciler.apply(batch);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'malformed'],
      [1, 'malformed'],
      [2, 'unknown_type'],
      [3, 'invalid_payload'],
      [4, 'invalid_payload'],
      [5, 'clock_ahead'],
      [7, 'id_reused'],
    ]);
    expect(result.rejected[1]!.reason).toMatch(/^id: /);
    expect(result.rejected[3]!.reason).toMatch(/^payload\.quantity: /);
    expect(result.rejected[4]!.reason).toMatch(/colour/);
    expect(result.rejected[2]).toMatchObject({ id: good.id, type: 'teleport', device: 'hq' });

    const onlyBad = createReconciler({ ledger, clock });
    const again = await onlyBad.apply(batch.filter((_, i) => i !== 6));
    expect(again.accepted).toBe(0);
    expect(again.rejected.at(-1)!.code).toBe('id_reused');
    expect(canonicalJson(await snapshotLedger(ledger))).not.toBe(before);
    const after = canonicalJson(await snapshotLedger(ledger));
    await onlyBad.apply(batch.filter((_, i) => i !== 6));
    expect(canonicalJson(await snapshotLedger(ledger))).toBe(after);
  });

  it('a replay with its keys in another order is a duplicate; other content under the id is not', async () => {
    const { reconciler } = setup();
    const s = sale('till-1', 5, 'tea', 2, 120, { discountBps: 0 });
    const p = s.payload as Record<string, unknown>;
    const reordered = {
      payload: { unitPrice: p.unitPrice, discountBps: 0, quantity: 2, sku: 'tea' },
      createdAt: s.createdAt,
      hlc: s.hlc,
      device: s.device,
      type: s.type,
      id: s.id,
    };
    const implicitDiscount = { ...s, payload: { sku: 'tea', quantity: 2, unitPrice: p.unitPrice } };
    const changed = { ...s, payload: { ...p, quantity: 3 } };
    const otherDevice = { ...s, device: 'till-2' };
    const result = await reconciler.apply([s, reordered, implicitDiscount, changed, otherDevice]);
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [3, 'id_reused'],
      [4, 'id_reused'],
    ]);
  });

  it('a redemption without a verifier is rejected, not stored', async () => {
    const ledger = createMemoryLedger();
    const reconciler = createReconciler({ ledger, clock });
    const result = await reconciler.apply([redeemed('till-1', 1, 'T1.x.y')]);
    expect(result.rejected.map((r) => r.code)).toEqual(['no_verifier']);
    expect((await ledger.counts()).intents).toBe(0);
  });

  it('refuses wrong options and batches with TypeError or RangeError', async () => {
    expect(() => createReconciler({} as ReconcilerOptions)).toThrow(TypeError);
    expect(() => createReconciler({ ledger: createMemoryLedger(), verifier: {} as never })).toThrow(
      TypeError,
    );
    expect(() =>
      createReconciler({ ledger: createMemoryLedger(), holdPolicy: { maxSkewMs: -1, graceMs: 0 } }),
    ).toThrow(RangeError);
    expect(() =>
      createReconciler({ ledger: createMemoryLedger(), policies: { oversell: 1 as never } }),
    ).toThrow(TypeError);
    await expect(setup().reconciler.apply('nope' as never)).rejects.toThrow(TypeError);
  });
});

describe('exactly once and streaming', () => {
  it('suppresses replays and streams rejections, verdicts, progress and done', async () => {
    const { reconciler } = setup();
    const a = restock(1, 'tea', 1);
    const b = sale('till-1', 5, 'tea', 2);
    const events: ReconcileEvent[] = [];
    for await (const e of reconciler.run([
      [a, a],
      [b, { bad: true }],
      [a, b],
    ]))
      events.push(e);
    expect(events.map((e) => e.type)).toEqual([
      'progress',
      'rejected',
      'verdict',
      'progress',
      'progress',
      'done',
    ]);
    const done = events.at(-1)!;
    expect(done.type === 'done' && done.totals).toEqual({
      batches: 3,
      received: 6,
      accepted: 2,
      duplicates: 3,
      rejected: 1,
      verdictsAdded: 1,
      verdictsRetracted: 0,
    });
    const report = await reconciler.report();
    expect(report).toMatchObject({ intents: 2, clean: 1, byType: { restock: 1, sale: 1 } });
    expect(report.byKind).toEqual({ oversell: { resolved: 0, review: 1 } });
  });

  it('a failing verifier fails the batch as ERR_RECONCILE and leaves the ledger untouched', async () => {
    const ledger = createMemoryLedger();
    const broken = { verifyBatch: () => Promise.reject(new Error('HSM offline')) };
    const reconciler = createReconciler({ ledger, clock, verifier: broken });
    const batch = [restock(1, 'tea', 1), redeemed('till-1', 2, 'T1.a.b')];
    await expect(reconciler.apply(batch)).rejects.toMatchObject({ code: 'ERR_RECONCILE' });
    expect((await ledger.counts()).intents).toBe(0);
  });
});
