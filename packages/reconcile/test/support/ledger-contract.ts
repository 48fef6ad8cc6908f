/**
 * The one suite every Ledger adapter must pass: storage semantics first, then
 * the engine on top, compared with the memory adapter as the reference.
 */
import { encodeHlc } from '@tallystick/core';
import type { Ledger, StoredIntent, Verdict } from '@tallystick/reconcile';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { deliver, reference } from './deliver.js';
import { idOf } from './intents.js';
import { deliveries, shopDay } from './scenario.js';

const stored = (n: number, group: string, group2: string | null = null): StoredIntent => ({
  id: idOf(n),
  type: group2 ? 'refund' : 'sale',
  device: 'till-1',
  hlc: encodeHlc({ wall: n, counter: 0, node: 'till-1' }),
  group,
  group2,
  fingerprint: `fp-${n}`,
  payload: { n, nested: { list: [1, 'two', null, true] } },
  facts: n % 2 === 0 ? null : { ok: true, token: { id: `t${n}`, keyId: 'k' } },
});

const verdict = (n: number, group: string, kind: Verdict['kind'] = 'oversell'): Verdict => ({
  intentId: idOf(n),
  group,
  kind,
  status: 'review',
  rule: 'review',
  reason: `reason ${n}`,
  suggestions: [{ action: 'backorder', note: 'later', quantity: 1 }],
  detail: { n },
});

