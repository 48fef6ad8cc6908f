/**
 * Claiming ahead (lib/claim-ahead.ts): with a store built for concurrent
 * replayers, the next batch is claimed while one is sent and settled. The
 * memory store stands in for Postgres here, told it may take concurrent
 * calls, and every store call yields a random number of turns so claims and
 * settles interleave in every order.
 */
import { createManualClock } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memory.js';
import { createManualOnlineSignal } from '../src/online.js';
import { createIntentQueue, type IntentQueueOptions } from '../src/queue.js';
import { createManualScheduler } from '../src/scheduler.js';
import type { QueueStore } from '../src/store.js';
import type { QueuedIntent, SendFunction, SendOutcome } from '../src/types.js';
import { checkPartitionOrder, listAll } from './helpers.js';

const T0 = 1_700_000_000_000;

interface Trace {
  /** Claims that started while intents of an earlier claim were not yet settled. */
  claimsAhead: number;
}

/** A memory store that accepts concurrent replayers' calls, each delayed by `turns()` microtask turns. */
function concurrentStore(turns: () => number): { store: QueueStore; trace: Trace } {
  const inner = createMemoryStore();
  const trace: Trace = { claimsAhead: 0 };
  let held = 0;
  const yieldTurns = async () => {
    for (let i = turns(); i > 0; i--) await Promise.resolve();
  };
  const store: QueueStore = Object.create(inner);
  Object.defineProperty(store, 'capabilities', {
    value: { ...inner.capabilities, concurrentReplayers: true },
  });
  store.claim = async (request) => {
    if (held > 0) trace.claimsAhead++;
    await yieldTurns();
    const batch = await inner.claim(request);
    held += batch.length;
    await yieldTurns();
    return batch;
  };
  store.settle = async (settlements) => {
    await yieldTurns();
    await inner.settle(settlements);
    await yieldTurns();
    held -= settlements.length;
  };
  return { store, trace };
}

function setup(store: QueueStore, send: SendFunction, extra: Partial<IntentQueueOptions> = {}) {
  const clock = createManualClock(T0);
  const scheduler = createManualScheduler(clock);
  const online = createManualOnlineSignal(true);
  const queue = createIntentQueue({
    store,
    send,
    device: 'till-1',
    clock,
    scheduler,
    online,
    autoDeliver: false,
    ...extra,
  });
  return { queue, clock };
}

describe('claiming ahead', () => {
  it('claims the next batch while one is sent and settled, yet sends one batch at a time and reports in order', async () => {
    const { store, trace } = concurrentStore(() => 3);
    let sending = 0;
    const sent: string[][] = [];
    const { queue } = setup(
      store,
      async (batch) => {
        expect(sending++).toBe(0);
        await new Promise((r) => setTimeout(r, 1));
        sent.push(batch.map((q) => q.intent.id));
        sending--;
        return batch.map(() => ({ status: 'acked' }));
      },
      { batchSize: 3 },
    );
    const reported: string[][] = [];
    queue.on('sent', (e) => reported.push(e.batch.map((q) => q.intent.id)));
    for (let i = 0; i < 20; i++) await queue.enqueue({ type: 'sale', payload: i });
    expect(await queue.flush()).toMatchObject({ sent: 20, acked: 20 });
    expect(reported).toEqual(sent);
    expect(trace.claimsAhead).toBeGreaterThan(0);
    expect(await store.count(T0)).toEqual({ pending: 0, inflight: 0, dead: 0 });
  });

  it('gives a batch claimed ahead back when paused: no lease left, attempts as before', async () => {
    const { store } = concurrentStore(() => 1);
    let batches = 0;
    const { queue } = setup(
      store,
      async (batch) => {
        // Pause during the second batch: the third is claimed ahead by then.
        if (++batches === 2) queue.pause();
        return batch.map(() => ({ status: 'acked' }));
      },
      { batchSize: 2 },
    );
    for (let i = 0; i < 8; i++) await queue.enqueue({ type: 'sale', payload: i });
    await queue.flush();
    const left = await listAll(store, T0);
    expect(left).toHaveLength(4);
    expect(left.map((q) => [q.status, q.attempts])).toEqual(Array(4).fill(['pending', 0]));
  });

  it('does not send a batch claimed ahead once a slow send let a third of its lease pass: it claims it afresh', async () => {
    const { store } = concurrentStore(() => 0);
    const attempts: number[][] = [];
    let clock: ReturnType<typeof createManualClock> | undefined;
    const s = setup(
      store,
      async (batch) => {
        attempts.push(batch.map((q) => q.attempts));
        // The second send is slow: the batch claimed ahead during it is half a lease old afterwards.
        if (attempts.length === 2) clock!.advance(30_000);
        return batch.map(() => ({ status: 'acked' }));
      },
      { batchSize: 2, leaseMs: 60_000 },
    );
    clock = s.clock;
    for (let i = 0; i < 6; i++) await s.queue.enqueue({ type: 'sale', payload: i });
    expect(await s.queue.flush()).toMatchObject({ acked: 6 });
    // Claimed once each: the stale claim was undone before the fresh one.
    expect(attempts).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('law: with claims and settles interleaved at random, each partition is acked in order, sends never overlap, nothing is lost', async () => {
    const outcomeArb = fc.constantFrom<SendOutcome['status']>(
      'acked',
      'acked',
      'acked',
      'retry',
      'permanent',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c', undefined), { minLength: 1, maxLength: 30 }),
        fc.array(outcomeArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (keys, script, delays, batchSize) => {
          let turn = 0;
          const { store } = concurrentStore(() => delays[turn++ % delays.length]!);
          let call = 0;
          let sending = false;
          const sentBatches: QueuedIntent[][] = [];
          const send: SendFunction = async (batch) => {
            expect(sending).toBe(false);
            sending = true;
            sentBatches.push([...batch]);
            for (let i = delays[call % delays.length]!; i > 0; i--) await Promise.resolve();
            sending = false;
            const failed = new Set<string>();
            return batch.map((q) => {
              const k = q.intent.partitionKey;
              const pick = script[call++ % script.length]!;
              const outcome: SendOutcome =
                k !== undefined && failed.has(k) ? { status: 'skipped' } : { status: pick };
              if (k !== undefined && outcome.status !== 'acked') failed.add(k);
              return outcome;
            });
          };
          const { queue, clock } = setup(store, send, {
            batchSize,
            maxAttempts: 4,
            retry: { baseMs: 1, maxMs: 8 },
          });
          const reported: string[] = [];
          queue.on('sent', (e) => reported.push(...e.batch.map((q) => q.intent.id)));
          await checkPartitionOrder(queue, clock, keys);
          expect(reported).toEqual(sentBatches.flat().map((q) => q.intent.id));
        },
      ),
      { numRuns: 300 },
    );
  });
});
