/**
 * No stored intent can poison its group, on every ledger: an intent whose fold
 * throws (a policy bug, a payload an older version stored) is parked with an
 * `unprocessable` verdict, the batch applies, and later and late intents of
 * the same SKU still apply; and text Postgres cannot store never reaches it.
 */
import { canonicalJson, createManualClock } from '@tallystick/core';
import { resolved } from '@tallystick/merge';
import {
  createMemoryLedger,
  createReconciler,
  type Ledger,
  type ReconcilerOptions,
  type StoredIntent,
  snapshotLedger,
} from '@tallystick/reconcile';
import { afterAll, describe, expect, it } from 'vitest';
import { eur, idOf, intent, type RawIntent, redeemed } from './intents.js';

const clock = createManualClock(1_000_000);
const restock = (wall: number, quantity: number) => intent('restock', 'hq', wall, { sku: 'tea', quantity });
const sale = (wall: number, quantity: number) =>
  intent('sale', 'till-1', wall, { sku: 'tea', quantity, unitPrice: eur(100) });
const brittle: ReconcilerOptions['policies'] = {
  oversell: (c) => {
    if (c.requested === 7) throw new Error('policy bug');
    return resolved('auto-backorder');
  },
};

export function poisonContract(name: string, open: () => Promise<Ledger | undefined>): void {
  describe(`poison isolation: ${name}`, () => {
    const opened: Ledger[] = [];
    const fresh = async () => {
      const ledger = await open();
      if (ledger) opened.push(ledger);
      return ledger;
    };
    afterAll(async () => {
      for (const l of opened) await l.close();
    });

    it('an intent a policy throws on is parked; its SKU goes on, in order and late, as on the memory ledger', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const poison = sale(2, 7);
      const batches: RawIntent[][] = [
        [restock(1, 1), poison, sale(3, 2)],
        [restock(4, 5), sale(5, 1)],
        [restock(0, 1)],
      ];
      const run = async (l: Ledger) => {
        const reconciler = createReconciler({ ledger: l, clock, policies: brittle!, checkpointEvery: 2 });
        for (const batch of batches) expect((await reconciler.apply(batch)).accepted).toBe(batch.length);
        return reconciler.report();
      };
      const report = await run(ledger);
      expect(report.review.map((v) => [v.intentId, v.kind, (v.detail as { code: string }).code])).toEqual([
        [poison.id, 'unprocessable', 'policy_failed'],
      ]);
      expect(report.stock).toEqual([
        { sku: 'tea', available: 4, held: 0, backordered: 0, sold: 3, returned: 0 },
      ]);
      const reference = createMemoryLedger();
      await run(reference);
      expect(canonicalJson(await snapshotLedger(ledger))).toBe(
        canonicalJson(await snapshotLedger(reference)),
      );
    });

    it('stored payloads this version cannot read are parked on refold, and the SKU goes on', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const legacy = (
        n: number,
        type: StoredIntent['type'],
        wall: number,
        payload: object,
      ): StoredIntent => ({
        id: idOf(n),
        type,
        device: 'till-9',
        hlc: intent(type, 'till-9', wall, {}).hlc,
        group: 'sku:tea',
        group2: null,
        fingerprint: `legacy-${n}`,
        payload: payload as StoredIntent['payload'],
        facts: null,
      });
      const reconciler = createReconciler({ ledger, clock });
      expect((await reconciler.apply([restock(30, 3)])).accepted).toBe(1);
      await ledger.transaction((tx) =>
        tx.insertIntents([
          legacy(1, 'sale', 10, { sku: 'tea', quantity: 'lots', unitPrice: eur(1) }),
          legacy(2, 'price_update', 11, { sku: 'tea', unitPrice: 'free' }),
          legacy(3, 'hold', 12, { sku: 'tea', quantity: 1 }),
        ]),
      );
      // Stamped before them: the SKU refolds from its start and meets them.
      expect((await reconciler.apply([restock(1, 1)])).accepted).toBe(1);
      expect((await reconciler.apply([sale(40, 1)])).accepted).toBe(1);
      const report = await reconciler.report();
      expect(report.review.map((v) => [v.intentId, v.kind, (v.detail as { code: string }).code])).toEqual([
        [idOf(1), 'unprocessable', 'fold_failed'],
        [idOf(2), 'unprocessable', 'fold_failed'],
        [idOf(3), 'unprocessable', 'fold_failed'],
      ]);
      expect(report.stock).toEqual([
        { sku: 'tea', available: 3, held: 0, backordered: 0, sold: 1, returned: 0 },
      ]);
    });

    it('text Postgres cannot store is refused at the door and the valid siblings apply', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const verifier = {
        verifyBatch: (checks: readonly unknown[]) =>
          checks.map(() => ({ ok: false as const, code: 'x', message: 'y' })),
      };
      const reconciler = createReconciler({ ledger, clock, verifier });
      const result = await reconciler.apply([
        redeemed('till-1', 1, 'T1.\u0000.x'),
        redeemed('till-1', 2, 'T1.\ud800.x'),
        redeemed('till-1', 3, 'T1.fine.x'),
        restock(1, 1),
      ]);
      expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
        [0, 'invalid_payload'],
        [1, 'invalid_payload'],
      ]);
      expect(result.accepted).toBe(2);
      expect((await ledger.counts()).intents).toBe(2);
    });
  });
}
