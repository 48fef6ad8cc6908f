import type { DeadReason } from '../types.js';

/**
 * Delivery state of an intent that has left the pristine state: claimed at
 * least once, rescheduled, dead, or requeued with its last error.
 */
export interface Touched {
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  /** The replayer holding the lease, in memory only: a lease never outlives its process's store. */
  leaseOwner?: string;
  lastError: string | undefined;
  deadReason: DeadReason | undefined;
  deadAt: number;
}

/** How a window entry is persisted in CLAIM records: seq, log position, frame length, enqueuedAt, partition. */
export type WindowRow = [seq: number, pos: number, len: number, enqueuedAt: number, partition: string | null];

const INITIAL = 256;

/**
 * The file adapter's in-memory view of the log before its read cursor: the
 * live intents the replayer has read past and not yet acked (in flight,
 * retrying, dead, or held because their partition is blocked), in `seq`
 * order. Everything after the cursor stays on disk. Locations live in typed
 * arrays (33 bytes per entry, off the JS heap); only intents with a
 * non-pristine state get a {@link Touched} object.
 *
 * Indices are stable until {@link push} grows or rebuilds the arrays, so
 * callers never hold one across an `await`.
 */
export class FileWindow {
  private seqs = new Float64Array(INITIAL);
  private poss = new Float64Array(INITIAL);
  private lens = new Uint32Array(INITIAL);
  private enqs = new Float64Array(INITIAL);
  private parts = new Int32Array(INITIAL);
  private alive = new Uint8Array(INITIAL);
  private start = 0;
  private end = 0;
  private live = 0;
  private partitionIds = new Map<string, number>();
  private partitionNames: string[] = [];
  /** States of the entries that are not pristine, by seq. */
  readonly touched = new Map<number, Touched>();

  get size(): number {
    return this.live;
  }

  /** The largest seq ever pushed since the window was last empty (0 when empty). */
  get lastSeq(): number {
    return this.end > 0 ? this.seqs[this.end - 1]! : 0;
  }

  push(seq: number, pos: number, len: number, enqueuedAt: number, partition: string | undefined): number {
    if (seq <= this.lastSeq) throw new RangeError(`seq ${seq} is not after ${this.lastSeq}`);
    if (this.end === this.seqs.length) this.makeRoom();
    const i = this.end++;
    this.seqs[i] = seq;
    this.poss[i] = pos;
    this.lens[i] = len;
    this.enqs[i] = enqueuedAt;
    this.parts[i] = partition === undefined ? -1 : this.intern(partition);
    this.alive[i] = 1;
    this.live++;
    return i;
  }

  /** Index of the live entry with this seq, or -1. */
  find(seq: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.end && this.seqs[lo] === seq && this.alive[lo] === 1 ? lo : -1;
  }

  remove(i: number): void {
    if (this.alive[i] !== 1) return;
    this.alive[i] = 0;
    this.touched.delete(this.seqs[i]!);
    this.live--;
    while (this.start < this.end && this.alive[this.start] === 0) this.start++;
    if (this.live === 0) {
      // Empty: start over, which also forgets partition names no longer used.
      this.start = 0;
      this.end = 0;
      this.partitionIds.clear();
      this.partitionNames = [];
    }
  }

  /** Live indices in seq order, from the first seq after `afterSeq` when given. */
  *indices(afterSeq?: number): IterableIterator<number> {
    let i = afterSeq === undefined ? this.start : this.firstAfter(afterSeq);
    for (; i < this.end; i++) if (this.alive[i] === 1) yield i;
  }

  seq(i: number): number {
    return this.seqs[i]!;
  }
  pos(i: number): number {
    return this.poss[i]!;
  }
  len(i: number): number {
    return this.lens[i]!;
  }
  enqueuedAt(i: number): number {
    return this.enqs[i]!;
  }
  partition(i: number): string | undefined {
    const p = this.parts[i]!;
    return p < 0 ? undefined : this.partitionNames[p];
  }
  state(i: number): Touched | undefined {
    return this.touched.get(this.seqs[i]!);
  }

  /** The state of entry `i`, made non-pristine (created on first touch). */
  touch(i: number): Touched {
    const seq = this.seqs[i]!;
    let t = this.touched.get(seq);
    if (!t) {
      const enq = this.enqs[i]!;
      t = {
        attempts: 0,
        nextAttemptAt: enq,
        leaseUntil: 0,
        lastError: undefined,
        deadReason: undefined,
        deadAt: 0,
      };
      this.touched.set(seq, t);
    }
    return t;
  }

  /** Dead and in-flight intents: every intent outside the window is pending. */
  unsettled(now: number): { dead: number; inflight: number } {
    let dead = 0;
    let inflight = 0;
    for (const t of this.touched.values()) {
      if (t.deadReason !== undefined) dead++;
      else if (t.leaseUntil > now) inflight++;
    }
    return { dead, inflight };
  }

  relocate(i: number, pos: number, len: number): void {
    this.poss[i] = pos;
    this.lens[i] = len;
  }

  row(i: number): WindowRow {
    return [this.seqs[i]!, this.poss[i]!, this.lens[i]!, this.enqs[i]!, this.partition(i) ?? null];
  }

  private firstAfter(seq: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private intern(partition: string): number {
    let id = this.partitionIds.get(partition);
    if (id === undefined) {
      id = this.partitionNames.length;
      this.partitionNames.push(partition);
      this.partitionIds.set(partition, id);
    }
    return id;
  }

  /** Drops holes when most of the arrays are holes, else doubles them, so memory follows the live size. */
  private makeRoom(): void {
    const capacity = this.live * 2 + INITIAL <= this.seqs.length ? this.seqs.length : this.seqs.length * 2;
    const names = this.partitionNames;
    this.partitionIds = new Map();
    this.partitionNames = [];
    const next = {
      seqs: new Float64Array(capacity),
      poss: new Float64Array(capacity),
      lens: new Uint32Array(capacity),
      enqs: new Float64Array(capacity),
      parts: new Int32Array(capacity),
      alive: new Uint8Array(capacity),
    };
    let j = 0;
    for (let i = this.start; i < this.end; i++) {
      if (this.alive[i] !== 1) continue;
      next.seqs[j] = this.seqs[i]!;
      next.poss[j] = this.poss[i]!;
      next.lens[j] = this.lens[i]!;
      next.enqs[j] = this.enqs[i]!;
      const p = this.parts[i]!;
      next.parts[j] = p < 0 ? -1 : this.intern(names[p]!);
      next.alive[j] = 1;
      j++;
    }
    ({
      seqs: this.seqs,
      poss: this.poss,
      lens: this.lens,
      enqs: this.enqs,
      parts: this.parts,
      alive: this.alive,
    } = next);
    this.start = 0;
    this.end = j;
  }
}
