/**
 * The one contract every QueueStore adapter must pass. Each adapter's test
 * file calls `describeStoreContract` with a harness; capability flags turn
 * the persistence, shared-access and storage-full groups on or off.
 */
import { isTallystickError } from '@tallystick/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntentQueue } from '../src/queue.js';
import type { QueueStore, StoreCapabilities } from '../src/store.js';
import type { QueuedIntent } from '../src/types.js';
import { ackAll, envelope, ids, listAll } from './helpers.js';
import { describeLeaseRenewal } from './lease-contract.js';
import { describeAppendIfAbsent } from './unique-contract.js';

export interface StoreHarness {
  capabilities: StoreCapabilities;
  /** Opens the store at the current location; several opens share it. */
  open(): Promise<QueueStore>;
  /** Moves to a fresh, empty location for the next `open`. */
  fresh(): Promise<void>;
  /** Makes storage full at the adapter level (injected ENOSPC, tiny quota…), and frees it again. */
  fill?(store: QueueStore): Promise<void>;
  free?(store: QueueStore): Promise<void>;
  /**
   * Alters, behind the store's back, what it holds at rest for intent `id`:
   * `edit` gets the stored envelope text and returns the altered one.
   */
  tamper?(store: QueueStore, id: string, edit: (stored: string) => string): Promise<void>;
  /** How the store answers damage: it dead-letters the intent (`corrupt`), or refuses to go on. */
  corruption?: 'dead-letters' | 'refuses';
  cleanup?(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const LEASE = 60_000;

export function describeStoreContract(name: string, harness: StoreHarness | undefined): void {
  describe.skipIf(!harness)(`QueueStore contract: ${name}`, () => {
    const h = harness!;
    const open: QueueStore[] = [];
    const openStore = async () => {
      const store = await h.open();
      open.push(store);
      return store;
    };
    const claim = (store: QueueStore, now: number, limit = 100) =>
      store.claim({ limit, now, leaseMs: LEASE, owner: 'test' });

    beforeEach(async () => {
      await h.fresh();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close().catch(() => undefined);
      await h.cleanup?.();
    });

    it('stores envelopes in order and lists them back unchanged', async () => {
      const store = await openStore();
      const sent = [envelope({ a: 1 }), envelope({ b: [1, 'x', null] }, 'p'), envelope({ c: { d: true } })];
      await store.append(sent.slice(0, 2), T0);
      await store.append(sent.slice(2), T0 + 1);
      const all = await listAll(store, T0);
      expect(all.map((q) => q.intent)).toEqual(sent);
      expect(all.map((q) => q.status)).toEqual(['pending', 'pending', 'pending']);
      expect(all[0]!.seq).toBeLessThan(all[1]!.seq);
      expect(all[1]!.seq).toBeLessThan(all[2]!.seq);
      expect(all[2]!.enqueuedAt).toBe(T0 + 1);
      expect(await store.count(T0)).toEqual({ pending: 3, inflight: 0, dead: 0 });
    });

    it('keeps the order of concurrent appends and loses none', async () => {
      const store = await openStore();
      const batch = Array.from({ length: 200 }, (_, i) => envelope({ i }));
      await Promise.all(batch.map((e) => store.append([e], T0)));
      expect(ids(await listAll(store, T0))).toEqual(batch.map((e) => e.id));
    });

    it('claims with a lease and counts the attempt; a lease blocks re-claiming until it runs out', async () => {
      const store = await openStore();
      await store.append([envelope(), envelope(), envelope()], T0);
      const first = await claim(store, T0, 2);
      expect(first.map((q) => [q.attempts, q.status, q.leaseUntil])).toEqual([
        [1, 'inflight', T0 + LEASE],
        [1, 'inflight', T0 + LEASE],
      ]);
      expect(await store.count(T0)).toEqual({ pending: 1, inflight: 2, dead: 0 });
      const second = await claim(store, T0 + 1);
      expect(second).toHaveLength(1);
      expect(await claim(store, T0 + 2)).toEqual([]);
      const again = await claim(store, T0 + LEASE + 1, 2);
      expect(ids(again)).toEqual(ids(first));
      expect(again.map((q) => q.attempts)).toEqual([2, 2]);
    });

    it('settles: acked intents leave, rescheduled wait, dead ones stop blocking their partition', async () => {
      const store = await openStore();
      const [a1, a2, b1, c1] = [envelope({}, 'a'), envelope({}, 'a'), envelope({}, 'b'), envelope()];
      await store.append([a1!, a2!, b1!, c1!], T0);
      const batch = await claim(store, T0);
      expect(ids(batch)).toEqual([a1!.id, a2!.id, b1!.id, c1!.id]);
      const [qa1, qa2, qb1, qc1] = batch as [
        (typeof batch)[0],
        (typeof batch)[0],
        (typeof batch)[0],
        (typeof batch)[0],
      ];
      await store.settle([
        { kind: 'dead', seq: qa1.seq, id: qa1.intent.id, reason: 'permanent', error: 'HTTP 422', at: T0 + 5 },
        {
          kind: 'reschedule',
          seq: qa2.seq,
          id: qa2.intent.id,
          attempts: 1,
          nextAttemptAt: T0 + 1000,
          error: 'HTTP 503',
        },
        { kind: 'ack', seq: qb1.seq, id: qb1.intent.id },
        { kind: 'reschedule', seq: qc1.seq, id: qc1.intent.id, attempts: 0, nextAttemptAt: T0 },
      ]);
      expect(await store.count(T0)).toEqual({ pending: 2, inflight: 0, dead: 1 });
      const dead = await listAll(store, T0, 'dead');
      expect(dead.map((q) => [q.intent.id, q.deadReason, q.lastError, q.deadAt])).toEqual([
        [a1!.id, 'permanent', 'HTTP 422', T0 + 5],
      ]);
      expect(ids(await claim(store, T0 + 1))).toEqual([c1!.id]);
      const later = await claim(store, T0 + 1000);
      expect(later.map((q) => [q.intent.id, q.attempts, q.lastError])).toEqual([[a2!.id, 2, 'HTTP 503']]);
    });

    it('delivers each partition in order and never lets one partition block another', async () => {
      const store = await openStore();
      const p = [envelope({}, 'p'), envelope({}, 'p'), envelope({}, 'p')];
      const q = [envelope({}, 'q'), envelope({}, 'q')];
      const free = [envelope(), envelope()];
      await store.append([p[0]!, q[0]!, free[0]!, p[1]!, q[1]!, free[1]!, p[2]!], T0);
      const head = (await claim(store, T0, 1))[0]!;
      expect(head.intent.id).toBe(p[0]!.id);
      // p's head is in flight: the rest of p waits, everything else goes.
      expect(ids(await claim(store, T0))).toEqual([q[0]!.id, free[0]!.id, q[1]!.id, free[1]!.id]);
      await store.settle([
        { kind: 'reschedule', seq: head.seq, id: head.intent.id, attempts: 1, nextAttemptAt: T0 + 500 },
      ]);
      expect(await claim(store, T0 + 1)).toEqual([]);
      expect(await store.nextDueAt(T0 + 1)).toBe(T0 + 500);
      expect(ids(await claim(store, T0 + 500))).toEqual(p.map((e) => e.id));
    });

    it('requeues and discards dead intents only, keeping id and envelope', async () => {
      const store = await openStore();
      const [x, y, z] = [envelope({}, 'k'), envelope(), envelope()];
      await store.append([x!, y!, z!], T0);
      const [qx, qy] = await claim(store, T0, 2);
      await store.settle([
        { kind: 'dead', seq: qx!.seq, id: x!.id, reason: 'max-attempts', at: T0 },
        { kind: 'dead', seq: qy!.seq, id: y!.id, reason: 'max-age', at: T0 },
      ]);
      const pendingZ = (await listAll(store, T0, 'pending'))[0]!;
      expect(await store.discard([{ seq: pendingZ.seq, id: z!.id }])).toBe(0);
      expect(await store.requeue([{ seq: qx!.seq, id: x!.id }], T0 + 10)).toBe(1);
      expect(await store.requeue([{ seq: qx!.seq, id: x!.id }], T0 + 10)).toBe(0);
      expect(await store.discard([{ seq: qy!.seq, id: y!.id }])).toBe(1);
      const all = await listAll(store, T0 + 10);
      expect(all.map((q) => [q.intent.id, q.status, q.attempts])).toEqual([
        [z!.id, 'pending', 0],
        [x!.id, 'pending', 0],
      ]);
      expect(all[1]!.seq).toBeGreaterThan(all[0]!.seq);
      expect(all[1]!.enqueuedAt).toBe(T0 + 10);
      expect(all[1]!.intent).toEqual(x);
    });

    it('pages through list by status and seq', async () => {
      const store = await openStore();
      const sent = Array.from({ length: 250 }, (_, i) => envelope({ i }));
      await store.append(sent, T0);
      await claim(store, T0, 10);
      expect(await listAll(store, T0, 'inflight')).toHaveLength(10);
      expect(ids(await listAll(store, T0, 'pending'))).toEqual(sent.slice(10).map((e) => e.id));
      const page = await store.list({
        limit: 5,
        afterSeq: (await store.list({ limit: 1, now: T0 }))[0]!.seq,
        now: T0,
      });
      expect(ids(page)).toEqual(sent.slice(1, 6).map((e) => e.id));
    });

    it('reports no due time when empty and remembers the largest HLC stamp', async () => {
      const store = await openStore();
      expect(await store.nextDueAt(T0)).toBeUndefined();
      expect(await store.highWater()).toBeUndefined();
      const [a, b] = [envelope({}, undefined, 5_000), envelope({}, undefined, 9_000)];
      await store.append([b!], T0);
      await store.append([a!], T0);
      expect(await store.highWater()).toBe(b!.hlc);
      expect(await store.nextDueAt(T0)).toBe(T0);
    });

    it('grants the replayer lock to one owner at a time unless replayers may run concurrently', async () => {
      const store = await openStore();
      const a = await store.acquireReplayer('a', 30_000, T0);
      expect(a).toBeDefined();
      const b = await store.acquireReplayer('b', 30_000, T0);
      if (h.capabilities.concurrentReplayers) {
        expect(b).toBeDefined();
        return;
      }
      expect(b).toBeUndefined();
      expect(await a!.renew(T0 + 1)).toBe(true);
      await a!.release();
      const b2 = await store.acquireReplayer('b', 30_000, T0 + 2);
      expect(b2).toBeDefined();
      await b2!.release();
    });

    it('leaves the store untouched when an intent is invalid', async () => {
      const store = await openStore();
      const queue = createIntentQueue({ store, device: 'till-1', send: ackAll, autoDeliver: false });
      await queue.enqueue({ type: 'sale', payload: { ok: true } });
      const before = await listAll(store, T0);
      const mark = await store.highWater();
      const bad = [
        { type: 'Not A Type', payload: {} },
        { type: 'sale', payload: { n: Number.NaN } },
        { type: 'sale', payload: 'x'.repeat(70_000) },
        { type: 'sale', payload: {}, partitionKey: '' },
      ];
      for (const input of bad) {
        const error = await queue.enqueue(input as never).catch((e: unknown) => e);
        expect(isTallystickError(error, 'ERR_SCHEMA')).toBe(true);
      }
      expect(await listAll(store, T0)).toEqual(before);
      expect(await store.highWater()).toBe(mark);
      await queue.close();
    });

    it('rejects use after close', async () => {
      const store = await openStore();
      await store.close();
      const error = await store.append([envelope()], T0).catch((e: unknown) => e);
      expect(isTallystickError(error, 'ERR_QUEUE_CLOSED')).toBe(true);
    });

    describe.skipIf(!h.capabilities.persistent)('persistence', () => {
      it('reopens with every intent and its delivery state', async () => {
        const store = await openStore();
        const sent = [envelope({}, 'a'), envelope({}, 'a'), envelope(), envelope()];
        await store.append(sent, T0);
        const [q0, q1, q2] = await claim(store, T0, 3);
        await store.settle([
          { kind: 'ack', seq: q0!.seq, id: q0!.intent.id },
          {
            kind: 'reschedule',
            seq: q1!.seq,
            id: q1!.intent.id,
            attempts: 1,
            nextAttemptAt: T0 + 99,
            error: 'boom',
          },
          { kind: 'dead', seq: q2!.seq, id: q2!.intent.id, reason: 'permanent', at: T0 + 1 },
        ]);
        const before = await listAll(store, T0 + 1);
        const mark = await store.highWater();
        await store.close();
        const again = await openStore();
        expect(await listAll(again, T0 + 1)).toEqual(before);
        expect(await again.highWater()).toBe(mark);
        await again.append([envelope()], T0 + 2);
        const seqs = (await listAll(again, T0 + 2)).map((q) => q.seq);
        expect(seqs[seqs.length - 1]).toBeGreaterThan(q2!.seq);
      });

      it('keeps a claim across a crash: deliverable again only after its lease', async () => {
        const store = await openStore();
        await store.append([envelope()], T0);
        const [q] = await claim(store, T0);
        await store.close();
        const again = await openStore();
        expect(await claim(again, T0 + 1)).toEqual([]);
        const redo = await claim(again, T0 + LEASE);
        expect(redo.map((r) => [r.intent.id, r.attempts])).toEqual([[q!.intent.id, 2]]);
      });
    });

    describe.skipIf(!h.capabilities.sharedAccess)('shared access', () => {
      it('lets two handles enqueue into one store while one replayer holds the lock', async () => {
        const a = await openStore();
        const b = await openStore();
        await Promise.all([a.append([envelope()], T0), b.append([envelope()], T0)]);
        expect((await a.count(T0)).pending).toBe(2);
        const first = await claim(a, T0, 1);
        const second = await claim(b, T0, 10);
        expect(ids(second)).not.toContain(first[0]!.intent.id);
        expect(second).toHaveLength(1);
        if (h.capabilities.concurrentReplayers) return;
        const lock = await a.acquireReplayer('a', 30_000, T0);
        expect(lock).toBeDefined();
        expect(await b.acquireReplayer('b', 30_000, T0)).toBeUndefined();
        await lock!.release();
        expect(await b.acquireReplayer('b', 30_000, T0)).toBeDefined();
      });
    });

    describeLeaseRenewal(h);
    describeAppendIfAbsent(h);

    describe.skipIf(!h.tamper)('integrity', () => {
      /** Claims until nothing comes; returns what was delivered, or the refusal. */
      const drain = async (store: QueueStore) => {
        const delivered: QueuedIntent[] = [];
        for (let round = 0; round < 10; round++) {
          let batch: QueuedIntent[];
          try {
            batch = await claim(store, T0 + round);
          } catch (error) {
            return { delivered, error };
          }
          if (batch.length === 0) break;
          delivered.push(...batch);
          await store.settle(batch.map((q) => ({ kind: 'ack' as const, seq: q.seq, id: q.intent.id })));
        }
        return { delivered, error: undefined };
      };

      it.each([
        ['one digit of an amount', '"amount":1250', '"amount":1850'],
        ['the type', '"type":"sale"', '"type":"sold"'],
        ['the id', '-', '_'],
        ['the createdAt', '"createdAt":1000', '"createdAt":1001'],
      ])('never delivers an intent altered at rest (%s), and reports it', async (_, from, to) => {
        const store = await openStore();
        const victim = envelope({ amount: 1250 }, 'p');
        const after = envelope({ amount: 300 }, 'p');
        const other = envelope({ amount: 7 });
        await store.append([victim, after, other], T0);
        await h.tamper!(store, victim.id, (text) => {
          expect(text).toContain(from);
          return text.replace(from, to);
        });
        const { delivered, error } = await drain(store);
        for (const q of delivered) {
          expect(q.intent.id).not.toBe(victim.id);
          expect([after, other]).toContainEqual(q.intent);
        }
        if (h.corruption === 'refuses') {
          expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
          return;
        }
        expect(error).toBeUndefined();
        // Dead-lettered with its reason; the rest of its partition goes on, as after any dead letter.
        expect(ids(delivered).sort()).toEqual([after.id, other.id].sort());
        const dead = await listAll(store, T0, 'dead');
        expect(dead).toHaveLength(1);
        expect(dead[0]!.deadReason).toBe('corrupt');
        expect(dead[0]!.lastError).toMatch(/checksum|altered|corrupt/i);
        expect(await store.count(T0)).toEqual({ pending: 0, inflight: 0, dead: 1 });
        // A requeue cannot launder it: it stays dead and is never delivered; discard removes it.
        const ref = { seq: dead[0]!.seq, id: dead[0]!.intent.id };
        expect(ref.id).toBe(victim.id);
        await store.requeue([ref], T0);
        expect((await drain(store)).delivered).toEqual([]);
        expect(await store.discard([ref])).toBe(1);
        expect(await store.count(T0)).toEqual({ pending: 0, inflight: 0, dead: 0 });
      });

      it('never delivers an intent altered at rest while dead: requeue cannot launder it, appendIfAbsent never hands it back', async () => {
        const store = await openStore();
        const victim = envelope({ amount: 1250 }, 'p');
        await store.append([victim, envelope({ amount: 2 }, 'q')], T0);
        const first = (await claim(store, T0)).find((q) => q.intent.id === victim.id)!;
        await store.settle([
          { kind: 'dead', seq: first.seq, id: victim.id, reason: 'permanent', at: T0 + 1 },
        ]);
        await h.tamper!(store, victim.id, (text) => text.replace('"amount":1250', '"amount":1850'));
        // Held under its id (so a retry stores no second copy), but never handed back as the altered envelope.
        const again = await store.appendIfAbsent(victim, T0 + 2).then(
          (held) => JSON.stringify(held ?? null),
          (error: unknown) => error,
        );
        expect(isTallystickError(again, 'ERR_STORE')).toBe(true);
        try {
          await store.requeue([{ seq: first.seq, id: victim.id }], T0 + 3);
        } catch (error) {
          expect(h.corruption).toBe('refuses');
          expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
          return;
        }
        for (let round = 0; round < 5; round++) {
          const batch = await claim(store, T0 + 10 + round);
          for (const q of batch) expect(JSON.stringify(q.intent)).not.toContain('1850');
          await store.settle(batch.map((q) => ({ kind: 'ack' as const, seq: q.seq, id: q.intent.id })));
        }
        const dead = await listAll(store, T0 + 20, 'dead');
        expect(dead.map((q) => [q.intent.id, q.deadReason])).toEqual([[victim.id, 'corrupt']]);
      });

      it('a held intent altered at rest fails only its own appendIfAbsent, never the appends grouped with it', async () => {
        const store = await openStore();
        const victim = envelope({ amount: 1250 });
        await store.append([victim], T0);
        await h.tamper!(store, victim.id, (text) => text.replace('"amount":1250', '"amount":1850'));
        const bystanders = [envelope({ amount: 1 }), envelope({ amount: 2 })];
        const outcomes = await Promise.allSettled([
          store.appendIfAbsent(victim, T0 + 1),
          store.append([bystanders[0]!], T0 + 1),
          store.appendIfAbsent(bystanders[1]!, T0 + 1),
        ]);
        if (h.corruption === 'refuses') return;
        expect(outcomes[0]!.status).toBe('rejected');
        expect(isTallystickError((outcomes[0] as PromiseRejectedResult).reason, 'ERR_STORE')).toBe(true);
        expect(outcomes.slice(1).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
        expect(ids(await listAll(store, T0 + 2, 'pending'))).toEqual(bystanders.map((b) => b.id));
      });

      it('lists an altered pending intent as corrupt, never as deliverable', async () => {
        const store = await openStore();
        const victim = envelope({ amount: 1250 });
        await store.append([victim, envelope({ amount: 2 })], T0);
        await h.tamper!(store, victim.id, (text) => text.replace('"amount":1250', '"amount":1850'));
        let listed: QueuedIntent[];
        try {
          listed = await listAll(store, T0, 'pending');
        } catch (error) {
          expect(h.corruption).toBe('refuses');
          expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
          return;
        }
        expect(ids(listed)).not.toContain(victim.id);
        for (const q of listed) expect(JSON.stringify(q.intent)).not.toContain('1850');
      });
    });

    describe.skipIf(!h.fill)('storage full', () => {
      it('fails with QUEUE_STORAGE_FULL, keeps everything stored before, and recovers once space is freed', async () => {
        const store = await openStore();
        const kept = [envelope({ keep: 1 }), envelope({ keep: 2 })];
        await store.append(kept, T0);
        await h.fill!(store);
        const error = await store.append([envelope({ big: 'x'.repeat(4000) })], T0).catch((e: unknown) => e);
        expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
        expect((await listAll(store, T0)).map((q) => q.intent)).toEqual(kept);
        await h.free!(store);
        const next = envelope({ after: true });
        await store.append([next], T0);
        expect((await listAll(store, T0)).map((q) => q.intent)).toEqual([...kept, next]);
        if (h.capabilities.persistent) {
          await store.close();
          const again = await openStore();
          expect((await listAll(again, T0)).map((q) => q.intent)).toEqual([...kept, next]);
        }
      });
    });
  });
}
