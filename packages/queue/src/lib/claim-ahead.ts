import type { QueueStore, Settlement } from '../store.js';
import type { QueuedIntent } from '../types.js';

/** A claimed batch and the clock reading its leases were taken at. */
export interface Claimed {
  batch: QueuedIntent[];
  at: number;
}

/**
 * At most one claim taken ahead of the batch being delivered, so the store
 * works out batch k+1 while batch k is sent and settled: a database server
 * then claims on one core while this process sends on another, instead of
 * each waiting for the other. Only for stores built for concurrent replayers
 * (`capabilities.concurrentReplayers`), whose claims run beside settles.
 *
 * Correctness does not depend on the store knowing about it: batch k is
 * leased while batch k+1 is claimed, so a claim never takes an intent of a
 * partition whose earlier intent is still in batch k (its lease blocks the
 * partition, exactly as another replayer's would), and no intent twice.
 */
export class ClaimAhead {
  private pending: Promise<Claimed> | undefined;

  constructor(
    private readonly store: QueueStore,
    private readonly claim: () => Promise<Claimed>,
  ) {}

  /** Starts claiming the next batch now; a failure surfaces from {@link take}. */
  start(): void {
    const claiming = this.claim();
    // Handled in take() or drop(); until then it must not count as unhandled.
    claiming.catch(() => undefined);
    this.pending = claiming;
  }

  /**
   * The batch claimed ahead, or undefined if none was started. Returns
   * undefined too when it came back empty (partitions still held by the
   * previous batch may be deliverable now: claim afresh) or is older than
   * `maxAgeMs` (a slow send: its leases are released rather than trusted, so
   * no intent is sent on a lease about to run out).
   */
  async take(now: number, maxAgeMs: number): Promise<Claimed | undefined> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return undefined;
    const claimed = await pending;
    if (claimed.batch.length === 0) return undefined;
    if (now - claimed.at > maxAgeMs) {
      await this.store.settle(claimed.batch.map(unclaim));
      return undefined;
    }
    return claimed;
  }

  /**
   * Gives a batch claimed ahead back when the round ends before sending it
   * (stopped, failing, lost lock): attempts and due time as before the
   * claim, lease cleared, so it is deliverable at once rather than after a
   * lease. A claim that failed is forgotten (the round ends anyway).
   */
  async drop(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    const claimed = await pending?.catch(() => undefined);
    if (claimed && claimed.batch.length > 0) await this.store.settle(claimed.batch.map(unclaim));
  }
}

/** Undoes a claim that was never sent: the `attempts` it counted, and its lease. */
function unclaim(q: QueuedIntent): Settlement {
  return {
    kind: 'reschedule',
    seq: q.seq,
    id: q.intent.id,
    attempts: Math.max(0, q.attempts - 1),
    nextAttemptAt: q.nextAttemptAt,
  };
}
