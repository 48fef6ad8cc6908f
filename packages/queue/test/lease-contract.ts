/**
 * Lease renewal, part of the store contract (called from contract.ts) for
 * every adapter whose capabilities say `renewsLeases`: a send longer than the
 * lease keeps its batch to itself while the queue renews, and a claim nobody
 * renews (its process crashed) becomes deliverable one lease after the last
 * renewal.
 */
import { createManualClock } from '@tallystick/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createManualOnlineSignal } from '../src/online.js';
import { createIntentQueue } from '../src/queue.js';
import { createManualScheduler } from '../src/scheduler.js';
import type { QueueStore } from '../src/store.js';
import type { StoreHarness } from './contract.js';
import { envelope } from './helpers.js';

const T0 = 1_700_000_000_000;
const LEASE = 60_000;

export function describeLeaseRenewal(h: StoreHarness): void {
  describe.skipIf(!h.capabilities.renewsLeases)('lease renewal', () => {
    const open: QueueStore[] = [];
    const openStore = async () => {
      const store = await h.open();
      open.push(store);
      return store;
    };
    const claim = (store: QueueStore, now: number, owner: string) =>
      store.claim({ limit: 10, now, leaseMs: LEASE, owner });
    const refs = (batch: { seq: number; intent: { id: string } }[]) =>
      batch.map((q) => ({ seq: q.seq, id: q.intent.id }));

    beforeEach(async () => {
      await h.fresh();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
      await h.cleanup?.();
    });

    it('declares the capability and implements renewLeases', async () => {
      const store = await openStore();
      expect(store.capabilities.renewsLeases).toBe(true);
      expect(typeof store.renewLeases).toBe('function');
    });

    it('renews only live intents still claimed by the same owner', async () => {
      const store = await openStore();
      await store.append([envelope(), envelope(), envelope()], T0);
      const mine = await claim(store, T0, 'a');
      expect(mine).toHaveLength(3);
      await store.settle([{ kind: 'ack', seq: mine[2]!.seq, id: mine[2]!.intent.id }]);
      expect(await store.renewLeases!(refs(mine), 'b', T0 + 2 * LEASE)).toBe(0);
      expect(await store.renewLeases!(refs(mine), 'a', T0 + 2 * LEASE)).toBe(2);
      // The renewed lease holds past the original one...
      expect(await claim(store, T0 + LEASE + 1, 'b')).toEqual([]);
      // ...and once it runs out unrenewed (a crash), another replayer may claim, and 'a' cannot renew any more.
      const taken = await claim(store, T0 + 2 * LEASE, 'b');
      expect(taken.map((q) => [q.seq, q.attempts])).toEqual([
        [mine[0]!.seq, 2],
        [mine[1]!.seq, 2],
      ]);
      expect(await store.renewLeases!(refs(mine), 'a', T0 + 3 * LEASE)).toBe(0);
    });

    it('keeps a send longer than the lease from being delivered twice, and frees the batch when the sender dies', async () => {
      const store = await openStore();
      const clock = createManualClock(T0);
      const scheduler = createManualScheduler(clock);
      let release: () => void = () => undefined;
      const slow = new Promise<void>((resolve) => {
        release = resolve;
      });
      const sent: string[] = [];
      const queue = createIntentQueue({
        store,
        device: 'till-1',
        clock,
        scheduler,
        online: createManualOnlineSignal(true),
        autoDeliver: false,
        leaseMs: LEASE,
        send: async (batch) => {
          for (const q of batch) sent.push(q.intent.id);
          await slow;
          return batch.map(() => ({ status: 'acked' }));
        },
      });
      const a = await queue.enqueue({ type: 'sale', payload: { n: 1 } });
      const b = await queue.enqueue({ type: 'sale', payload: { n: 2 }, partitionKey: 'order-1' });
      const flushing = queue.flush();
      await vi.waitFor(() => expect(sent).toHaveLength(2));
      // Three leases long, one heartbeat (lease/3) at a time; each beat re-arms after its renewal lands.
      for (let i = 0; i < 9; i++) {
        await scheduler.advance(LEASE / 3);
        await vi.waitFor(() => expect(scheduler.pending).toBe(1));
        expect(await claim(store, clock.now(), 'other-replayer')).toEqual([]);
      }
      release();
      const result = await flushing;
      expect(result).toMatchObject({ sent: 2, acked: 2 });
      expect(sent).toEqual([a.id, b.id]);
      expect(scheduler.pending).toBe(0);
      expect(await store.count(clock.now())).toEqual({ pending: 0, inflight: 0, dead: 0 });
      await queue.close();

      // A claim whose holder stopped renewing (crashed) is deliverable exactly one lease later.
      await store.append([envelope()], clock.now());
      const orphan = await claim(store, clock.now(), 'crashed');
      expect(orphan).toHaveLength(1);
      expect(await claim(store, clock.now() + LEASE - 1, 'next')).toEqual([]);
      expect((await claim(store, clock.now() + LEASE, 'next')).map((q) => q.seq)).toEqual([orphan[0]!.seq]);
    });
  });
}
