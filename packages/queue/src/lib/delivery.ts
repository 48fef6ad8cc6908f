import { type Clock, TallystickError } from '@tallystick/core';
import type { Scheduler } from '../scheduler.js';
import type { QueueStore, ReplayerLease, Settlement } from '../store.js';
import type { DeadReason, QueuedIntent, SendFunction, SendOutcome } from '../types.js';
import { type BackoffPolicy, backoffDelay } from './backoff.js';
import { ClaimAhead, type Claimed } from './claim-ahead.js';

export interface DeliveryConfig {
  store: QueueStore;
  send: SendFunction;
  clock: Clock;
  scheduler: Scheduler;
  owner: string;
  batchSize: number;
  leaseMs: number;
  lockTtlMs: number;
  maxAttempts: number;
  maxAgeMs: number;
  backoff: BackoffPolicy;
  random?: () => number;
  /** Hears failures of the background lease renewal, which cannot throw into the round. */
  onError?: (error: unknown) => void;
}

/** What happened to each intent of a batch, reported after the store recorded it. */
export interface BatchReport {
  sent: readonly QueuedIntent[];
  acked: QueuedIntent[];
  retried: { intent: QueuedIntent; error: string | undefined; delayMs: number }[];
  dead: { intent: QueuedIntent; reason: DeadReason; error: string | undefined }[];
  skipped: number;
}

/** Why a round ended: nothing deliverable, another replayer holds the store, a batch made no progress, or paused. */
export type RoundEnd = 'idle' | 'locked' | 'failing' | 'stopped';

const DAY = 86_400_000;

/**
 * One replayer's delivery rounds: take the replayer lock, then claim, send
 * and settle batches until nothing is deliverable or a batch makes no
 * progress (the network is down: stop rather than churn through the queue).
 * Batches are sent one at a time and reported in order; with a store built
 * for concurrent replayers the next batch is claimed while one is sent and
 * settled ({@link ClaimAhead}).
 */
export class Delivery {
  private lease: ReplayerLease | undefined;

  constructor(private readonly config: DeliveryConfig) {}

  async round(shouldStop: () => boolean, onBatch: (report: BatchReport) => void): Promise<RoundEnd> {
    const { store, clock, leaseMs } = this.config;
    if (!(await this.holdLock())) return 'locked';
    const ahead = store.capabilities.concurrentReplayers
      ? new ClaimAhead(store, () => this.claim())
      : undefined;
    let delivered = false;
    try {
      while (!shouldStop()) {
        // A batch claimed ahead is used unless a slow send let a third of its lease pass (the heartbeat period).
        const claimed = (await ahead?.take(clock.now(), leaseMs / 3)) ?? (await this.claim());
        if (claimed.batch.length === 0) {
          if ((await store.nextDueAt(claimed.at)) === undefined) await this.releaseLock();
          return 'idle';
        }
        // Not before the round has delivered a batch: after a restart, a batch that crashes the process
        // is sent alone, so no batch claimed ahead of it counts attempts it never got, crash after crash.
        if (ahead && delivered) ahead.start();
        const report = await this.deliver(claimed.batch, claimed.at);
        onBatch(report);
        if (report.acked.length === 0 && report.dead.length === 0) return 'failing';
        delivered = true;
        if (!(await this.holdLock())) return 'locked';
      }
      return 'stopped';
    } finally {
      // Not given back (the store is failing too?): its leases run out as after a crash.
      await ahead?.drop().catch((error: unknown) => this.config.onError?.(error));
    }
  }

  private async claim(): Promise<Claimed> {
    const at = this.config.clock.now();
    const { batchSize: limit, leaseMs, owner } = this.config;
    return { batch: await this.config.store.claim({ limit, now: at, leaseMs, owner }), at };
  }

  async releaseLock(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release();
  }

  private async holdLock(): Promise<boolean> {
    const now = this.config.clock.now();
    if (this.lease && (await this.lease.renew(now))) return true;
    this.lease = await this.config.store.acquireReplayer(this.config.owner, this.config.lockTtlMs, now);
    return this.lease !== undefined;
  }

