import { createManualClock } from '@tallystick/core';
import { createMemoryLedger, createReconciler, type ReconcilerOptions } from '@tallystick/reconcile';
import { type HoldPolicy, holdDeadlines } from '@tallystick/reserve';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eur, intent } from './support/intents.js';

// The server side of reserve's hold rule: a hold's stock goes back to the SKU
// at expiresAt + δ + grace (holdDeadlines' serverReclaimsAt), not before.

const clock = createManualClock(10_000_000);
const setup = (extra: Partial<ReconcilerOptions> = {}) =>
  createReconciler({ ledger: createMemoryLedger(), clock, ...extra });

/** Restock 1, hold it until `expiresAt`, sell against the hold at `at`: which verdicts, what stock. */
async function saleOnHoldAt(holdPolicy: HoldPolicy | undefined, expiresAt: number, at: number) {
  const reconciler = setup(holdPolicy ? { holdPolicy } : {});
  const hold = intent('hold', 'web', 1, { sku: 'seat', quantity: 1, expiresAt });
  const other = intent('sale', 'till-2', at, { sku: 'seat', quantity: 1, unitPrice: eur(120) });
  await reconciler.apply([intent('restock', 'hq', 0, { sku: 'seat', quantity: 1 }), hold, other]);
  const onHold = intent(
    'sale',
    'till-1',
    at,
    { sku: 'seat', quantity: 1, unitPrice: eur(120), holdId: hold.id },
    { counter: 1 },
  );
  const result = await reconciler.apply([onHold]);
  expect(result.accepted).toBe(1);
  const report = await reconciler.report();
  return [...report.review, ...report.resolved].map((v) => v.kind).sort();
}

describe('hold expiry follows reserve.holdDeadlines', () => {
  it('a hold covers a sale until serverReclaimsAt = expiresAt + δ + grace, and not at it', async () => {
    const policy = { maxSkewMs: 5, graceMs: 10 };
    expect(holdDeadlines({ id: 'h', expiresAt: 15 }, policy).serverReclaimsAt).toBe(30);
    // At 29 the hold still holds the one seat: the sale takes it, another sale finds nothing free.
    expect(await saleOnHoldAt(policy, 15, 29)).toEqual(['oversell']);
    // At 30 the server has reclaimed it: the other sale takes the seat, the hold's sale is
    // expired and short.
    expect(await saleOnHoldAt(policy, 15, 30)).toEqual(['expired_hold', 'oversell']);
  });

  it('without a policy, a hold lapses at expiresAt itself (δ = grace = 0)', async () => {
    expect(await saleOnHoldAt(undefined, 15, 14)).toEqual(['oversell']);
    expect(await saleOnHoldAt(undefined, 15, 15)).toEqual(['expired_hold', 'oversell']);
  });

  it('law: for any expiry, δ and grace, the fold reclaims exactly at holdDeadlines().serverReclaimsAt', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        async (expiresAt, maxSkewMs, graceMs) => {
          const policy = { maxSkewMs, graceMs };
          const { serverReclaimsAt } = holdDeadlines({ id: 'h', expiresAt }, policy);
          expect(await saleOnHoldAt(policy, expiresAt, serverReclaimsAt - 1)).toEqual(['oversell']);
          expect(await saleOnHoldAt(policy, expiresAt, serverReclaimsAt)).toEqual([
            'expired_hold',
            'oversell',
          ]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a bad policy, and the removed holdGraceMs with a note on how to migrate', () => {
    const ledger = createMemoryLedger();
    expect(() => createReconciler({ ledger, holdGraceMs: 30_000 } as never)).toThrow(
      /holdGraceMs was replaced by holdPolicy: \{ maxSkewMs, graceMs \}/,
    );
    expect(() => createReconciler({ ledger, holdPolicy: { maxSkewMs: -1, graceMs: 0 } })).toThrow(RangeError);
    expect(() => createReconciler({ ledger, holdPolicy: { maxSkewMs: 0, graceMs: 0.5 } })).toThrow(
      RangeError,
    );
    expect(() => createReconciler({ ledger, holdPolicy: { maxSkewMs: 0 } as never })).toThrow(TypeError);
    expect(() => createReconciler({ ledger, holdPolicy: 30_000 as never })).toThrow(TypeError);
    // So large that a hold's reclaim time could pass 2^53 − 1: refused up front, not mid-fold.
    const huge = { maxSkewMs: Number.MAX_SAFE_INTEGER - 1, graceMs: 0 };
    expect(() => createReconciler({ ledger, holdPolicy: huge })).toThrow(RangeError);
  });
});
