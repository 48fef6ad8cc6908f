import { isTallystickError } from '@tallystick/core';
import type { ClaimRequest, IntentRef } from '../store.js';
import type { QueuedIntent } from '../types.js';
import { corruptRecord, type IdbRecord, intact, recordToQueued } from './idb-record.js';
import { inTransaction, request, walk } from './idb-util.js';
import { BatchPicker } from './picker.js';

/**
 * Claims and lease renewals of the IndexedDB store, including what happens
 * at a full quota.
 *
 * A claim rewrites each record with its lease, and a record carries its whole
 * envelope, so at a full quota the claim itself is refused. Yet delivering,
 * which deletes acked intents, is the only way the queue gets space back. So
 * when the leased claim fails for lack of space, the batch is picked
 * read-only and its lease kept in memory: the replayer lock (a Web Lock, held
 * for the whole delivery round) is what keeps other tabs from sending it. A
 * crash mid-send then means the batch is sent again later, with the same
 * idempotency keys and without the attempt being counted; nothing is lost.
 */
export class IdbClaims {
  /** Leases of intents claimed without storing them, by seq, until settled or run out. */
  private readonly unstored = new Map<number, { until: number; owner: string }>();

  constructor(
    private readonly db: IDBDatabase,
    private readonly guard: <T>(what: string, fn: () => Promise<T>) => Promise<T>,
  ) {}

  async claim(req: ClaimRequest): Promise<QueuedIntent[]> {
    try {
      return await this.guard('claiming', () => this.pick(req, true));
    } catch (error) {
      if (!isTallystickError(error, 'QUEUE_STORAGE_FULL')) throw error;
      return this.guard('claiming at a full quota', () => this.pick(req, false));
    }
  }

  async renew(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    const stored: IntentRef[] = [];
    let inMemory = 0;
    for (const ref of refs) {
      const lease = this.unstored.get(ref.seq);
      if (!lease) stored.push(ref);
      else if (lease.owner === owner) {
        lease.until = leaseUntil;
        inMemory++;
      }
    }
    if (stored.length === 0) return inMemory;
    return this.guard('renewing leases', () =>
      inTransaction(this.db, 'intents', 'readwrite', async (tx) => {
        const intents = tx.objectStore('intents');
        let kept = inMemory;
        for (const ref of stored) {
          const r = (await request(intents.get(ref.seq))) as IdbRecord | undefined;
          if (!r || r.dead || r.l === 0 || r.o !== owner) continue;
          intents.put({ ...r, l: leaseUntil });
          kept++;
        }
        return kept;
      }),
    );
  }

  /** Forgets in-memory leases once their intents are settled. */
  settled(seqs: Iterable<number>): void {
    for (const seq of seqs) this.unstored.delete(seq);
  }

  private pick(req: ClaimRequest, store: boolean): Promise<QueuedIntent[]> {
    return inTransaction(this.db, 'intents', store ? 'readwrite' : 'readonly', async (tx) => {
      const picker = new BatchPicker(req.limit, req.now);
      const taken: IdbRecord[] = [];
      await walk<IdbRecord>(tx.objectStore('intents').openCursor(), (r, cursor) => {
        // An in-memory lease is invisible in the records, so it is honoured here.
        const l = Math.max(r.l, this.unstored.get(r.seq!)?.until ?? 0);
        if (!r.dead && picker.offer(r.pk, r.n, l)) {
          // Altered at rest: dead-lettered (at a full quota, only skipped until a claim can write), never
          // delivered; later intents of its partition go on, as after any dead letter.
          if (!intact(r)) {
            if (store) cursor.update(corruptRecord(r, req.now));
            return !picker.full;
          }
          const next = { ...r, a: r.a + 1, l: req.now + req.leaseMs, o: req.owner };
          if (store) cursor.update(next);
          taken.push(next);
        }
        return !picker.full;
      });
      if (!store) for (const r of taken) this.unstored.set(r.seq!, { until: r.l, owner: req.owner });
      return taken.map((r) => recordToQueued(r, req.now));
    });
  }
}
