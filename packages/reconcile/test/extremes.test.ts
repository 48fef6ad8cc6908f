/**
 * No schema-valid intent can abort a batch: arbitrary intents with extreme
 * money and counts, long runs on one SKU and policies that throw, delivered in
 * any order, batching and session, never make `apply` throw, and the ledger
 * and report stay a function of the set of intents.
 */
import { createMemoryLedger } from '@tallystick/reconcile';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brittlePolicies, deliverWith, extremeDay } from './support/extremes.js';
import { deliveries } from './support/scenario.js';

describe('extreme intents', () => {
  it('law: any delivery of schema-valid extreme intents never throws and gives the reference ledger', async () => {
    await fc.assert(
      fc.asyncProperty(
        extremeDay.chain((items) => fc.tuple(fc.constant(items), deliveries(items))),
        fc.boolean(),
        async ([items, delivery], brittle) => {
          const policies = brittle ? brittlePolicies : {};
          const expected = await deliverWith(
            createMemoryLedger(),
            { batches: [items], sessions: [0] },
            policies,
          );
          const got = await deliverWith(createMemoryLedger(), delivery, policies);
          expect(got.ledger).toBe(expected.ledger);
          expect(got.report).toBe(expected.report);
          expect(got.accepted).toBe(expected.accepted);
          expect(got.rejected).toEqual(expected.rejected);
          // Refused at the door only for their own money; everything else was applied.
          for (const r of expected.rejected) expect(r).toMatch(/ (amount_overflow|clock_ahead)$/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the generator reaches overflow at the door, parked intents and the unsafe-list-total branch', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(extremeDay, async (items) => {
        const got = await deliverWith(
          createMemoryLedger(),
          { batches: [items], sessions: [0] },
          brittlePolicies,
        );
        if (got.rejected.some((r) => r.endsWith('amount_overflow'))) seen.add('amount_overflow');
        const report = JSON.parse(got.report);
        for (const v of [...report.review, ...report.resolved]) {
          if (v.kind === 'unprocessable') seen.add(`unprocessable:${v.detail.code}`);
          if (v.kind === 'price_changed' && v.detail.listed.total === undefined)
            seen.add('list_total_unsafe');
          if (v.kind === 'over_refund') seen.add('over_refund');
        }
      }),
      { numRuns: 150, seed: 11 },
    );
    expect([...seen].sort()).toEqual([
      'amount_overflow',
      'list_total_unsafe',
      'over_refund',
      'unprocessable:policy_failed',
    ]);
  });
});
