import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, IntentStatus, QueuedIntent } from './types.js';

/**
 * What an adapter can do, so the shared contract suite and the queue know
 * which guarantees hold.
 *
 * @example
 * ```ts
 * import type { StoreCapabilities } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const caps: StoreCapabilities = createMemoryStore().capabilities;
 * caps.persistent; // false: memory forgets on restart
 * ```
 */
export interface StoreCapabilities {
  /** Survives a process restart, reload or reboot. */
  readonly persistent: boolean;
  /** Several processes or tabs may open and enqueue into one store at once. */
  readonly sharedAccess: boolean;
  /** Several replayers may claim at once (e.g. `FOR UPDATE SKIP LOCKED`); otherwise one replayer lock. */
  readonly concurrentReplayers: boolean;
  /**
   * Implements {@link QueueStore.renewLeases}, so the queue keeps a batch's lease alive while a
   * slow `send` runs. Absent (older or third-party stores): a send longer than `leaseMs` may be
   * delivered again by another replayer, as before.
   */
  readonly renewsLeases?: boolean;
}

/**
 * Identifies a stored intent to the store (`seq` for log and SQL stores, `id` for humans).
 *
 * @example
 * ```ts
 * import type { IntentRef } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const store = createMemoryStore();
 * const dead = await store.list({ status: 'dead', limit: 10, now: 1_000 });
 * const refs: IntentRef[] = dead.map((q) => ({ seq: q.seq, id: q.intent.id }));
 * await store.requeue(refs, 1_000); // 0: nothing was dead
 * ```
 */
export interface IntentRef {
  readonly seq: number;
  readonly id: string;
}

/**
 * The result of one delivery attempt, applied by {@link QueueStore.settle} in one write.
 *
 * @example
 * ```ts
 * import type { Settlement } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const store = createMemoryStore();
 * const [claimed] = await store.claim({ limit: 1, now: 1_000, leaseMs: 60_000, owner: 'replayer-1' });
 * if (claimed) {
 *   const s: Settlement = { kind: 'reschedule', seq: claimed.seq, id: claimed.intent.id, attempts: 1, nextAttemptAt: 2_000, error: 'HTTP 503' };
 *   await store.settle([s]);
 * }
 * ```
 */
export type Settlement =
  | ({ kind: 'ack' } & IntentRef)
  | ({ kind: 'reschedule'; attempts: number; nextAttemptAt: number; error?: string } & IntentRef)
  | ({ kind: 'dead'; reason: DeadReason; error?: string; at: number } & IntentRef);

/**
 * Arguments of {@link QueueStore.claim}.
 *
 * @example
 * ```ts
 * import type { ClaimRequest } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const req: ClaimRequest = { limit: 100, now: 1_000, leaseMs: 60_000, owner: 'replayer-1' };
 * await createMemoryStore().claim(req); // []: an empty store
 * ```
 */
export interface ClaimRequest {
  readonly limit: number;
  readonly now: number;
  readonly leaseMs: number;
  readonly owner: string;
}

/**
 * Arguments of {@link QueueStore.list}: a page of intents in `seq` order.
 *
 * @example
 * ```ts
 * import type { ListRequest } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const page: ListRequest = { status: 'dead', limit: 50, now: 1_000 };
 * await createMemoryStore().list(page); // []
 * ```
 */
export interface ListRequest {
  readonly status?: IntentStatus | undefined;
  readonly limit: number;
  /** Only intents with a larger `seq`: pass the last `seq` of the previous page. */
  readonly afterSeq?: number | undefined;
  readonly now: number;
}

/**
 * Counts by status.
 *
 * @example
 * ```ts
 * import type { StoreCounts } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const c: StoreCounts = await createMemoryStore().count(1_000);
 * c.pending + c.inflight + c.dead; // 0
 * ```
 */
export interface StoreCounts {
  readonly pending: number;
  readonly inflight: number;
  readonly dead: number;
}

/**
 * Proof of being the one replayer of a store. Renew it while delivering;
 * release it when done so another process or tab can take over.
 *
 * @example
 * ```ts
 * import type { ReplayerLease } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const store = createMemoryStore();
 * const lease: ReplayerLease | undefined = await store.acquireReplayer('replayer-1', 60_000, 1_000);
 * if (lease && !(await lease.renew(2_000))) console.warn('someone else took over');
 * ```
 */
export interface ReplayerLease {
  /** Extends the lease; false if it was lost (then stop delivering). */
  renew(now: number): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Durable storage for intents: the one interface every adapter implements
 * and the one contract suite tests. Every method is all-or-nothing. Times are
 * epoch ms from the queue's injected clock, so stores never read a clock.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const store: QueueStore = createMemoryStore();
 * ```
 */
export interface QueueStore {
  /** Adapter name, e.g. `file` or `sqlite`. */
  readonly kind: string;
  readonly capabilities: StoreCapabilities;
  /**
   * Stores envelopes as pending, in order, and resolves once they are durable.
   * @throws {TallystickError} `QUEUE_STORAGE_FULL` when out of disk or quota; nothing of this call is stored.
   */
  append(intents: readonly IntentEnvelope[], now: number): Promise<void>;
  /**
   * Stores one envelope as pending, like `append`, unless the store still holds
   * an intent with its id (pending, inflight or dead): then nothing is written
   * and it resolves with the envelope held under that id. Resolves undefined
   * when `intent` was stored. Atomic against concurrent calls with one id, from
   * any handle of a shared store: of those, one stores and the others see it.
   * An id that was acknowledged has left the store, so it is stored again
   * (the receiver's idempotency, keyed by id, catches that one). Seqs follow
   * call order with other appends, except that the file store reads its log
   * once, on the first call after open, before deciding.
   * @throws {TallystickError} as `append`.
   */
  appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined>;
  /**
   * Claims up to `limit` deliverable intents: due, unleased, and first in their
   * partition (or following the partition's first within this claim). Each
   * gets `attempts + 1` and a lease until `now + leaseMs`.
   */
  claim(request: ClaimRequest): Promise<QueuedIntent[]>;
  /**
   * Optional (see {@link StoreCapabilities.renewsLeases}): extends to `leaseUntil` the lease of
   * each intent that is still live and still claimed by `owner`; returns how many it extended.
   * An intent whose lease ran out and that another replayer claimed is not extended.
   */
  renewLeases?(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number>;
  /** Applies delivery results: acked intents leave, others are rescheduled or moved to dead. */
  settle(settlements: readonly Settlement[]): Promise<void>;
  /** Moves dead intents back to pending at the end of the queue with attempts reset; returns how many moved. */
  requeue(refs: readonly IntentRef[], now: number): Promise<number>;
  /** Deletes dead intents for good, on explicit request only; returns how many were deleted. */
  discard(refs: readonly IntentRef[]): Promise<number>;
  count(now: number): Promise<StoreCounts>;
  list(request: ListRequest): Promise<QueuedIntent[]>;
  /** The earliest time a pending intent may become claimable, or undefined when none is pending. */
  nextDueAt(now: number): Promise<number | undefined>;
  /** The largest HLC stamp ever appended, so a restarted clock never goes backwards. */
  highWater(): Promise<string | undefined>;
  /** Becomes the store's single replayer, or resolves undefined if another holds it. */
  acquireReplayer(owner: string, ttlMs: number, now: number): Promise<ReplayerLease | undefined>;
  close(): Promise<void>;
}
