/**
 * Schema-valid intents at the edges: money and counts of 0, 1, 2^31, 2^32 and
 * 2^53 − 1, quantities up to the schema's 1,000,000, whole discounts, and long
 * runs on one SKU, so sums across intents (refunds of one sale, a list price
 * times another sale's quantity, a SKU's running counts) meet their limits.
 */
import { canonicalJson, createManualClock, encodeHlc } from '@tallystick/core';
import { resolved } from '@tallystick/merge';
import { createReconciler, type Ledger, type ReconcilePolicies, snapshotLedger } from '@tallystick/reconcile';
import fc from 'fast-check';
import { issue, newKey } from './ed25519-verifier.js';
import { idOf, type RawIntent, redemptionRecord } from './intents.js';
import { type Delivery, scenarioVerifier } from './scenario.js';

const MAX = Number.MAX_SAFE_INTEGER;
const key = newKey('k1');
const TOKENS = [
  issue(key, { id: 'x-1', amount: { amount: MAX, currency: 'EUR' } }),
  issue(key, { id: 'x-2' }),
];

const amount = fc.oneof(
  fc.constantFrom(
    0,
    1,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 2,
    MAX,
    Math.floor(MAX / 2),
    Math.floor(MAX / 3),
  ),
  fc.integer({ min: 0, max: 1_000 }),
  fc.integer({ min: 0, max: MAX }),
);
const quantity = fc.oneof(
  fc.constantFrom(1, 2, 3, 999_999, 1_000_000),
  fc.integer({ min: 1, max: 1_000_000 }),
);
const bps = fc.constantFrom(0, 1, 5_000, 9_999, 10_000);
const currency = fc.constantFrom('EUR', 'EUR', 'EUR', 'JPY');

const step = fc.record({
  type: fc.constantFrom(
    'sale',
    'sale',
    'sale',
    'restock',
    'restock',
    'hold',
    'hold_release',
    'refund',
    'refund',
    'price_update',
    'token.redeemed',
  ),
  wall: fc.integer({ min: 1, max: 60 }),
  device: fc.constantFrom('hq', 'till-1', 'till-2'),
  sku: fc.constantFrom('one', 'one', 'one', 'one', 'two'),
  amount,
  quantity,
  refundUnits: fc.oneof(fc.constant(0), quantity),
  bps,
  currency,
  pick: fc.nat({ max: 20 }),
  expiresAt: fc.oneof(fc.constantFrom(0, 2 ** 48 - 1), fc.integer({ min: 0, max: 80 })),
});

export const extremeDay: fc.Arbitrary<RawIntent[]> = fc
  .array(step, { minLength: 1, maxLength: 120 })
  .map((steps) => {
    const sales: string[] = [];
    const holds: string[] = [];
    return steps.map((s, i): RawIntent => {
      const id = idOf(i + 1);
      const money = { amount: s.amount, currency: s.currency };
      const ref = (list: string[]) =>
        list.length > 0 ? list[list.length - 1 - (s.pick % list.length)]! : idOf(900 + s.pick);
      let payload: unknown;
      switch (s.type) {
        case 'sale':
          payload = { sku: s.sku, quantity: s.quantity, unitPrice: money, discountBps: s.bps };
          if (s.pick % 3 === 0 && holds.length > 0) payload = { ...(payload as object), holdId: ref(holds) };
          sales.push(id);
          break;
        case 'restock':
          payload = { sku: s.sku, quantity: s.quantity };
          break;
        case 'hold':
          payload = { sku: s.sku, quantity: s.quantity, expiresAt: s.expiresAt };
          holds.push(id);
          break;
        case 'hold_release':
          payload = { sku: s.sku, holdId: ref(holds) };
          break;
        case 'refund':
          payload = {
            sku: s.sku,
            saleId: ref(sales),
            amount: { ...money, amount: Math.max(1, s.amount) },
            quantity: s.refundUnits,
          };
          break;
        case 'price_update':
          payload = { sku: s.sku, unitPrice: money, discountBps: s.bps };
          break;
        default:
          payload = redemptionRecord(TOKENS[s.pick % TOKENS.length]!, s.wall, s.device);
      }
      const hlc = encodeHlc({ wall: s.wall, counter: 0, node: s.device });
      return { id, type: s.type, device: s.device, hlc, createdAt: s.wall, payload };
    });
  });

/**
 * Policies that throw on some conflicts, as a buggy custom policy would: the
 * engine must park exactly those intents, the same way in every order.
 */
export const brittlePolicies: Partial<ReconcilePolicies> = {
  oversell: (c) => {
    if (c.requested % 5 === 3) throw new Error(`no rule for ${c.requested}`);
    return resolved('auto-backorder');
  },
  over_refund: (c) => {
    if (c.amount.amount % 7 === 2) return { value: Number.NaN } as never;
    return resolved('auto-charge-back');
  },
};

const clock = createManualClock(1_000_000);

/** Delivers through three sessions sharing one ledger, with the given policies. */
export async function deliverWith(
  ledger: Ledger,
  delivery: Delivery,
  policies: Partial<ReconcilePolicies>,
): Promise<{ ledger: string; report: string; accepted: number; rejected: string[] }> {
  const sessions = [2, 3, 1].map((checkpointEvery) =>
    createReconciler({
      ledger,
      verifier: scenarioVerifier,
      clock,
      holdPolicy: { maxSkewMs: 1, graceMs: 2 },
      checkpointEvery,
      policies,
    }),
  );
  let accepted = 0;
  const rejected = new Set<string>();
  for (const [i, batch] of delivery.batches.entries()) {
    const result = await sessions[delivery.sessions[i]!]!.apply(batch);
    accepted += result.accepted;
    for (const r of result.rejected) rejected.add(`${r.id} ${r.code}`);
  }
  return {
    ledger: canonicalJson(await snapshotLedger(ledger)),
    report: canonicalJson(await sessions[0]!.report()),
    accepted,
    rejected: [...rejected].sort(),
  };
}