  private async deliver(batch: QueuedIntent[], claimedAt: number): Promise<BatchReport> {
    const { maxAgeMs, maxAttempts } = this.config;
    const report: BatchReport = { sent: [], acked: [], retried: [], dead: [], skipped: 0 };
    const settlements: Settlement[] = [];
    const toSend: QueuedIntent[] = [];
    for (const q of batch) {
      // Too old, or claimed again after crashing mid-send more often than allowed: park it unsent.
      const reason: DeadReason | undefined =
        claimedAt - q.enqueuedAt > maxAgeMs
          ? 'max-age'
          : q.attempts > maxAttempts
            ? 'max-attempts'
            : undefined;
      if (reason) {
        settlements.push(dead(q, reason, q.lastError, claimedAt));
        report.dead.push({ intent: q, reason, error: q.lastError });
      } else {
        toSend.push(q);
      }
    }
    report.sent = toSend;
    const outcomes = toSend.length > 0 ? await this.callSend(toSend) : [];
    const now = this.config.clock.now();
    toSend.forEach((q, i) => {
      const outcome = outcomes[i]!;
      const ref = { seq: q.seq, id: q.intent.id };
      if (outcome.status === 'acked') {
        settlements.push({ kind: 'ack', ...ref });
        report.acked.push(q);
      } else if (outcome.status === 'permanent') {
        settlements.push(dead(q, 'permanent', outcome.error, now));
        report.dead.push({ intent: q, reason: 'permanent', error: outcome.error });
      } else if (outcome.status === 'skipped') {
        settlements.push({
          kind: 'reschedule',
          ...ref,
          attempts: Math.max(0, q.attempts - 1),
          nextAttemptAt: now,
        });
        report.skipped++;
      } else if (q.attempts >= maxAttempts) {
        settlements.push(dead(q, 'max-attempts', outcome.error, now));
        report.dead.push({ intent: q, reason: 'max-attempts', error: outcome.error });
      } else {
        const floor = Math.min(Math.max(0, outcome.retryAfterMs ?? 0), DAY);
        const delayMs = Math.max(floor, backoffDelay(q.attempts, this.config.backoff, this.config.random));
        const s: Settlement = {
          kind: 'reschedule',
          ...ref,
          attempts: q.attempts,
          nextAttemptAt: now + delayMs,
        };
        if (outcome.error !== undefined) s.error = outcome.error;
        settlements.push(s);
        report.retried.push({ intent: q, error: outcome.error, delayMs });
      }
    });
    await this.config.store.settle(settlements);
    return report;
  }

  /** A throw or a malformed answer means nothing is known to be delivered: retry them all. */
  private async callSend(batch: QueuedIntent[]): Promise<readonly SendOutcome[]> {
    let outcomes: unknown;
    const stopRenewing = this.keepLeases(batch);
    try {
      outcomes = await this.config.send(batch);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return batch.map(() => ({ status: 'retry', error: `send failed: ${message}` }));
    } finally {
      stopRenewing();
    }
    if (!Array.isArray(outcomes) || outcomes.length !== batch.length || !outcomes.every(isOutcome)) {
      const what = Array.isArray(outcomes) ? `${outcomes.length} outcomes` : typeof outcomes;
      return batch.map(() => ({
        status: 'retry',
        error: `send returned ${what} for ${batch.length} intents`,
      }));
    }
    return outcomes;
  }

  /**
   * Heartbeat while `send` runs: every leaseMs/3 the batch's leases (and the
   * replayer lock) are extended, so a slow receiver never lets the lease run out
   * and another replayer deliver the batch concurrently. The next beat is set
   * only after the previous renewal finished, so renewals never overlap; two
   * missed beats still leave a third of the lease. A crashed process stops
   * beating, and its batch becomes claimable one lease after the last beat.
   */
  private keepLeases(batch: readonly QueuedIntent[]): () => void {
    const { store, scheduler, clock, leaseMs, owner, onError } = this.config;
    if (typeof store.renewLeases !== 'function') return () => undefined;
    const refs = batch.map((q) => ({ seq: q.seq, id: q.intent.id }));
    const every = Math.max(1, Math.floor(leaseMs / 3));
    let stopped = false;
    let handle: unknown;
    const beat = async () => {
      handle = undefined;
      if (stopped) return;
      const now = clock.now();
      try {
        const kept = await store.renewLeases!(refs, owner, now + leaseMs);
        // A beat that lands after send returned may race the settle, which ends the leases anyway.
        if (kept < refs.length && !stopped) {
          onError?.(
            new TallystickError(
              'ERR_QUEUE_LOCKED',
              `lease renewal kept ${kept} of ${refs.length} intents: the others ran out and another replayer may deliver them too`,
            ),
          );
        }
        await this.lease?.renew(now);
      } catch (error) {
        onError?.(error);
      }
      if (!stopped) handle = scheduler.setTimeout(() => void beat(), every);
    };
    handle = scheduler.setTimeout(() => void beat(), every);
    return () => {
      stopped = true;
      if (handle !== undefined) scheduler.clearTimeout(handle);
    };
  }
}

function dead(q: QueuedIntent, reason: DeadReason, error: string | undefined, at: number): Settlement {
  const s: Settlement = { kind: 'dead', seq: q.seq, id: q.intent.id, reason, at };
  if (error !== undefined) s.error = error;
  return s;
}

function isOutcome(value: unknown): value is SendOutcome {
  const status = (value as { status?: unknown } | null)?.status;
  return status === 'acked' || status === 'retry' || status === 'permanent' || status === 'skipped';
}
