/**
 * @packageDocumentation
 * An in-memory queue store: ephemeral, for tests and for runtimes where
 * losing the queue on exit is acceptable.
 */
import { type IntentEnvelope, TallystickError } from '@tallystick/core';
import { envelopeJson } from './lib/envelope-json.js';
import { closedError } from './lib/errors.js';
import { createLocalReplayerLock } from './lib/local-lock.js';
import { type IntentState, newState, toQueued } from './lib/state.js';
import { StateTable } from './lib/state-table.js';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  QueueStore,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from './store.js';
import type { QueuedIntent } from './types.js';

/**
 * Options for {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * import { createMemoryStore, type MemoryStoreOptions } from '@tallystick/queue/memory';
 * const options: MemoryStoreOptions = { maxBytes: 1_000_000 };
 * const store = createMemoryStore(options); // enqueue past 1 MB rejects with QUEUE_STORAGE_FULL
 * ```
 */
export interface MemoryStoreOptions {
  /** A quota on stored envelope size, in characters of JSON; beyond it appends fail with `QUEUE_STORAGE_FULL`. */
  maxBytes?: number;
}

/**
 * An in-memory {@link QueueStore} with an adjustable quota, so the behaviour
 * on a full store can be exercised without filling a disk.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const store: MemoryStore = createMemoryStore({ maxBytes: 10_000 });
 * store.maxBytes = Number.POSITIVE_INFINITY; // space freed
 * ```
 */
export interface MemoryStore extends QueueStore {
  /** The quota in characters of JSON; may be changed at any time. */
  maxBytes: number;
  /** Characters of JSON currently stored (dead intents included). */
  readonly usedBytes: number;
}

interface MemoryEntry extends IntentState {
  intent: IntentEnvelope;
  bytes: number;
}

/**
 * Creates an empty in-memory store. Nothing survives the process.
 *
 * @throws {RangeError} if `maxBytes` is negative or not a number.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 *
 * const queue = createIntentQueue({
 *   store: createMemoryStore(),
 *   device: 'till-1',
 *   send: async (batch) => batch.map(() => ({ status: 'acked' })),
 * });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const { maxBytes = Number.POSITIVE_INFINITY } = options;
  if (typeof maxBytes !== 'number' || Number.isNaN(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a number ≥ 0, got ${String(maxBytes)}`);
  }
  return new MemoryQueueStore(maxBytes);
}

class MemoryQueueStore implements MemoryStore {
  readonly kind = 'memory';
  readonly capabilities = {
    persistent: false,
    sharedAccess: false,
    concurrentReplayers: false,
    renewsLeases: true,
  } as const;
  private readonly table = new StateTable<MemoryEntry>();
  /** Every entry the table holds, by intent id, for `appendIfAbsent`. */
  private readonly byId = new Map<string, MemoryEntry>();
  private readonly replayer = createLocalReplayerLock();
  private seq = 0;
  private used = 0;
  private highWaterMark: string | undefined;
  private closed = false;

  constructor(public maxBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertOpen('append');
    const sizes = intents.map((intent) => envelopeJson(intent).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (this.used + total > this.maxBytes) {
      throw new TallystickError(
        'QUEUE_STORAGE_FULL',
        `memory store quota of ${this.maxBytes} bytes reached; nothing of this append was stored`,
      );
    }
    intents.forEach((intent, i) => {
      // Listings hand out the stored object itself, so it must not be mutable through them.
      const entry = newState(++this.seq, deepFreeze(intent), now) as MemoryEntry;
      entry.intent = intent;
      entry.bytes = sizes[i]!;
      this.table.add(entry);
      this.byId.set(intent.id, entry);
      if (this.highWaterMark === undefined || intent.hlc > this.highWaterMark)
        this.highWaterMark = intent.hlc;
    });
    this.used += total;
  }

  async appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined> {
    this.assertOpen('appendIfAbsent');
    const held = this.byId.get(intent.id);
    if (held) return held.intent;
    await this.append([intent], now);
    return undefined;
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    return this.table.claim(request).map((e) => toQueued(e, e.intent, request.now));
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    for (const s of settlements) {
      const entry = this.table.get(s.seq);
      if (s.kind === 'ack' && entry && entry.deadReason === undefined) this.used -= entry.bytes;
    }
    this.table.settle(settlements);
    for (const s of settlements) if (!this.table.get(s.seq)) this.forget(s.id, s.seq);
  }

  async requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertOpen('requeue');
    const dead = this.table.deadAmong(refs);
    for (const old of dead) {
      this.table.remove(old.seq);
      const fresh: MemoryEntry = {
        ...old,
        seq: ++this.seq,
        enqueuedAt: now,
        attempts: 0,
        nextAttemptAt: now,
        leaseUntil: 0,
        deadReason: undefined,
        deadAt: 0,
      };
      this.table.add(fresh);
      this.byId.set(fresh.intent.id, fresh);
    }
    return dead.length;
  }

  async discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertOpen('discard');
    const dead = this.table.deadAmong(refs);
    for (const entry of dead) {
      this.table.remove(entry.seq);
      this.forget(entry.intent.id, entry.seq);
      this.used -= entry.bytes;
    }
    return dead.length;
  }

  async renewLeases(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    this.assertOpen('renewLeases');
    return this.table.renew(refs, owner, leaseUntil);
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertOpen('count');
    return this.table.count(now);
  }

  async list(request: ListRequest): Promise<QueuedIntent[]> {
    this.assertOpen('list');
    return this.table.list(request).map((e) => toQueued(e, e.intent, request.now));
  }

  async nextDueAt(): Promise<number | undefined> {
    this.assertOpen('nextDueAt');
    return this.table.nextDueAt();
  }

  async highWater(): Promise<string | undefined> {
    return this.highWaterMark;
  }

  async acquireReplayer(owner: string): Promise<ReplayerLease | undefined> {
    this.assertOpen('acquireReplayer');
    return this.replayer(owner);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private forget(id: string, seq: number): void {
    if (this.byId.get(id)?.seq === seq) this.byId.delete(id);
  }

  private assertOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
