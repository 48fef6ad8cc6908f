/**
 * When the log writer should start its next group commit.
 *
 * Producers whose group just became durable come back together: their
 * continuations run as one long burst of microtasks, each building its next
 * intent before appending it. If the writer waits for the whole burst, the
 * CPU then idles through the group's fsync, and the producers idle through the
 * CPU burst: on a fast disk a third of the time went to waiting. Splitting
 * the producers into two cohorts lets one cohort's fsync run (on the thread
 * pool) while the other cohort computes.
 *
 * Splitting pays only while an fsync is shorter than a burst: on a slow disk
 * two cohorts would pay two fsyncs where one would do. So this keeps two
 * running estimates and decides from them:
 * - `ioMs`: how long a group took from write to the observed end of its fsync;
 * - `gapMs`: the time between two appends of one burst (the CPU per intent).
 *
 * Timing uses `performance.now()`: it decides only how appends are grouped,
 * never what is written or when a caller is told it is durable.
 */
export class GroupPace {
  private ioMs = Number.POSITIVE_INFINITY;
  private gapMs = 0;
  /** When the oldest append still waiting for a group arrived (NaN: none waiting). */
  private waitingSince = Number.NaN;
  private burstFirst = Number.NaN;
  private burstLast = 0;
  private burstAppends = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** An append arrived and waits for a group. */
  arrived(): void {
    const now = this.now();
    if (Number.isNaN(this.waitingSince)) this.waitingSince = now;
    if (Number.isNaN(this.burstFirst)) this.burstFirst = now;
    this.burstLast = now;
    this.burstAppends++;
  }

  /**
   * Whether the writer, idle, should write what is waiting now rather than at
   * the end of the current burst: once the waiting appends have gathered for
   * as long as a group's I/O takes, their fsync can run while the rest of the
   * burst computes.
   */
  startEarly(): boolean {
    return this.now() - this.waitingSince >= this.ioMs;
  }

  /** A group is being written: everything waiting went into it. */
  groupStarted(): number {
    this.waitingSince = Number.NaN;
    return this.now();
  }

  /**
   * A group of `members` appends became durable, `startedAt` being what
   * {@link groupStarted} returned. Returns whether the writer should write the
   * appends already waiting right away, overlapping the burst these members
   * are about to run, or wait for the burst so that both cohorts merge into
   * one group. Overlap pays while one fsync is shorter than both cohorts'
   * bursts together; the waiting cohort's burst already ran, so it is assumed
   * as long as this one's.
   */
  groupDone(members: number, startedAt: number, waiting: boolean): boolean {
    const now = this.now();
    const io = now - startedAt;
    this.ioMs = Number.isFinite(this.ioMs) ? this.ioMs * 0.75 + io * 0.25 : io;
    if (this.burstAppends >= 2) {
      const gap = (this.burstLast - this.burstFirst) / (this.burstAppends - 1);
      this.gapMs = this.gapMs === 0 ? gap : this.gapMs * 0.75 + gap * 0.25;
    }
    this.burstFirst = Number.NaN;
    this.burstAppends = 0;
    return waiting && this.ioMs < 2 * members * this.gapMs;
  }
}
