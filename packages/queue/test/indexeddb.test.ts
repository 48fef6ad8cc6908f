import { isTallystickError } from '@tallystick/core';
import { IDBCursor, IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openIndexedDbStore } from '../src/indexeddb.js';
import type { LockManagerLike } from '../src/lib/idb-lock.js';
import type { QueuedIntent } from '../src/types.js';
import { describeStoreContract } from './contract.js';
import { envelope } from './helpers.js';

const indexedDB = new IDBFactory();
let name = '';
let n = 0;

/**
 * A browser reports a full quota by aborting the write transaction with a
 * QuotaExceededError; fake-indexeddb has no quota, so its own abort routine
 * is invoked with that error name while `full` is set.
 */
let full = false;
const originalAdd = IDBObjectStore.prototype.add;
IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
  const req = originalAdd.apply(this, args);
  if (full && this.name === 'intents')
    (this.transaction as unknown as { _abort(n: string): void })._abort('QuotaExceededError');
  return req;
};

/**
 * A quota so full that every rewrite is refused too (put, cursor update), as
 * Chromium does once usage reaches the quota; deletes still go through.
 */
let rewritesFull = false;
const refuseIfFull = (tx: IDBTransaction) => {
  if (rewritesFull) (tx as unknown as { _abort(n: string): void })._abort('QuotaExceededError');
};
const originalPut = IDBObjectStore.prototype.put;
IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
  const req = originalPut.apply(this, args);
  refuseIfFull(this.transaction);
  return req;
};
const originalUpdate = IDBCursor.prototype.update;
IDBCursor.prototype.update = function (this: IDBCursor, ...args: Parameters<IDBCursor['update']>) {
  const req = originalUpdate.apply(this, args);
  refuseIfFull((this.source as IDBObjectStore).transaction);
  return req;
};

describeStoreContract('indexeddb (fake-indexeddb)', {
  capabilities: { persistent: true, sharedAccess: true, concurrentReplayers: false, renewsLeases: true },
  open: () => openIndexedDbStore({ name, indexedDB, keyRange: IDBKeyRange, locks: null }),
  fresh: async () => {
    name = `queue-${n++}`;
    full = false;
  },
  fill: async () => {
    full = true;
  },
  free: async () => {
    full = false;
  },
  // A raw put through a second connection, as another tab or a bad migration could do.
  tamper: async (_store, id, edit) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('intents', 'readwrite');
      const req = tx.objectStore('intents').openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) return;
        const record = cursor.value as { id: string; env: unknown };
        if (record.id === id) cursor.update({ ...record, env: JSON.parse(edit(JSON.stringify(record.env))) });
        else cursor.continue();
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  },
  corruption: 'dead-letters',
});

/** An in-process Web Locks stand-in with the same ifAvailable semantics, to test that path in Node. */
function localLocks(): LockManagerLike {
  const held = new Set<string>();
  return {
    async request(lockName, _options, callback) {
      if (held.has(lockName)) return callback(null);
      held.add(lockName);
      try {
        return await callback({ name: lockName });
      } finally {
        held.delete(lockName);
      }
    },
  };
}

describe('indexeddb store', () => {
  it('uses Web Locks when present: one replayer per database until released', async () => {
    const locks = localLocks();
    const a = await openIndexedDbStore({ name: 'locks-db', indexedDB, keyRange: IDBKeyRange, locks });
    const b = await openIndexedDbStore({ name: 'locks-db', indexedDB, keyRange: IDBKeyRange, locks });
    const lease = await a.acquireReplayer('a', 1000, 0);
    expect(lease).toBeDefined();
    expect(await b.acquireReplayer('b', 1000, 10_000)).toBeUndefined();
    expect(await lease!.renew(10_000)).toBe(true);
    await lease!.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(await b.acquireReplayer('b', 1000, 10_000)).toBeDefined();
    await a.close();
    await b.close();
  });

  it('without IndexedDB it says so', async () => {
    await expect(openIndexedDbStore({})).rejects.toThrow(TypeError);
  });

  it('at a full quota still claims (lease held in memory) and acks, so delivery frees the space', async () => {
    const t0 = 1_700_000_000_000;
    const store = await openIndexedDbStore({
      name: 'full-db',
      indexedDB,
      keyRange: IDBKeyRange,
      locks: null,
    });
    const [a, b, p1, p2] = [envelope(), envelope(), envelope({}, 'p'), envelope({}, 'p')];
    await store.append([a!, b!, p1!, p2!], t0);
    const claim = (now: number, owner = 'x') => store.claim({ limit: 3, now, leaseMs: 1000, owner });
    const ref = (q: QueuedIntent) => ({ seq: q.seq, id: q.intent.id });
    rewritesFull = true;
    try {
      const batch = await claim(t0);
      expect(batch.map((q) => [q.intent.id, q.attempts])).toEqual([
        [a!.id, 1],
        [b!.id, 1],
        [p1!.id, 1],
      ]);
      // The lease lives in memory only, yet holds: nothing else is claimable, not even p's next intent.
      expect(await claim(t0 + 1)).toEqual([]);
      expect(await store.renewLeases!(batch.map(ref), 'y', t0 + 5000)).toBe(0);
      expect(await store.renewLeases!(batch.map(ref), 'x', t0 + 5000)).toBe(3);
      // A settle that must rewrite a record fails for space, but its acks, which only delete, are applied.
      const error = await store
        .settle([
          { kind: 'ack', ...ref(batch[0]!) },
          { kind: 'reschedule', ...ref(batch[1]!), attempts: 1, nextAttemptAt: t0 },
          { kind: 'ack', ...ref(batch[2]!) },
        ])
        .catch((e: unknown) => e);
      expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
      expect((await store.list({ limit: 10, now: t0 })).map((q) => q.intent.id)).toEqual([b!.id, p2!.id]);
      // b keeps its renewed in-memory lease; p's next intent is free now that its head is acked.
      expect((await claim(t0 + 4999)).map((q) => q.intent.id)).toEqual([p2!.id]);
      expect((await claim(t0 + 5000)).map((q) => q.intent.id)).toEqual([b!.id]);
    } finally {
      rewritesFull = false;
      await store.close();
    }
  });
});
