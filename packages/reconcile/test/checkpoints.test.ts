/**
 * Late arrivals refold from the last checkpoint before them: what they cost is
 * bounded by what follows them, not by the SKU's history. (That the result is
 * unchanged is the determinism law's job: its sessions keep checkpoints at
 * different intervals on one ledger.)
 */
import { createManualClock } from '@tallystick/core';
import {
  createMemoryLedger,
  createReconciler,
  type Ledger,
  type LedgerTransaction,
  snapshotLedger,
} from '@tallystick/reconcile';
import { describe, expect, it } from 'vitest';
import { eur, idOf, intent } from './support/intents.js';

const clock = createManualClock(10_000_000);

/** A memory ledger that counts the members each late refold reads. */
function counting(): { ledger: Ledger; read: number[] } {
  const inner = createMemoryLedger();
  const read: number[] = [];
  const ledger: Ledger = {
    ...inner,
    transaction: (work) =>
      inner.transaction((tx) =>
        work({
          ...tx,
          loadMembersAfter: async (after) => {
            const members = await tx.loadMembersAfter(after);
            read.push(members.length);
            return members;
          },
        } satisfies LedgerTransaction),
      ),
  };
  return { ledger, read };
}

const history = (count: number) =>
  Array.from({ length: count }, (_, n) =>
    n % 10 === 0
      ? intent('restock', 'hq', 1000 + n * 10, { sku: 'pie', quantity: 10 }, { id: idOf(n + 1) })
      : intent(
          'sale',
          'till-1',
          1000 + n * 10,
          { sku: 'pie', quantity: 1, unitPrice: eur(300) },
          { id: idOf(n + 1) },
        ),
  );

describe('checkpoints', () => {
  it('a late intent reads only what follows the checkpoint before it', async () => {
    const { ledger, read } = counting();
    const reconciler = createReconciler({ ledger, clock, checkpointEvery: 16 });
    for (const batch of [history(500).slice(0, 250), history(500).slice(250)]) await reconciler.apply(batch);
    // Stamped between the 490th and 491st intents: 10 follow it, at most 15 more since a checkpoint.
    const late = intent('sale', 'till-2', 1000 + 489 * 10 + 5, {
      sku: 'pie',
      quantity: 1,
      unitPrice: eur(300),
    });
    await reconciler.apply([late]);
    expect(read).toHaveLength(1);
    expect(read[0]).toBeGreaterThanOrEqual(11);
    expect(read[0]).toBeLessThanOrEqual(11 + 15);
  });

  it('without a checkpoint before it, a late intent refolds the whole group, with the same result', async () => {
    const { ledger, read } = counting();
    const sparse = createReconciler({ ledger, clock, checkpointEvery: 1_000_000 });
    const dense = createMemoryLedger();
    const reference = createReconciler({ ledger: dense, clock, checkpointEvery: 1 });
    const late = intent('restock', 'hq', 1005, { sku: 'pie', quantity: 1 });
    for (const r of [sparse, reference]) {
      await r.apply(history(100));
      await r.apply([late]);
    }
    expect(read).toEqual([101]);
    expect(JSON.stringify(await snapshotLedger(ledger))).toBe(JSON.stringify(await snapshotLedger(dense)));
  });

  it('a late restock retracts the oversell it makes good, and only that verdict', async () => {
    const reconciler = createReconciler({ ledger: createMemoryLedger(), clock, checkpointEvery: 2 });
    const sales = Array.from({ length: 6 }, (_, n) =>
      intent('sale', 'till-1', 2000 + n * 10, { sku: 'tea', quantity: 1, unitPrice: eur(200) }),
    );
    const first = await reconciler.apply([
      intent('restock', 'hq', 1000, { sku: 'tea', quantity: 4 }),
      ...sales,
    ]);
    expect(first.added.map((v) => v.intentId)).toEqual([sales[4]!.id, sales[5]!.id]);
    const late = await reconciler.apply([intent('restock', 'hq', 2045, { sku: 'tea', quantity: 1 })]);
    expect(late.retracted.map((v) => v.intentId)).toEqual([sales[5]!.id]);
    expect(late.added).toEqual([]);
    expect((await reconciler.report()).review.map((v) => v.intentId)).toEqual([sales[4]!.id]);
  });

  it('refuses an interval that is not a positive integer', () => {
    const ledger = createMemoryLedger();
    expect(() => createReconciler({ ledger, checkpointEvery: 0 })).toThrow(RangeError);
    expect(() => createReconciler({ ledger, checkpointEvery: 1.5 })).toThrow(RangeError);
    expect(() => createReconciler({ ledger, checkpointEvery: '8' as unknown as number })).toThrow(TypeError);
  });
});
