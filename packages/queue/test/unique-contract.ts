/**
 * Caller-chosen ids, part of the store contract (called from contract.ts) for
 * every adapter: `appendIfAbsent` stores an id once while the store holds it,
 * in any status, across concurrent calls, handles and reopens; and the queue's
 * `enqueue(input, { id })` built on it refuses a different intent under a held id.
 */
import { isTallystickError } from '@tallystick/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntentQueue } from '../src/queue.js';
import type { QueueStore } from '../src/store.js';
import type { StoreHarness } from './contract.js';
import { envelope, ids, listAll } from './helpers.js';

const T0 = 1_700_000_000_000;
const LEASE = 60_000;

export function describeAppendIfAbsent(h: StoreHarness): void {
  describe('caller-chosen ids (appendIfAbsent)', () => {
    const open: QueueStore[] = [];
    const openStore = async () => {
      const store = await h.open();
      open.push(store);
      return store;
    };
    const claim = (store: QueueStore, now: number) =>
      store.claim({ limit: 100, now, leaseMs: LEASE, owner: 'test' });

    beforeEach(async () => {
      await h.fresh();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
      await h.cleanup?.();
    });

    it('stores an id once while it is pending, inflight or dead, and again once acked', async () => {
      const store = await openStore();
      const first = envelope({ v: 1 }, 'tok');
      const retry = { ...first, hlc: envelope().hlc, createdAt: 2_000 };
      const other = envelope();
      await store.append([other], T0);
      expect(await store.appendIfAbsent(first, T0)).toBeUndefined();
      expect(await store.appendIfAbsent(retry, T0)).toEqual(first);
      expect(ids(await listAll(store, T0))).toEqual([other.id, first.id]);

      const batch = await claim(store, T0);
      const mine = batch.find((q) => q.intent.id === first.id)!;
      expect(await store.appendIfAbsent(retry, T0 + 1)).toEqual(first);
      await store.settle([
        { kind: 'dead', seq: mine.seq, id: first.id, reason: 'permanent', at: T0 + 2 },
        { kind: 'ack', seq: batch[0]!.seq, id: other.id },
      ]);
      expect(await store.appendIfAbsent(retry, T0 + 3)).toEqual(first);
      expect(await store.count(T0 + 3)).toEqual({ pending: 0, inflight: 0, dead: 1 });
      // An acked id has left: the same id with another envelope is stored (the receiver dedupes it).
      expect(await store.appendIfAbsent(other, T0 + 4)).toBeUndefined();
      await store.requeue([{ seq: mine.seq, id: first.id }], T0 + 5);
      expect(await store.appendIfAbsent(retry, T0 + 6)).toEqual(first);
      expect(await store.count(T0 + 6)).toEqual({ pending: 2, inflight: 0, dead: 0 });
      const requeued = await claim(store, T0 + 7);
      await store.settle(requeued.map((q) => ({ kind: 'ack' as const, seq: q.seq, id: q.intent.id })));
      expect(await store.appendIfAbsent(retry, T0 + 8)).toBeUndefined();
      expect((await listAll(store, T0 + 8)).map((q) => q.intent)).toEqual([retry]);
    });

    it('lets exactly one of concurrent calls with one id store it, in call order with plain appends', async () => {
      const store = await openStore();
      // The file store reads its log on the first call after open; call order holds from then on.
      await store.appendIfAbsent(envelope(), T0);
      const one = envelope({}, 'p');
      const copies = Array.from({ length: 8 }, () => ({ ...one }));
      const before = envelope({}, 'p');
      const after = envelope({}, 'p');
      const results = await Promise.all([
        store.append([before], T0),
        ...copies.map((c) => store.appendIfAbsent(c, T0)),
        store.append([after], T0),
      ]);
      const held = results.slice(1, -1);
      expect(held.filter((r) => r === undefined)).toHaveLength(1);
      for (const r of held) if (r !== undefined) expect(r).toEqual(one);
      expect(ids(await listAll(store, T0)).slice(1)).toEqual([before.id, one.id, after.id]);
    });

    describe.skipIf(!h.capabilities.persistent)('persistence', () => {
      it('still holds an id after a reopen', async () => {
        const store = await openStore();
        const one = envelope({ keep: true });
        await store.appendIfAbsent(one, T0);
        await store.close();
        const again = await openStore();
        expect(await again.appendIfAbsent({ ...one, createdAt: 5 }, T0 + 1)).toEqual(one);
        expect(await again.count(T0 + 1)).toEqual({ pending: 1, inflight: 0, dead: 0 });
      });

      it('decides concurrent calls right after a reopen, while the store may still be reading its ids', async () => {
        const store = await openStore();
        const held = Array.from({ length: 30 }, (_, i) => envelope({ i }));
        await store.append(held, T0);
        await store.close();
        const again = await openStore();
        const fresh = envelope();
        const calls = [...held, fresh, ...held.map((e) => ({ ...e })), { ...fresh }];
        // The first call starts the file store's pass over its log; the rest arrive while it reads.
        const first = again.appendIfAbsent(calls[0]!, T0 + 1);
        await new Promise((resolve) => setImmediate(resolve));
        const results = await Promise.all([
          first,
          ...calls.slice(1).map((e) => again.appendIfAbsent(e, T0 + 1)),
        ]);
        expect(results.filter((r) => r === undefined)).toHaveLength(1);
        expect(ids(await listAll(again, T0 + 1))).toEqual([...held.map((e) => e.id), fresh.id]);
      });
    });

    describe.skipIf(!h.capabilities.sharedAccess)('shared access', () => {
      it('stores an id once when two handles race', async () => {
        const a = await openStore();
        const b = await openStore();
        const one = envelope();
        const [ra, rb] = await Promise.all([a.appendIfAbsent(one, T0), b.appendIfAbsent({ ...one }, T0)]);
        expect([ra, rb].filter((r) => r === undefined)).toHaveLength(1);
        expect(await a.count(T0)).toEqual({ pending: 1, inflight: 0, dead: 0 });
      });
    });

    it('enqueue(input, { id }) resolves with the held envelope for the same intent and refuses another', async () => {
      const store = await openStore();
      const queue = createIntentQueue({
        store,
        device: 'till-1',
        send: async () => [],
        autoDeliver: false,
      });
      const id = envelope().id;
      const input = { type: 'token.redeemed', payload: { tokenId: 'a', amount: 5 }, partitionKey: 'a' };
      const first = await queue.enqueue(input, { id });
      expect(first.id).toBe(id);
      const again = await queue.enqueue({ ...input, payload: { amount: 5, tokenId: 'a' } }, { id });
      expect(again).toEqual(first);
      expect(await queue.size()).toBe(1);
      for (const changed of [
        { ...input, payload: { tokenId: 'a', amount: 6 } },
        { ...input, type: 'token.other' },
        { type: input.type, payload: input.payload },
      ]) {
        const error = await queue.enqueue(changed, { id }).catch((e: unknown) => e);
        expect(isTallystickError(error, 'ERR_IDEMPOTENCY')).toBe(true);
      }
      for (const bad of ['nope', id.toUpperCase(), '00000000-0000-4000-8000-000000000000']) {
        const error = await queue.enqueue(input, { id: bad }).catch((e: unknown) => e);
        expect(isTallystickError(error, 'ERR_SCHEMA')).toBe(true);
      }
      await expect(queue.enqueue(input, { id: 7 as unknown as string })).rejects.toBeInstanceOf(TypeError);
      expect(await queue.size()).toBe(1);
      await queue.close();
    });
  });
}
