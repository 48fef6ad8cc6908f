/**
 * @packageDocumentation
 * A durable queue store for browsers on IndexedDB, every write committed
 * with `durability: 'strict'`, one replayer per origin through Web Locks.
 */
import { toStoreError } from './lib/errors.js';
import type { LockManagerLike } from './lib/idb-lock.js';
import { IndexedDbQueueStore } from './lib/idb-store.js';
import { openDatabase } from './lib/idb-util.js';
import type { QueueStore } from './store.js';

export type { LockManagerLike } from './lib/idb-lock.js';

/**
 * Options for {@link openIndexedDbStore}.
 *
 * @example
 * ```ts
 * import { openIndexedDbStore, type IndexedDbStoreOptions } from '@tallystick/queue/indexeddb';
 * const options: IndexedDbStoreOptions = { name: 'checkout-outbox' };
 * const store = await openIndexedDbStore(options);
 * ```
 */
export interface IndexedDbStoreOptions {
  /** Database name. Default `tallystick-queue`. */
  name?: string;
  /** Default `globalThis.indexedDB`; pass fake-indexeddb's in Node tests. */
  indexedDB?: IDBFactory;
  /** Default `globalThis.IDBKeyRange`. */
  keyRange?: typeof IDBKeyRange;
  /** Default `navigator.locks` where present; `null` forces the lease-row lock. */
  locks?: LockManagerLike | null;
}

/**
 * Opens (or creates) an IndexedDB queue store. Every write transaction asks
 * for `durability: 'strict'`, so a resolved enqueue is on disk, not just in
 * the browser's write cache. Tabs share the store; Web Locks make one of them
 * the replayer.
 *
 * @throws {TypeError} if no IndexedDB is available.
 * @throws {TallystickError} `ERR_STORE` if the database cannot be opened.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createHttpSender } from '@tallystick/queue/http';
 * import { openIndexedDbStore } from '@tallystick/queue/indexeddb';
 *
 * const store = await openIndexedDbStore({ name: 'outbox' });
 * const queue = createIntentQueue({ store, device: 'till-1', send: createHttpSender({ url: '/intents' }) });
 * ```
 */
export async function openIndexedDbStore(options: IndexedDbStoreOptions = {}): Promise<QueueStore> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  const keyRange = options.keyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
  if (!factory || !keyRange) throw new TypeError('IndexedDB is not available here; pass options.indexedDB');
  const name = options.name ?? 'tallystick-queue';
  const locks =
    options.locks === null
      ? undefined
      : (options.locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks);
  try {
    return new IndexedDbQueueStore(await openDatabase(factory, name), name, keyRange, locks);
  } catch (error) {
    throw toStoreError(error, `opening IndexedDB database ${name}`);
  }
}
