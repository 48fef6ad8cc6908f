import { encodeHlc, type IntentEnvelope, type ManualClock, newIntentId } from '@tallystick/core';
import { expect } from 'vitest';
import type { IntentQueue } from '../src/queue.js';
import type { QueueStore } from '../src/store.js';
import type { QueuedIntent, SendFunction, SendOutcome } from '../src/types.js';

let counter = 0;

/** A valid envelope for store-level tests, stamped in creation order. */
export function envelope(
  payload: Record<string, unknown> = {},
  partitionKey?: string,
  at = 1_000,
): IntentEnvelope {
  counter++;
  const intent: Record<string, unknown> = {
    id: newIntentId(),
    type: 'sale',
    device: 'till-1',
    hlc: encodeHlc({ wall: at, counter: counter % 65536, node: 'till-1' }),
    createdAt: at,
    payload: { n: counter, ...payload },
  };
  if (partitionKey !== undefined) intent.partitionKey = partitionKey;
  return intent as unknown as IntentEnvelope;
}

export const ackAll: SendFunction = async (batch) => batch.map(() => ({ status: 'acked' }) as SendOutcome);

export function ids(items: readonly QueuedIntent[]): string[] {
  return items.map((q) => q.intent.id);
}

/** Every intent in the store, paging through `list`. */
export async function listAll(
  store: QueueStore,
  now: number,
  status?: QueuedIntent['status'],
): Promise<QueuedIntent[]> {
  const out: QueuedIntent[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.list({ status, limit: 97, afterSeq: after, now });
    out.push(...page);
    if (page.length < 97) return out;
    after = page[page.length - 1]!.seq;
  }
}

/** A recording sender whose answers are scripted per intent id. */
export function scriptedSend(answer: (q: QueuedIntent, call: number) => SendOutcome) {
  const calls: QueuedIntent[][] = [];
  const send: SendFunction = async (batch) => {
    calls.push([...batch]);
    return batch.map((q) => answer(q, calls.length));
  };
  return { send, calls };
}

/** An intent of the partition-order laws: its id and partition key (undefined: none). */
export interface Keyed {
  id: string;
  key: string | undefined;
}

/**
 * The partition-order law's harness: enqueues one intent per key, then
 * flushes (advancing the clock past any backoff) until every intent is acked
 * or dead, checking that none is acked twice or before every earlier intent
 * of its partition is settled, and that nothing is left in the queue.
 */
export async function checkPartitionOrder(
  queue: IntentQueue,
  clock: ManualClock,
  keys: readonly (string | undefined)[],
): Promise<Keyed[]> {
  const order: Keyed[] = [];
  for (const key of keys) {
    const e = await queue.enqueue({ type: 'sale', payload: 0, ...(key ? { partitionKey: key } : {}) });
    order.push({ id: e.id, key });
  }
  const settled = new Set<string>();
  const stopDead = queue.on('dead', (e) => settled.add(e.intent.intent.id));
  const stopAcked = queue.on('acked', (e) => {
    const idx = order.findIndex((o) => o.id === e.intent.intent.id);
    expect(settled.has(e.intent.intent.id)).toBe(false);
    const key = order[idx]!.key;
    if (key !== undefined) {
      for (const earlier of order.slice(0, idx))
        if (earlier.key === key) expect(settled.has(earlier.id)).toBe(true);
    }
    settled.add(e.intent.intent.id);
  });
  for (let i = 0; i < 80 && settled.size < order.length; i++) {
    await queue.flush();
    clock.advance(8);
  }
  stopDead();
  stopAcked();
  expect(settled.size).toBe(order.length);
  const c = await queue.stats();
  expect(c.pending + c.inflight).toBe(0);
  expect(c.dead).toBe(c.deadLettered);
  return order;
}
