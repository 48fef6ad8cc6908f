import type { IntentEnvelope } from '@tallystick/core';
import type { StoreCounts } from '../store.js';
import type { DeadReason, IntentInput, IntentStatus, QueuedIntent } from '../types.js';

/**
 * Events of an {@link IntentQueue}, by name.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { QueueEvents } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const onDead = (e: QueueEvents['dead']) => console.warn(e.intent.intent.id, e.reason, e.error);
 * queue.on('dead', onDead);
 * ```
 */
export interface QueueEvents {
  /** The intent is durable in the store. */
  enqueued: { intent: IntentEnvelope };
  /** A batch is about to be handed to `send`. */
  sent: { batch: readonly QueuedIntent[] };
  /** The receiver acknowledged it; it has left the queue. */
  acked: { intent: QueuedIntent };
  /** A retryable failure; it will be tried again after `delayMs`. */
  retry: { intent: QueuedIntent; error: string | undefined; delayMs: number };
  /** Moved to the dead-letter area, where `list({ status: 'dead' })` shows it and `requeue` revives it. */
  dead: { intent: QueuedIntent; reason: DeadReason; error: string | undefined };
  /** A store failure during delivery, or a throwing event listener. Delivery carries on. */
  error: { error: unknown };
}

/**
 * A snapshot from {@link IntentQueue.stats}: store counts plus this queue instance's counters.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { QueueStats } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const stats: QueueStats = await queue.stats();
 * stats.pending + stats.inflight; // the backlog
 * ```
 */
export interface QueueStats extends StoreCounts {
  enqueued: number;
  sent: number;
  acked: number;
  retried: number;
  /** Moved to the dead-letter area by this instance (`dead` counts what the store holds). */
  deadLettered: number;
  paused: boolean;
  online: boolean;
  /** Delivery rounds in a row that ended without progress. */
  consecutiveFailures: number;
  lastError: string | undefined;
}

/**
 * What a {@link IntentQueue.flush} did.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { FlushResult } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const result: FlushResult = await queue.flush();
 * result.retried === 0 && !result.locked; // true: everything deliverable went through
 * ```
 */
export interface FlushResult {
  sent: number;
  acked: number;
  retried: number;
  dead: number;
  /** True when another process or tab is the replayer, so this one sent nothing. */
  locked: boolean;
}

/**
 * Options of {@link IntentQueue.list}.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { ListOptions } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const firstDead: ListOptions = { status: 'dead', limit: 20 };
 * await queue.list(firstDead); // []
 * ```
 */
export interface ListOptions {
  status?: IntentStatus;
  /** Page size; default 100. */
  limit?: number;
  /** Continue after this seq (the last seq of the previous page). */
  afterSeq?: number;
}

/**
 * Options of {@link IntentQueue.enqueue}.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { EnqueueOptions } from '@tallystick/queue';
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })), autoDeliver: false });
 * const once: EnqueueOptions = { id: '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f' };
 * await queue.enqueue({ type: 'sale', payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } } }, once);
 * await queue.enqueue({ type: 'sale', payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } } }, once); // stores nothing: the same id is held
 * ```
 */
export interface EnqueueOptions {
  /**
   * The intent's id, chosen by the caller (a lower-case UUIDv7, as `isIntentId`
   * accepts) instead of a fresh one, so a retry after a crash cannot add a second
   * copy: while the store holds an intent with this id (pending, inflight or
   * dead), `enqueue` stores nothing and resolves with the held envelope. The held
   * intent must be the same (type, partition key and payload) or the call fails
   * with `ERR_IDEMPOTENCY`. Once delivered, an id has left the queue and is
   * enqueued again; the receiver's idempotency, keyed by id, absorbs that copy.
   */
  id?: string;
}

/**
 * A durable intent queue, made by `createIntentQueue`.
 *
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * import type { IntentQueue } from '@tallystick/queue';
 * const queue: IntentQueue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' as const })) });
 * await queue.enqueue({ type: 'sale', payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } } });
 * (await queue.flush()).acked; // 1
 * ```
 */
export interface IntentQueue {
  /**
   * Validates, stamps and stores an intent; resolves with its envelope once durable.
   * @throws {TypeError} if `input` is not an object.
   * @throws {TallystickError} `ERR_SCHEMA` for an invalid intent (nothing is stored),
   * `QUEUE_STORAGE_FULL` when out of space (nothing is stored, earlier intents are intact),
   * `ERR_STORE` for other store failures, `ERR_QUEUE_CLOSED` after `close()`,
   * `ERR_IDEMPOTENCY` when `options.id` is held by a different intent (nothing is stored).
   */
  enqueue(input: IntentInput, options?: EnqueueOptions): Promise<IntentEnvelope>;
  /** Delivers everything deliverable now, whatever the online signal says; not while paused. */
  flush(): Promise<FlushResult>;
  /** Stops delivery after the batch in flight; enqueue keeps working. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** Intents not yet delivered and not dead. */
  size(): Promise<number>;
  /** The first `limit` pending intents, in order, without claiming them. */
  peek(limit?: number): Promise<QueuedIntent[]>;
  list(options?: ListOptions): Promise<QueuedIntent[]>;
  /** Moves dead intents (by id or as listed) back to the end of the queue with attempts reset. */
  requeue(targets: readonly (string | QueuedIntent)[]): Promise<number>;
  /** Deletes dead intents for good; only dead ones, only when asked. */
  discard(targets: readonly (string | QueuedIntent)[]): Promise<number>;
  stats(): Promise<QueueStats>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof QueueEvents>(event: K, listener: (payload: QueueEvents[K]) => void): () => void;
  /** Resolves when no delivery round is running. */
  idle(): Promise<void>;
  /** Stops delivery and releases the replayer lock. The store stays open: close it yourself. */
  close(): Promise<void>;
}
