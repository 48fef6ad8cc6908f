import type { ClaimRequest, IntentRef, ListRequest, Settlement, StoreCounts } from '../store.js';
import { BatchPicker, DueTracker } from './picker.js';
import { clipError, type IntentState, statusOf } from './state.js';

/**
 * An in-memory table of intent states in `seq` order, with the claim, settle
 * and inspection rules the memory and file adapters share. Entries may carry
 * more than the state (the memory adapter keeps the envelope, the file
 * adapter its position in the log).
 *
 * `order` is an append-only array of seqs with a moving start, so removing
 * acked intents from the front is O(1) and a page after a given seq is a
 * binary search, even with a million intents queued.
 */
export class StateTable<E extends IntentState> {
  private order: number[] = [];
  private start = 0;
  private readonly live = new Map<number, E>();
  private dead = 0;

  get size(): number {
    return this.live.size;
  }

  get lastSeq(): number {
    return this.order.length > 0 ? this.order[this.order.length - 1]! : 0;
  }

  get(seq: number): E | undefined {
    return this.live.get(seq);
  }

  add(entry: E): void {
    if (entry.seq <= this.lastSeq) throw new RangeError(`seq ${entry.seq} is not after ${this.lastSeq}`);
    this.order.push(entry.seq);
    this.live.set(entry.seq, entry);
    if (entry.deadReason !== undefined) this.dead++;
  }

  remove(seq: number): E | undefined {
    const entry = this.live.get(seq);
    if (!entry) return undefined;
    this.live.delete(seq);
    if (entry.deadReason !== undefined) this.dead--;
    while (this.start < this.order.length && !this.live.has(this.order[this.start]!)) this.start++;
    // Rebuild once most of the array is holes, so memory follows the live size.
    if (this.order.length - this.start > 2 * this.live.size + 1024) {
      this.order = this.order.slice(this.start).filter((s) => this.live.has(s));
      this.start = 0;
    }
    return entry;
  }

  /** Live entries in seq order, after `afterSeq` when given. */
  *scan(afterSeq?: number): IterableIterator<E> {
    let i = afterSeq === undefined ? this.start : this.indexAfter(afterSeq);
    for (; i < this.order.length; i++) {
      const entry = this.live.get(this.order[i]!);
      if (entry) yield entry;
    }
  }

  claim(request: ClaimRequest): E[] {
    const picker = new BatchPicker(request.limit, request.now);
    const out: E[] = [];
    for (const entry of this.scan()) {
      if (picker.full) break;
      if (entry.deadReason !== undefined) continue;
      if (picker.offer(entry.partitionKey, entry.nextAttemptAt, entry.leaseUntil)) out.push(entry);
    }
    for (const entry of out) {
      entry.attempts++;
      entry.leaseUntil = request.now + request.leaseMs;
      entry.leaseOwner = request.owner;
    }
    return out;
  }

  /** Extends the leases `owner` still holds (claimed, not settled, not taken over); returns how many. */
  renew(refs: readonly IntentRef[], owner: string, leaseUntil: number): number {
    let renewed = 0;
    for (const ref of refs) {
      const entry = this.live.get(ref.seq);
      if (!entry || entry.leaseOwner !== owner || entry.leaseUntil === 0 || entry.deadReason !== undefined)
        continue;
      entry.leaseUntil = Math.max(entry.leaseUntil, leaseUntil);
      renewed++;
    }
    return renewed;
  }

  /** Applies settlements; unknown seqs (already acked or discarded) are ignored, as a replayed log needs. */
  settle(settlements: readonly Settlement[]): void {
    for (const s of settlements) {
      const entry = this.live.get(s.seq);
      if (!entry || entry.deadReason !== undefined) continue;
      if (s.kind === 'ack') {
        this.remove(s.seq);
      } else if (s.kind === 'reschedule') {
        entry.attempts = s.attempts;
        entry.nextAttemptAt = s.nextAttemptAt;
        entry.leaseUntil = 0;
        if (s.error !== undefined) entry.lastError = clipError(s.error);
      } else {
        entry.deadReason = s.reason;
        entry.deadAt = s.at;
        entry.leaseUntil = 0;
        if (s.error !== undefined) entry.lastError = clipError(s.error);
        this.dead++;
      }
    }
  }

  /** Dead entries among `refs`, in seq order, for requeue or discard. */
  deadAmong(refs: readonly IntentRef[]): E[] {
    const out: E[] = [];
    for (const ref of refs) {
      const entry = this.live.get(ref.seq);
      if (entry && entry.id === ref.id && entry.deadReason !== undefined) out.push(entry);
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  count(now: number): StoreCounts {
    let inflight = 0;
    for (const entry of this.scan()) if (entry.deadReason === undefined && entry.leaseUntil > now) inflight++;
    return { pending: this.live.size - this.dead - inflight, inflight, dead: this.dead };
  }

  list(request: ListRequest): E[] {
    const out: E[] = [];
    for (const entry of this.scan(request.afterSeq)) {
      if (out.length >= request.limit) break;
      if (request.status && statusOf(entry.deadReason, entry.leaseUntil, request.now) !== request.status)
        continue;
      out.push(entry);
    }
    return out;
  }

  nextDueAt(): number | undefined {
    const tracker = new DueTracker();
    for (const entry of this.scan()) {
      if (entry.deadReason === undefined)
        tracker.offer(entry.partitionKey, entry.nextAttemptAt, entry.leaseUntil);
    }
    return tracker.earliest;
  }

  private indexAfter(seq: number): number {
    let lo = this.start;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]! <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
