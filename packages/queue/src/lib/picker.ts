/**
 * Chooses a batch from live (not dead) intents offered in `seq` order, so
 * every adapter applies the same ordering rules:
 * - an intent without a partition is taken when due and not leased;
 * - within a partition, only an unbroken run from the partition's first live
 *   intent is taken; the first one that is not due blocks the rest of its
 *   partition, and only its partition (no head-of-line blocking across keys).
 */
export class BatchPicker {
  private readonly blocked = new Set<string>();
  private taken = 0;

  constructor(
    private readonly limit: number,
    private readonly now: number,
  ) {}

  get full(): boolean {
    return this.taken >= this.limit;
  }

  /** Offers the next live intent; true means take it. `leaseUntil` 0 means unleased. */
  offer(partitionKey: string | undefined, nextAttemptAt: number, leaseUntil: number): boolean {
    if (this.taken >= this.limit) return false;
    const due = nextAttemptAt <= this.now && leaseUntil <= this.now;
    if (partitionKey !== undefined) {
      if (this.blocked.has(partitionKey)) return false;
      if (!due) {
        this.blocked.add(partitionKey);
        return false;
      }
    } else if (!due) {
      return false;
    }
    this.taken++;
    return true;
  }
}

/**
 * Tracks when the next claim could succeed: the earliest time an unpartitioned
 * intent or a partition's first intent becomes due. Intents behind a
 * partition's first are ignored: they cannot go before it.
 */
export class DueTracker {
  private readonly seen = new Set<string>();
  earliest: number | undefined;

  offer(partitionKey: string | undefined, nextAttemptAt: number, leaseUntil: number): void {
    if (partitionKey !== undefined) {
      if (this.seen.has(partitionKey)) return;
      this.seen.add(partitionKey);
    }
    const due = Math.max(nextAttemptAt, leaseUntil);
    if (this.earliest === undefined || due < this.earliest) this.earliest = due;
  }
}
