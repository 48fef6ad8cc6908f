import type { IntentEnvelope, JsonValue } from '@tallystick/core';

/**
 * What a caller hands to `enqueue`: the business fact. The queue adds the id
 * (a UUIDv7 that doubles as idempotency key), the device, the HLC stamp and
 * the creation time.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { IntentInput } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const sale: IntentInput = {
 *   type: 'sale',
 *   payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
 *   partitionKey: 'order-17',
 * };
 * await queue.enqueue(sale); // the envelope: sale plus id, device, hlc, createdAt
 * ```
 */
export interface IntentInput {
  /** 1-64 characters of `[a-z0-9_.-]`, starting with a letter, e.g. `sale` or `voucher.redeem`. */
  type: string;
  /** Canonical-JSON-safe data, at most the queue's `maxPayloadBytes` once canonicalized. */
  payload: JsonValue;
  /** Intents sharing a key are delivered in enqueue order; other keys never wait for them. */
  partitionKey?: string;
}

/**
 * Where an intent stands: waiting (`pending`), claimed by a sender whose lease
 * has not run out (`inflight`), or parked in the dead-letter area (`dead`).
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { IntentStatus } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const status: IntentStatus = 'dead';
 * await queue.list({ status }); // the dead-letter area
 * ```
 */
export type IntentStatus = 'pending' | 'inflight' | 'dead';

/**
 * Why an intent was moved to the dead-letter area. `corrupt`: what the store
 * held of it was altered at rest (its checksum no longer matches), so it was
 * never delivered; `requeue` leaves it where it is.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { DeadReason } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const reason: DeadReason = 'max-attempts';
 * const exhausted = (await queue.list({ status: 'dead' })).filter((q) => q.deadReason === reason);
 * ```
 */
export type DeadReason = 'permanent' | 'max-attempts' | 'max-age' | 'corrupt';

/**
 * An intent as the queue holds it: the envelope plus its delivery state.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { QueuedIntent } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * await queue.enqueue({ type: 'sale', payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } } });
 * const [next]: QueuedIntent[] = await queue.peek(1);
 * console.log(`${next?.intent.id} ${next?.status} after ${next?.attempts} attempt(s)`); // '019… pending after 0 attempt(s)'
 * ```
 */
export interface QueuedIntent {
  /** The envelope exactly as enqueued; `intent.id` is the idempotency key. */
  readonly intent: IntentEnvelope;
  /** Store-wide enqueue order; a requeued intent gets a new, larger one. */
  readonly seq: number;
  readonly status: IntentStatus;
  /** Delivery attempts so far (a claim counts, so a crash mid-send counts too). */
  readonly attempts: number;
  /** Epoch ms when the intent became durable. */
  readonly enqueuedAt: number;
  /** Epoch ms before which it will not be sent again. */
  readonly nextAttemptAt: number;
  /** Epoch ms when the current claim runs out, if claimed. */
  readonly leaseUntil?: number;
  readonly lastError?: string;
  readonly deadReason?: DeadReason;
  /** Epoch ms when it was moved to the dead-letter area. */
  readonly deadAt?: number;
}

/**
 * How the receiving side answered for one intent of a batch.
 *
 * - `acked`: delivered (applied now or earlier); the intent leaves the queue.
 * - `retry`: a transient failure (network error, timeout, 408/429/5xx); retried with backoff.
 *   `retryAfterMs` (e.g. from `Retry-After`) sets a floor on the delay.
 * - `permanent`: the receiver will never accept it (4xx); moved to the dead-letter area.
 * - `skipped`: not attempted, because an earlier intent of the same partition failed in
 *   this batch; it waits behind that one without spending an attempt.
 *
 * @example
 * ```ts
 * import { createIntentQueue, type SendOutcome } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const busy: SendOutcome = { status: 'retry', error: 'HTTP 503', retryAfterMs: 2_000 };
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => busy) });
 * ```
 */
export type SendOutcome =
  | { status: 'acked' }
  | { status: 'retry'; error?: string; retryAfterMs?: number }
  | { status: 'permanent'; error?: string }
  | { status: 'skipped' };

/**
 * Delivers one batch and reports one {@link SendOutcome} per intent, in the
 * batch's order. Intents of one partition appear in enqueue order; a sender
 * must not attempt an intent after an earlier one of its partition failed
 * (report it `skipped`). Throwing counts as a retryable failure of the whole
 * batch: nothing in it is considered delivered.
 *
 * @example
 * ```ts
 * import { createIntentQueue, type SendFunction } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const send: SendFunction = async (batch) => batch.map(() => ({ status: 'acked' }));
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send });
 * ```
 */
export type SendFunction = (batch: readonly QueuedIntent[]) => Promise<readonly SendOutcome[]>;
