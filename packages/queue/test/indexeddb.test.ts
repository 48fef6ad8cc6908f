import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openIndexedDbStore } from '../src/indexeddb.js';
import type { LockManagerLike } from '../src/lib/idb-lock.js';
import { describeStoreContract } from './contract.js';

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

describeStoreContract('indexeddb (fake-indexeddb)', {
  capabilities: { persistent: true, sharedAccess: true, concurrentReplayers: false },
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
});
