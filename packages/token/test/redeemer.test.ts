import { isIntentId } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMemorySpentStore,
  openRedeemer,
  REDEMPTION_INTENT_TYPE,
  type Redemption,
  type RedemptionOutbox,
  redemptionIntentId,
  type SpentStore,
} from '../src/index.js';
import { NOW } from './fixtures.js';
import { type CrashPlan, lifeOn, newDisk, type Step } from './support/redeem-model.js';
import { DEVICE, memoryQueue, world } from './support/redeem-world.js';

describe('redemptionIntentId', () => {
  const tokenId = '00112233445566778899aabbccddeeff';
  it('is a fixed UUIDv7 for one (device, token, issuedAt): known answer', () => {
    const id = redemptionIntentId(DEVICE, tokenId, NOW);
    expect(id).toBe(redemptionIntentId(DEVICE, tokenId, NOW));
    expect(isIntentId(id)).toBe(true);
    expect(id.slice(0, 13)).toBe(
      `${NOW.toString(16).padStart(12, '0').slice(0, 8)}-${NOW.toString(16).padStart(12, '0').slice(8)}`,
    );
    expect(id).toMatchInlineSnapshot(`"019b796d-d600-729b-880a-2c7d0ea8640d"`);
  });

  it('law: distinct (device, token) pairs get distinct valid ids; one pair always the same', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0')),
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\0')),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        (a, b, bytes, at) => {
          const t = Buffer.from(bytes).toString('hex');
          const id = redemptionIntentId(a, t, at);
          expect(isIntentId(id)).toBe(true);
          expect(redemptionIntentId(a, t, at)).toBe(id);
          if (a !== b) expect(redemptionIntentId(b, t, at)).not.toBe(id);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses wrong types and ranges', () => {
    expect(() => redemptionIntentId(7 as unknown as string, tokenId, NOW)).toThrow(TypeError);
    expect(() => redemptionIntentId('', tokenId, NOW)).toThrow(RangeError);
    expect(() => redemptionIntentId('a\0b', tokenId, NOW)).toThrow(RangeError);
    expect(() => redemptionIntentId(DEVICE, tokenId.toUpperCase(), NOW)).toThrow(RangeError);
    expect(() => redemptionIntentId(DEVICE, tokenId, -1)).toThrow(RangeError);
    expect(() => redemptionIntentId(DEVICE, tokenId, 2 ** 48)).toThrow(RangeError);
    expect(() => redemptionIntentId(DEVICE, tokenId, 1.5)).toThrow(RangeError);
  });
});

