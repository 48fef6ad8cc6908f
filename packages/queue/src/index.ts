/**
 * @packageDocumentation
 * A durable intent queue for offline checkout: enqueue resolves once the
 * intent is stored; delivery is at-least-once with the intent id as
 * idempotency key, ordered per partition, with backoff, leases, a dead-letter
 * area and events. Storage adapters live behind their own subpaths:
 * `@tallystick/queue/memory`, `/file`, `/sqlite`, `/indexeddb`, `/postgres`; the
 * HTTP sender behind `@tallystick/queue/http`, so an app that sends its own way
 * does not load it.
 */

// The status table lives once, in core, so the sender retries exactly what replay refuses to store.
export { classifyHttpStatus, type HttpStatusClass } from '@tallystick/core';
export {
  browserOnlineSignal,
  createManualOnlineSignal,
  type ManualOnlineSignal,
  type OnlineSignal,
} from './online.js';
export {
  createIntentQueue,
  type EnqueueOptions,
  type FlushResult,
  type IntentQueue,
  type IntentQueueOptions,
  type ListOptions,
  type QueueEvents,
  type QueueStats,
} from './queue.js';
export { createManualScheduler, type ManualScheduler, type Scheduler, systemScheduler } from './scheduler.js';
export type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  QueueStore,
  ReplayerLease,
  Settlement,
  StoreCapabilities,
  StoreCounts,
} from './store.js';
export type {
  DeadReason,
  IntentInput,
  IntentStatus,
  QueuedIntent,
  SendFunction,
  SendOutcome,
} from './types.js';