export function ledgerContract(name: string, open: () => Promise<Ledger | undefined>, runs = 20): void {
  describe(`Ledger contract: ${name}`, () => {
    const opened: Ledger[] = [];
    const fresh = async () => {
      const ledger = await open();
      if (ledger) opened.push(ledger);
      return ledger;
    };
    afterAll(async () => {
      for (const l of opened) await l.close();
    });

    it('stores each id once, keeps the first content, and reads its own writes', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const first = await ledger.transaction(async (tx) => {
        const ids = await tx.insertIntents([
          stored(1, 'sku:a'),
          stored(2, 'sku:a'),
          stored(3, 'sku:b', 'sale:x'),
        ]);
        expect([...(await tx.fingerprints([idOf(1), idOf(9)]))]).toEqual([[idOf(1), 'fp-1']]);
        expect((await tx.loadIntents([idOf(3)]))[0]).toEqual(stored(3, 'sku:b', 'sale:x'));
        return ids;
      });
      expect([...first].sort()).toEqual([idOf(1), idOf(2), idOf(3)]);
      const second = await ledger.transaction((tx) =>
        tx.insertIntents([{ ...stored(1, 'sku:z'), fingerprint: 'other' }, stored(4, 'sku:a')]),
      );
      expect([...second]).toEqual([idOf(4)]);
      expect(await ledger.fingerprints([idOf(1), idOf(4), idOf(5)])).toEqual(
        new Map([
          [idOf(1), 'fp-1'],
          [idOf(4), 'fp-4'],
        ]),
      );
      expect(await ledger.counts()).toEqual({ intents: 4, byType: { refund: 1, sale: 3 } });
    });

    it('loads members by group or second group, each once', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      await ledger.transaction((tx) =>
        tx.insertIntents([stored(1, 'sku:a'), stored(2, 'sku:b', 'sale:s'), stored(3, 'sku:a', 'sale:s')]),
      );
      await ledger.transaction(async (tx) => {
        const ids = (keys: string[]) => tx.loadMembers(keys).then((m) => m.map((i) => i.id).sort());
        expect(await ids(['sku:a'])).toEqual([idOf(1), idOf(3)]);
        expect(await ids(['sale:s'])).toEqual([idOf(2), idOf(3)]);
        expect(await ids(['sku:a', 'sale:s'])).toEqual([idOf(1), idOf(2), idOf(3)]);
        expect(await ids(['nothing'])).toEqual([]);
        expect(await tx.loadMembers([])).toEqual([]);
        await tx.lockGroups(['sku:a', 'sale:s']);
      });
    });

    it('keeps group states and verdicts, replaces and lists them sorted', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      await ledger.transaction(async (tx) => {
        await tx.saveStates([
          { key: 'sku:b', state: { available: 1 } },
          { key: 'sku:a', state: { available: 2, holds: {} } },
        ]);
        await tx.addVerdicts([
          verdict(2, 'sku:a'),
          verdict(1, 'sku:b'),
          verdict(1, 'sku:a', 'price_changed'),
        ]);
      });
      await ledger.transaction(async (tx) => {
        expect(await tx.loadStates(['sku:a', 'sku:c'])).toEqual(
          new Map([['sku:a', { available: 2, holds: {} }]]),
        );
        await tx.saveStates([{ key: 'sku:a', state: { available: 3 } }]);
        const removed = await tx.clearVerdicts(['sku:a']);
        expect(removed.map((v) => v.intentId).sort()).toEqual([idOf(1), idOf(2)]);
        await tx.addVerdicts([verdict(3, 'sku:a')]);
      });
      const states = [];
      for await (const s of ledger.states()) states.push(s);
      expect(states).toEqual([
        { key: 'sku:a', state: { available: 3 } },
        { key: 'sku:b', state: { available: 1 } },
      ]);
      const verdicts = [];
      for await (const v of ledger.verdicts()) verdicts.push(v);
      expect(verdicts).toEqual([verdict(1, 'sku:b'), verdict(3, 'sku:a')]);
    });

    it('keeps checkpoints, and reads members and clears verdicts after a position', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const at = (n: number) => `${stored(n, '').hlc} ${idOf(n)}`;
      const onIntent = (n: number, group: string) => ({
        ...verdict(n, group),
        detail: { hlc: stored(n, '').hlc },
      });
      await ledger.transaction(async (tx) => {
        await tx.insertIntents(
          [1, 2, 3, 4].map((n) => stored(n, 'sku:a')).concat(stored(5, 'sku:b', 'sku:a')),
        );
        await tx.addVerdicts([onIntent(1, 'sku:a'), onIntent(3, 'sku:a'), onIntent(4, 'sku:b')]);
        await tx.saveCheckpoints(
          [],
          [1, 3].map((n) => ({ key: 'sku:a', at: at(n), state: { n } })),
        );
        // Its own writes, inside the transaction.
        const ids = (await tx.loadMembersAfter([{ key: 'sku:a', at: at(2) }])).map((m) => m.id).sort();
        expect(ids).toEqual([idOf(3), idOf(4)]);
      });
      await ledger.transaction(async (tx) => {
        const before = (n: number) => tx.loadCheckpoints([{ key: 'sku:a', at: at(n) }]);
        expect(await before(1)).toEqual(new Map());
        expect(await before(3)).toEqual(new Map([['sku:a', { at: at(1), state: { n: 1 } }]]));
        expect(await before(4)).toEqual(new Map([['sku:a', { at: at(3), state: { n: 3 } }]]));
        expect((await tx.loadMembersAfter([{ key: 'sku:a', at: '' }])).length).toBe(4);
        const cleared = await tx.clearVerdictsAfter([{ key: 'sku:a', at: at(1) }]);
        expect(cleared.map((v) => v.intentId)).toEqual([idOf(3)]);
        await tx.saveCheckpoints(
          [{ key: 'sku:a', at: at(2) }],
          [{ key: 'sku:a', at: at(4), state: { n: 4 } }],
        );
        expect(await before(9)).toEqual(new Map([['sku:a', { at: at(4), state: { n: 4 } }]]));
        expect(await before(4)).toEqual(new Map([['sku:a', { at: at(1), state: { n: 1 } }]]));
      });
      const verdicts = [];
      for await (const v of ledger.verdicts()) verdicts.push(v.intentId);
      expect(verdicts).toEqual([idOf(1), idOf(4)]);
      for await (const s of ledger.states()) throw new Error(`checkpoints are not states: ${s.key}`);
    });

    it('a transaction that throws leaves nothing behind', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const before = await ledger.counts();
      await expect(
        ledger.transaction(async (tx) => {
          await tx.insertIntents([stored(7, 'sku:a')]);
          await tx.saveStates([{ key: 'sku:a', state: { available: 9 } }]);
          await tx.addVerdicts([verdict(7, 'sku:a')]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await ledger.counts()).toEqual(before);
      for await (const _ of ledger.states()) throw new Error('no state expected');
      for await (const _ of ledger.verdicts()) throw new Error('no verdict expected');
      // And the ledger still works afterwards.
      expect([...(await ledger.transaction((tx) => tx.insertIntents([stored(7, 'sku:a')])))]).toEqual([
        idOf(7),
      ]);
    });

    it('pages through more verdicts and states than one page', async () => {
      const ledger = await fresh();
      if (!ledger) return;
      const many = Array.from({ length: 2345 }, (_, i) => verdict(i + 1, `sku:${i % 7}`));
      await ledger.transaction(async (tx) => {
        await tx.addVerdicts(many);
        await tx.saveStates(
          many.slice(0, 1500).map((_v, i) => ({ key: `k:${String(i).padStart(5, '0')}`, state: i })),
        );
      });
      let count = 0;
      let last = '';
      for await (const v of ledger.verdicts()) {
        const key = `${v.intentId} ${v.kind} ${v.group}`;
        expect(key > last).toBe(true);
        last = key;
        count++;
      }
      expect(count).toBe(2345);
      let states = 0;
      for await (const _ of ledger.states()) states++;
      expect(states).toBe(1500);
    });

    it('law: the engine on this adapter gives the memory reference ledger and report for any delivery', async () => {
      const probe = await fresh();
      if (!probe) return;
      await fc.assert(
        fc.asyncProperty(
          shopDay.chain((items) => fc.tuple(fc.constant(items), deliveries(items))),
          async ([items, delivery]) => {
            const ledger = (await fresh())!;
            const expected = await reference(items);
            const got = await deliver(ledger, delivery);
            expect(got.ledger).toBe(expected.ledger);
            expect(got.report).toBe(expected.report);
            expect(got.accepted).toBe(expected.accepted);
          },
        ),
        { numRuns: runs },
      );
    });
  });
}