describe('openRedeemer: verify, record, redeem', () => {
  it('records one token.redeemed intent under the deterministic id, then refuses the token', async () => {
    const { verifier, voucher } = world();
    const { queue } = memoryQueue();
    const outbox: RedemptionOutbox = queue; // an IntentQueue is an outbox as it is
    const redeemer = await openRedeemer({ verifier, outbox, device: DEVICE });
    const { qr, token } = voucher();
    const result = await redeemer.redeem(qr);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.intentId).toBe(redemptionIntentId(DEVICE, token.id, token.issuedAt));
    expect(result.redemption).toMatchObject({
      tokenId: token.id,
      terminal: DEVICE,
      amount: 500,
      redeemedAt: NOW,
    });
    const held = await queue.list();
    expect(held.map((q) => [q.intent.id, q.intent.type, q.intent.partitionKey])).toEqual([
      [result.intentId, REDEMPTION_INTENT_TYPE, token.id],
    ]);
    expect(held[0]!.intent.payload).toEqual(result.redemption);
    expect(await verifier.spent!.has(token.id)).toBe(true);
    expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(await queue.size()).toBe(1);
    expect(redeemer.inDoubt).toEqual([]);
  });

  it('records nothing for a token that fails verification', async () => {
    const { verifier, voucher, clock } = world();
    const { queue } = memoryQueue();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const { qr } = voucher();
    clock.advance(60 * 60_000);
    expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'expired' });
    expect(await redeemer.redeem('TS1:nope')).toMatchObject({ ok: false, code: 'malformed' });
    expect(await queue.size()).toBe(0);
  });

  it('lets one of concurrent redeems of one token win, and records it once', async () => {
    const { verifier, voucher } = world();
    const { queue } = memoryQueue();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const a = voucher();
    const b = voucher();
    const results = await Promise.all([a.qr, a.qr, b.qr, a.qr, b.qr].map((qr) => redeemer.redeem(qr)));
    expect(results.map((r) => r.ok)).toEqual([true, false, true, false, false]);
    expect(await queue.size()).toBe(2);
  });

  it('recovers at open: a recorded redemption the spent store lacks becomes spent and is reported in doubt', async () => {
    const { verifier, voucher } = world();
    const { queue } = memoryQueue();
    const { token } = voucher();
    const redemption = { tokenId: token.id, expiresAt: token.expiresAt } as Redemption;
    await queue.enqueue(
      { type: REDEMPTION_INTENT_TYPE, payload: { ...redemption }, partitionKey: token.id },
      { id: redemptionIntentId(DEVICE, token.id, token.issuedAt) },
    );
    await queue.enqueue({ type: 'sale', payload: { tokenId: token.id } });
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    expect(redeemer.inDoubt).toEqual([redemption]);
    expect(await verifier.spent!.has(token.id)).toBe(true);
    expect(await redeemer.recover()).toEqual({ inDoubt: [], scanned: 1 });
  });

  it('reports an outbox failure, keeps the token unspent, and recovers what the failed call stored', async () => {
    const { verifier, voucher } = world();
    const { queue } = memoryQueue();
    let failNext: 'before' | 'after' | undefined;
    const outbox: RedemptionOutbox = {
      list: (o) => queue.list(o),
      async enqueue(input, o) {
        const mode = failNext;
        failNext = undefined;
        if (mode === 'before') throw new Error('disk full');
        const stored = await queue.enqueue(input, o);
        if (mode === 'after') throw new Error('fsync failed');
        return stored;
      },
    };
    const redeemer = await openRedeemer({ verifier, outbox, device: DEVICE });
    const a = voucher();
    failNext = 'before';
    expect(await redeemer.redeem(a.qr)).toMatchObject({ ok: false, code: 'outbox_unavailable' });
    expect(await verifier.spent!.has(a.token.id)).toBe(false);
    expect((await redeemer.redeem(a.qr)).ok).toBe(true);
    const b = voucher();
    failNext = 'after';
    expect(await redeemer.redeem(b.qr)).toMatchObject({ ok: false, code: 'outbox_unavailable' });
    // Stored all the same: the next call recovers first, so b is in doubt and spent, never accepted twice.
    expect(await redeemer.redeem(b.qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(redeemer.inDoubt.map((r) => r.tokenId)).toEqual([b.token.id]);
    expect(await queue.size()).toBe(2);
  });

  it('reports a spent-store failure after recording as store_unavailable, then recovers the redemption', async () => {
    const inner = createMemorySpentStore();
    let broken = false;
    const spent: SpentStore = {
      ...inner,
      has: (id) => inner.has(id),
      checkAndAdd: async (id, k, n) => {
        if (broken) throw new Error('EIO');
        return inner.checkAndAdd(id, k, n);
      },
    };
    const { verifier, voucher } = world(spent);
    const { queue } = memoryQueue();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const a = voucher();
    broken = true;
    expect(await redeemer.redeem(a.qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
    broken = false;
    expect(await redeemer.redeem(a.qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(redeemer.inDoubt.map((r) => r.tokenId)).toEqual([a.token.id]);
  });

  it('answers already_spent when another process spent the token between check and mark (intent stays)', async () => {
    const inner = createMemorySpentStore();
    const spent: SpentStore = {
      ...inner,
      has: async () => false,
      checkAndAdd: (id, k, n) => inner.checkAndAdd(id, k, n),
    };
    const { verifier, voucher } = world(spent);
    const { queue } = memoryQueue();
    const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
    const a = voucher();
    await inner.checkAndAdd(a.token.id, a.token.expiresAt, NOW);
    expect(await redeemer.redeem(a.qr)).toMatchObject({ ok: false, code: 'already_spent' });
    expect(await queue.size()).toBe(1);
  });

  it('runs recovery alone: a recover() during redeems never steals their redemptions', async () => {
    const { verifier, voucher } = world();
    const { queue } = memoryQueue();
    const slow: RedemptionOutbox = {
      list: (o) => queue.list(o),
      // Recorded at once, answered a few turns later: the window recovery must not fall into.
      enqueue: async (input, o) => {
        const stored = await queue.enqueue(input, o);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return stored;
      },
    };
    const redeemer = await openRedeemer({ verifier, outbox: slow, device: DEVICE });
    const vouchers = Array.from({ length: 6 }, () => voucher());
    const calls = vouchers.map((v) => redeemer.redeem(v.qr));
    await new Promise((resolve) => setTimeout(resolve, 1));
    const report = await redeemer.recover();
    expect((await Promise.all(calls)).map((r) => r.ok)).toEqual(vouchers.map(() => true));
    expect(report.inDoubt).toEqual([]);
    expect(await queue.size()).toBe(6);
  });

  it('refuses bad options', async () => {
    const { verifier } = world();
    const { queue } = memoryQueue();
    await expect(openRedeemer(null as never)).rejects.toThrow(TypeError);
    await expect(openRedeemer({ verifier, outbox: {} as never, device: DEVICE })).rejects.toThrow(TypeError);
    await expect(openRedeemer({ verifier: {} as never, outbox: queue, device: DEVICE })).rejects.toThrow(
      TypeError,
    );
    await expect(openRedeemer({ verifier, outbox: queue, device: 1 as never })).rejects.toThrow(TypeError);
    await expect(openRedeemer({ verifier, outbox: queue, device: '' })).rejects.toThrow(RangeError);
  });
});

const orKilled = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<'killed'>((resolve) => setTimeout(() => resolve('killed'), 0))]);

describe('redeemer model: a crash at every step boundary loses nothing and doubles nothing', () => {
  const steps: Step[] = ['has', 'enqueue', 'checkAndAdd'];
  const crash = fc.option(
    fc.record({
      step: fc.constantFrom(...steps),
      when: fc.constantFrom('before' as const, 'after' as const),
    }),
    { freq: 2 },
  );

  it('law: after any run of redeems with crashes and restarts, outbox ⇔ spent, one intent per token, every accepted one recorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ token: fc.nat({ max: 5 }), crash }), { minLength: 1, maxLength: 25 }),
        async (ops) => {
          const { verifier: base, voucher } = world();
          const tokens = Array.from({ length: 6 }, () => voucher());
          const disk = newDisk();
          const accepted = new Set<string>();
          const inDoubt = new Set<string>();
          const interrupted = new Set<string>();
          for (const op of ops) {
            const life = lifeOn(disk, (op.crash ?? undefined) as CrashPlan | undefined);
            const verifier = {
              ...base,
              verify: base.verify,
              spent: life.spent,
              clock: base.clock,
              clockSkewMs: base.clockSkewMs,
            };
            // A crashed call never settles: race it against a macrotask, as the parent of a killed till would.
            const opened = await orKilled(openRedeemer({ verifier, outbox: life.outbox, device: DEVICE }));
            if (opened === 'killed') continue; // killed during recovery
            for (const r of opened.inDoubt) inDoubt.add(r.tokenId);
            const t = tokens[op.token]!;
            const settled = await orKilled(opened.redeem(t.qr));
            if (settled === 'killed') interrupted.add(t.token.id);
            if (settled !== 'killed' && settled.ok) {
              expect(accepted.has(t.token.id)).toBe(false); // never accepted twice
              accepted.add(t.token.id);
            }
          }
          // The last restart, then the books.
          const life = lifeOn(disk, undefined);
          const verifier = { ...base, spent: life.spent };
          const final = await openRedeemer({ verifier, outbox: life.outbox, device: DEVICE });
          for (const r of final.inDoubt) inDoubt.add(r.tokenId);
          const recorded = disk.intents.map((q) => (q.intent.payload as unknown as Redemption).tokenId);
          expect(new Set(recorded).size).toBe(recorded.length); // nothing doubled
          for (const id of accepted) expect(recorded).toContain(id); // nothing lost
          expect([...disk.spent.keys()].sort()).toEqual([...recorded].sort()); // spent ⇔ recorded
          // A redemption nobody saw accepted was interrupted: recovery reports it unless the kill came after the mark.
          for (const id of recorded)
            expect(accepted.has(id) || inDoubt.has(id) || interrupted.has(id)).toBe(true);
          for (const id of inDoubt) expect(interrupted.has(id)).toBe(true);
          for (const q of disk.intents) {
            const r = q.intent.payload as unknown as Redemption;
            expect(q.intent.id).toBe(redemptionIntentId(DEVICE, r.tokenId, r.issuedAt));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
