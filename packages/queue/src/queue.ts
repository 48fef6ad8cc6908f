import { type IntentEnvelope, newRandomId, systemClock } from '@tallystick/core';
import { backoffDelay } from './lib/backoff.js';
import { chosenId, sameIntent } from './lib/chosen-id.js';
import { type BatchReport, Delivery, type RoundEnd } from './lib/delivery.js';
import { Emitter } from './lib/emitter.js';
import { buildEnvelope } from './lib/envelope.js';
import { closedError, toStoreError } from './lib/errors.js';
import type { EnqueueOptions, FlushResult, IntentQueue, QueueEvents } from './lib/queue-api.js';
import { checkOptions, type IntentQueueOptions } from './lib/queue-options.js';
import { deadRefs } from './lib/refs.js';
import { createStamps } from './lib/stamps.js';
import { browserOnlineSignal } from './online.js';
import { systemScheduler } from './scheduler.js';
import type { IntentInput } from './types.js';

export type {
  EnqueueOptions,
  FlushResult,
  IntentQueue,
  ListOptions,
  QueueEvents,
  QueueStats,
} from './lib/queue-api.js';
export type { IntentQueueOptions } from './lib/queue-options.js';

/**
 * Creates a durable intent queue: `enqueue` resolves once the intent is in
 * the store, and delivery sends it at least once, in order per partition, with
 * its id as idempotency key, until the receiver acknowledges it or it is
 * parked in the dead-letter area. Nothing is ever dropped silently.
 *
 * @throws {TypeError} if `store`, `send` or `device` is missing or of the wrong type.
 * @throws {RangeError} if a numeric option is out of range.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createHttpSender } from '@tallystick/queue/http';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 *
 * const queue = createIntentQueue({
 *   store: createMemoryStore(),
 *   device: 'till-1',
 *   send: createHttpSender({ url: 'https://shop.example/intents' }),
 * });
 * queue.on('acked', ({ intent }) => console.log('delivered', intent.intent.id));
 * await queue.enqueue({ type: 'sale', payload: { sku: 'apple', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } } });
 * ```
 */
