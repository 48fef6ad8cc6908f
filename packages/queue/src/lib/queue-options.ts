import { type Clock, isValidHlcNode, MAX_INTENT_PAYLOAD_BYTES } from '@tallystick/core';
import type { OnlineSignal } from '../online.js';
import type { Scheduler } from '../scheduler.js';
import type { QueueStore } from '../store.js';
import type { SendFunction } from '../types.js';
import type { BackoffPolicy } from './backoff.js';

/**
 * Options for {@link createIntentQueue}. Only `store`, `send` and `device` are required.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const options: IntentQueueOptions = {
 *   store: createMemoryStore(),
 *   device: 'till-1',
 *   send: async (batch) => batch.map(() => ({ status: 'acked' })),
 *   batchSize: 50,
 *   retry: { baseMs: 1_000, maxMs: 300_000 },
 * };
 * ```
 */
export interface IntentQueueOptions {
  store: QueueStore;
  send: SendFunction;
  /** This install's id: the envelope's `device` and the HLC node. Unique per install. */
  device: string;
  clock?: Clock;
  scheduler?: Scheduler;
  /** When to deliver on its own. Default: the browser's online/offline events, or always online. */
  online?: OnlineSignal;
  /** Deliver after enqueue, on coming online and when retries fall due. Default true; false leaves it to `flush()`. */
  autoDeliver?: boolean;
  /** Intents per `send(batch)`, 1-1000. Default 100. */
  batchSize?: number;
  /** How long a claimed batch is reserved for one sender. Default 60 s; make `send` time out sooner. */
  leaseMs?: number;
  /** Backoff with full jitter: retry n waits uniform [0, min(maxMs, baseMs·2^(n-1))]. Default 1 s and 5 min. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Attempts before an intent moves to the dead-letter area. Default 100; `Infinity` retries forever. */
  maxAttempts?: number;
  /** Age (since enqueue or requeue) after which an undelivered intent moves to dead-letter. Default `Infinity`. */
  maxAgeMs?: number;
  /** Payload cap in bytes of canonical JSON, at most 65536. Default 65536. */
  maxPayloadBytes?: number;
  /** How long the replayer lock lasts without renewal, for stores that lease it. Default 30 s. */
  lockTtlMs?: number;
}

export interface CheckedOptions {
  batchSize: number;
  leaseMs: number;
  lockTtlMs: number;
  maxAttempts: number;
  maxAgeMs: number;
  maxPayloadBytes: number;
  backoff: BackoffPolicy;
}

interface RawOptions {
  store?: unknown;
  send?: unknown;
  device?: unknown;
  batchSize?: number;
  leaseMs?: number;
  lockTtlMs?: number;
  maxAttempts?: number;
  maxAgeMs?: number;
  maxPayloadBytes?: number;
  retry?: { baseMs?: number; maxMs?: number };
}

function int(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  const ok = v === Number.POSITIVE_INFINITY ? max === v : Number.isSafeInteger(v) && v >= min && v <= max;
  if (!ok) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
  return v;
}

export function checkOptions(options: RawOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const store = options.store as { append?: unknown; claim?: unknown } | undefined;
  if (typeof store?.append !== 'function' || typeof store.claim !== 'function') {
    throw new TypeError('options.store must be a QueueStore');
  }
  if (typeof options.send !== 'function') throw new TypeError('options.send must be a function');
  if (!isValidHlcNode(options.device))
    throw new TypeError('options.device must be 1-64 characters of [0-9A-Za-z._~-]');
  const day = 86_400_000;
  const baseMs = int(options.retry?.baseMs, 1_000, 'retry.baseMs', 1, day);
  return {
    batchSize: int(options.batchSize, 100, 'batchSize', 1, 1000),
    leaseMs: int(options.leaseMs, 60_000, 'leaseMs', 1, day),
    lockTtlMs: int(options.lockTtlMs, 30_000, 'lockTtlMs', 1, day),
    maxAttempts: int(options.maxAttempts, 100, 'maxAttempts', 1, Number.POSITIVE_INFINITY),
    maxAgeMs: int(options.maxAgeMs, Number.POSITIVE_INFINITY, 'maxAgeMs', 1, Number.POSITIVE_INFINITY),
    maxPayloadBytes: int(
      options.maxPayloadBytes,
      MAX_INTENT_PAYLOAD_BYTES,
      'maxPayloadBytes',
      2,
      MAX_INTENT_PAYLOAD_BYTES,
    ),
    backoff: { baseMs, maxMs: int(options.retry?.maxMs, 300_000, 'retry.maxMs', baseMs, day) },
  };
}
