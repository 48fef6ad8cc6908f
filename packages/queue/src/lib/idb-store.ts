import { type IntentEnvelope, isTallystickError } from '@tallystick/core';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  QueueStore,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from '../store.js';
import type { QueuedIntent } from '../types.js';
import { corruptHeldError } from './checksum.js';
import { closedError, toStoreError } from './errors.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { IdbClaims } from './idb-claim.js';
import { acquireIdbReplayer, type LockManagerLike } from './idb-lock.js';
import { type IdbRecord, intact, newRecord, recordToQueued } from './idb-record.js';
import { inTransaction, request, walk } from './idb-util.js';
import { DueTracker } from './picker.js';
import { statusOf } from './state.js';

/** The IndexedDB adapter's store; every write transaction is `durability: 'strict'`. */
export class IndexedDbQueueStore implements QueueStore {
  readonly kind = 'indexeddb';
  readonly capabilities = {
    persistent: true,
    sharedAccess: true,
    concurrentReplayers: false,
    renewsLeases: true,
  } as const;
  private readonly appends: GroupCommit<IdbRecord>;
  private readonly claims: IdbClaims;
  /** Records of `appendIfAbsent` calls waiting for their group, and what they found held. */
  private readonly unique = new WeakMap<IdbRecord, { held?: IntentEnvelope; corrupt?: true }>();
  private closed = false;

  constructor(
    private readonly db: IDBDatabase,
    private readonly name: string,
    private readonly keyRange: typeof IDBKeyRange,
    private readonly locks: LockManagerLike | undefined,
  ) {
    this.claims = new IdbClaims(db, (what, fn) => this.guard(what, fn));
    // Enqueues that arrive together share one strict (flushed) transaction.
    this.appends = createGroupCommit((records) =>
      inTransaction(this.db, ['intents', 'meta'], 'readwrite', async (tx) => {
        const intents = tx.objectStore('intents');
        let top: string | undefined;
        for (const r of records) {
          const unique = this.unique.get(r);
          if (unique) {
            const held = (await request(intents.index('id').get(r.id))) as IdbRecord | undefined;
            if (held) {
              // A record altered at rest is never handed back as what the caller stored.
              if (intact(held)) unique.held = held.env;
              else unique.corrupt = true;
              continue;
            }
          }
          intents.add(r);
          if (top === undefined || r.env.hlc > top) top = r.env.hlc;
        }
        const meta = tx.objectStore('meta');
        const mark = (await request(meta.get('hlc'))) as { v: string } | undefined;
        if (top !== undefined && (!mark || top > mark.v)) meta.put({ k: 'hlc', v: top });
      }),
    );
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertOpen('append');
    await this.guard('appending', () => this.appends.submit(intents.map((i) => newRecord(i, now))));
  }

  async appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined> {
    this.assertOpen('appendIfAbsent');
    const record = newRecord(intent, now);
    const found: { held?: IntentEnvelope; corrupt?: true } = {};
    this.unique.set(record, found);
    await this.guard('appending', () => this.appends.submit([record]));
    if (found.corrupt) throw corruptHeldError(intent.id);
    return found.held;
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    return this.claims.claim(request);
  }

  async renewLeases(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    this.assertOpen('renewLeases');
    return this.claims.renew(refs, owner, leaseUntil);
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    try {
      await this.guard('settling', () => this.write(settlements));
      this.claims.settled(settlements.map((s) => s.seq));
    } catch (error) {
      if (!isTallystickError(error, 'QUEUE_STORAGE_FULL')) throw error;
      // Deleting needs no space: acks still go through, so a full quota drains as delivery succeeds.
      const acks = settlements.filter((s) => s.kind === 'ack');
      if (acks.length > 0) await this.guard('settling acks', () => this.write(acks));
      this.claims.settled(acks.map((s) => s.seq));
      throw error;
    }
  }

