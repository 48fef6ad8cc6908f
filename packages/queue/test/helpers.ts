import { encodeHlc, type IntentEnvelope, newIntentId } from '@tallystick/core';
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
