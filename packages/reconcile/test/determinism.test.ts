import { createMemoryLedger } from '@tallystick/reconcile';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliver, reference } from './support/deliver.js';
import { deliveries, shopDay } from './support/scenario.js';

describe('determinism', () => {
  it('law: the same set of intents gives the same ledger and report in any order, batching, replays and sessions', async () => {
    await fc.assert(
      fc.asyncProperty(
        shopDay.chain((items) => fc.tuple(fc.constant(items), deliveries(items))),
        async ([items, delivery]) => {
          const expected = await reference(items);
          const got = await deliver(createMemoryLedger(), delivery);
          expect(got.ledger).toBe(expected.ledger);
          expect(got.report).toBe(expected.report);
          expect(got.accepted).toBe(expected.accepted);
          expect(got.rejected).toEqual(expected.rejected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('law: replaying the whole backlog again changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(shopDay, async (items) => {
        const ledger = createMemoryLedger();
        const first = await deliver(ledger, { batches: [items], sessions: [0] });
        const again = await deliver(ledger, { batches: [items, items], sessions: [1, 2] });
        expect(again.ledger).toBe(first.ledger);
        expect(again.report).toBe(first.report);
        expect(again.accepted).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('the generator reaches every conflict kind', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(shopDay, async (items) => {
        const { report } = await reference(items);
        for (const v of [...JSON.parse(report).review, ...JSON.parse(report).resolved]) kinds.add(v.kind);
      }),
      { numRuns: 200, seed: 7 },
    );
    expect([...kinds].sort()).toEqual([
      'double_spend',
      'expired_hold',
      'invalid_token',
      'over_refund',
      'oversell',
      'price_changed',
      'refund_unmatched',
      'revoked_key',
      'unknown_key',
    ]);
  });
});