  private write(settlements: readonly Settlement[]): Promise<void> {
    return inTransaction(this.db, 'intents', 'readwrite', async (tx) => {
      const store = tx.objectStore('intents');
      for (const s of settlements) {
        const r = (await request(store.get(s.seq))) as IdbRecord | undefined;
        if (!r || r.dead) continue;
        if (s.kind === 'ack') store.delete(s.seq);
        else if (s.kind === 'reschedule')
          store.put({ ...r, a: s.attempts, n: s.nextAttemptAt, l: 0, e: s.error ?? r.e });
        else store.put({ ...r, dead: 1, r: s.reason, x: s.at, l: 0, e: s.error ?? r.e });
      }
    });
  }

  async requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertOpen('requeue');
    return this.withDead('requeueing', refs, (r, store) => {
      store.delete(r.seq!);
      const { seq: _old, ...rest } = r;
      store.add({ ...rest, dead: 0, a: 0, n: now, l: 0, r: undefined, x: 0, t: now });
    });
  }

  async discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertOpen('discard');
    return this.withDead('discarding', refs, (r, store) => store.delete(r.seq!));
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertOpen('count');
    return this.guard('counting', async () => {
      const store = this.db.transaction('intents', 'readonly').objectStore('intents');
      const [total, dead, inflight] = await Promise.all([
        request(store.count()),
        request(store.index('dead').count(1)),
        request(store.index('lease').count(this.keyRange.lowerBound(now, true))),
      ]);
      return { pending: total - dead - inflight, inflight, dead };
    });
  }

  async list(req: ListRequest): Promise<QueuedIntent[]> {
    this.assertOpen('list');
    return this.guard('listing', async () => {
      const out: QueuedIntent[] = [];
      const range = req.afterSeq === undefined ? undefined : this.keyRange.lowerBound(req.afterSeq, true);
      const store = this.db.transaction('intents', 'readonly').objectStore('intents');
      await walk<IdbRecord>(store.openCursor(range), (r) => {
        const dead = r.dead ? (r.r ?? 'permanent') : intact(r) ? undefined : 'corrupt';
        if (!req.status || statusOf(dead, r.l, req.now) === req.status) {
          out.push(recordToQueued(r, req.now));
        }
        return out.length < req.limit;
      });
      return out;
    });
  }

  async nextDueAt(): Promise<number | undefined> {
    this.assertOpen('nextDueAt');
    return this.guard('reading the next due time', async () => {
      const tracker = new DueTracker();
      const store = this.db.transaction('intents', 'readonly').objectStore('intents');
      await walk<IdbRecord>(store.openCursor(), (r) => {
        if (!r.dead) tracker.offer(r.pk, r.n, r.l);
        return true;
      });
      return tracker.earliest;
    });
  }

  async highWater(): Promise<string | undefined> {
    this.assertOpen('highWater');
    const meta = this.db.transaction('meta', 'readonly').objectStore('meta');
    return ((await request(meta.get('hlc'))) as { v: string } | undefined)?.v;
  }

  async acquireReplayer(owner: string, ttlMs: number, now: number): Promise<ReplayerLease | undefined> {
    this.assertOpen('acquireReplayer');
    return this.guard('taking the replayer lock', () =>
      acquireIdbReplayer(this.db, this.name, this.locks, owner, ttlMs, now),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    this.db.close();
  }

  private async withDead(
    what: string,
    refs: readonly IntentRef[],
    act: (r: IdbRecord, store: IDBObjectStore) => void,
  ): Promise<number> {
    return this.guard(what, () =>
      inTransaction(this.db, 'intents', 'readwrite', async (tx) => {
        const store = tx.objectStore('intents');
        let n = 0;
        for (const ref of [...refs].sort((a, b) => a.seq - b.seq)) {
          const r = (await request(store.get(ref.seq))) as IdbRecord | undefined;
          // A record altered at rest stays dead: a requeue must not launder it (a discard may remove it).
          if (!r?.dead || r.id !== ref.id || (what === 'requeueing' && !intact(r))) continue;
          act(r, store);
          n++;
        }
        return n;
      }),
    );
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, `${what} in IndexedDB`);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }
}