export function createIntentQueue(options: IntentQueueOptions): IntentQueue {
  const o = checkOptions(options);
  const { store, device } = options;
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? systemScheduler;
  const online = options.online ?? browserOnlineSignal();
  const autoDeliver = options.autoDeliver ?? true;
  const events = new Emitter<QueueEvents>();
  const counters = { enqueued: 0, sent: 0, acked: 0, retried: 0, deadLettered: 0 };
  const taps = new Set<(report: BatchReport) => void>();
  const owner = newRandomId();
  const onError = (error: unknown) => reportError(error);
  const delivery = new Delivery({ ...o, store, send: options.send, clock, scheduler, owner, onError });
  const stamps = createStamps(store, device, clock);
  let paused = false;
  let closed = false;
  let running: Promise<RoundEnd> | undefined;
  let timer: unknown;
  let failures = 0;
  let lastError: string | undefined;

  const reportError = (error: unknown) => {
    lastError = error instanceof Error ? error.message : String(error);
    events.emit('error', { error });
  };

  const onBatch = (report: BatchReport) => {
    for (const tap of taps) tap(report);
    counters.sent += report.sent.length;
    if (report.sent.length > 0) events.emit('sent', { batch: report.sent }, reportError);
    for (const intent of report.acked) {
      counters.acked++;
      events.emit('acked', { intent }, reportError);
    }
    for (const { intent, error, delayMs } of report.retried) {
      counters.retried++;
      if (error !== undefined) lastError = error;
      events.emit('retry', { intent, error, delayMs }, reportError);
    }
    for (const { intent, reason, error } of report.dead) {
      counters.deadLettered++;
      events.emit('dead', { intent, reason, error }, reportError);
    }
  };

  const runRound = (): Promise<RoundEnd> => {
    running ??= delivery
      .round(() => paused || closed, onBatch)
      .catch((error: unknown) => {
        reportError(error);
        return 'failing' as const;
      })
      .then((end) => {
        failures = end === 'failing' ? failures + 1 : end === 'locked' ? failures : 0;
        running = undefined;
        return end;
      });
    return running;
  };

  const deliveringOnItsOwn = () => !closed && !paused && autoDeliver && online.online;

  const wakeAt = (at: number) => {
    if (timer !== undefined) scheduler.clearTimeout(timer);
    timer = scheduler.setTimeout(
      () => {
        timer = undefined;
        void kick();
      },
      Math.max(0, at - clock.now()),
    );
  };

  /** Sets the next wake-up from how the last round ended. */
  const schedule = async (end: RoundEnd) => {
    if (!deliveringOnItsOwn()) return;
    const now = clock.now();
    let at: number | undefined;
    if (end === 'locked') at = now + Math.ceil(o.lockTtlMs / 3);
    else if (end === 'stopped') at = now;
    else at = await store.nextDueAt(now).catch(() => now + o.backoff.maxMs);
    // After a batch without progress, wait as a retry would before probing the receiver again.
    if (end === 'failing') at = Math.max(at ?? now, now + backoffDelay(failures, o.backoff));
    if (at !== undefined && deliveringOnItsOwn()) wakeAt(Math.max(at, now));
  };

  const kicks = new Set<Promise<void>>();
  const kick = (): Promise<void> => {
    const run = (async () => {
      while (running) await running;
      if (deliveringOnItsOwn()) await schedule(await runRound());
    })().catch(reportError);
    kicks.add(run);
    void run.finally(() => kicks.delete(run));
    return run;
  };

  const unsubscribe = online.subscribe((isOnline) => {
    if (isOnline) void kick();
  });

  const assertOpen = (what: string) => {
    if (closed) throw closedError(what);
  };

  return {
    async enqueue(input: IntentInput, options?: EnqueueOptions): Promise<IntentEnvelope> {
      assertOpen('enqueue');
      const id = chosenId(options);
      const envelope = buildEnvelope(input, {
        device,
        hlc: await stamps(),
        clock,
        maxPayloadBytes: o.maxPayloadBytes,
        id,
      });
      let held: IntentEnvelope | undefined;
      try {
        if (id === undefined) await store.append([envelope], clock.now());
        else held = await store.appendIfAbsent(envelope, clock.now());
      } catch (error) {
        throw toStoreError(error, 'enqueue');
      }
      if (held) return sameIntent(held, envelope);
      counters.enqueued++;
      events.emit('enqueued', { intent: envelope }, reportError);
      // While the receiver is failing, the backoff timer decides; otherwise deliver promptly.
      if (deliveringOnItsOwn() && failures === 0 && !running) wakeAt(clock.now());
      return envelope;
    },
    async flush(): Promise<FlushResult> {
      assertOpen('flush');
      const totals: FlushResult = { sent: 0, acked: 0, retried: 0, dead: 0, locked: false };
      const tap = (r: BatchReport) => {
        totals.sent += r.sent.length;
        totals.acked += r.acked.length;
        totals.retried += r.retried.length;
        totals.dead += r.dead.length;
      };
      taps.add(tap);
      try {
        while (running) await running;
        if (paused) return totals;
        const end = await runRound();
        totals.locked = end === 'locked';
        await schedule(end);
      } finally {
        taps.delete(tap);
      }
      return totals;
    },
    pause() {
      paused = true;
      if (timer !== undefined) scheduler.clearTimeout(timer);
      timer = undefined;
    },
    resume() {
      if (!paused) return;
      paused = false;
      void kick();
    },
    get paused() {
      return paused;
    },
    async size() {
      const c = await store.count(clock.now());
      return c.pending + c.inflight;
    },
    peek: async (limit = 1) => store.list({ status: 'pending', limit, now: clock.now() }),
    list: async (opts = {}) =>
      store.list({
        status: opts.status,
        limit: opts.limit ?? 100,
        afterSeq: opts.afterSeq,
        now: clock.now(),
      }),
    async requeue(targets) {
      assertOpen('requeue');
      const moved = await store.requeue(await deadRefs(store, targets, clock.now()), clock.now());
      if (moved > 0) {
        failures = 0;
        void kick();
      }
      return moved;
    },
    async discard(targets) {
      assertOpen('discard');
      return store.discard(await deadRefs(store, targets, clock.now()));
    },
    async stats() {
      const c = await store.count(clock.now());
      return { ...c, ...counters, paused, online: online.online, consecutiveFailures: failures, lastError };
    },
    on: (event, listener) => events.on(event, listener),
    async idle() {
      while (running || kicks.size > 0) await Promise.all([running, ...kicks]);
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      if (timer !== undefined) scheduler.clearTimeout(timer);
      timer = undefined;
      while (running) await running;
      await delivery.releaseLock().catch(() => undefined);
    },
  };
}
