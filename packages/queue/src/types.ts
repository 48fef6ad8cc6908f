import type { IntentEnvelope, JsonValue } from '@tallystick/core';

/**
 * What a caller hands to `enqueue`: the business fact. The queue adds the id
 * (a UUIDv7 that doubles as idempotency key), the device, the HLC stamp and
 * the creation time.
 *
 * @example
 * ```ts
 * const sale: IntentInput = { type: 'sale', payload: { sku: 'apple', amount: 250 }, partitionKey: 'order-17' };
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
 * const status: IntentStatus = 'dead';
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
 * const reason: DeadReason = 'max-attempts';
 * ```
 */
export type DeadReason = 'permanent' | 'max-attempts' | 'max-age' | 'corrupt';

/**
 * An intent as the queue holds it: the envelope plus its delivery state.
 *
 * @example
 * ```ts
 * function describe(q: QueuedIntent): string {
 *   return `${q.intent.id} ${q.status} after ${q.attempts} attempt(s)`;
 * }
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
 * const outcome: SendOutcome = { status: 'retry', error: 'HTTP 503', retryAfterMs: 2_000 };
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
 * const send: SendFunction = async (batch) => batch.map(() => ({ status: 'acked' }));
 * ```
 */
export type SendFunction = (batch: readonly QueuedIntent[]) => Promise<readonly SendOutcome[]>;
