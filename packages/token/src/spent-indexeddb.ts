/**
 * @packageDocumentation
 * A durable spent store for browser kiosks and POS web apps, on IndexedDB:
 * every tab of the origin shares it, a redeem is recorded with
 * `durability: 'strict'`, and a full quota is a typed refusal, never a lost
 * or a double redemption.
 */
import { TallystickError } from '@tallystick/core';
import { assertId } from './lib/assert-id.js';
import {
  assertTime,
  BY_KEEP_UNTIL,
  committed,
  openSpentDatabase,
  result,
  SPENT,
  type SpentRecord,
  toStoreError,
} from './lib/idb-spent.js';
import type { SpentStore } from './spent-store.js';

/** Deletes per prune transaction: a redeem waits behind one chunk at most, not behind the whole prune. */
const PRUNE_CHUNK = 500;

/**
 * Options of {@link openIndexedDbSpentStore}.
 *
 * @example
 * ```ts
 * import { type IndexedDbSpentStoreOptions, openIndexedDbSpentStore } from '@tallystick/token/spent-indexeddb';
 * const options: IndexedDbSpentStoreOptions = { name: 'kiosk-spent' };
 * const spent = await openIndexedDbSpentStore(options);
 * ```
 */
export interface IndexedDbSpentStoreOptions {
  /** Database name; `tallystick-spent` by default. Give each issuer its own. */
  readonly name?: string;
  /** Default `globalThis.indexedDB`; pass fake-indexeddb's `IDBFactory` in Node tests. */
  readonly indexedDB?: IDBFactory;
  /**
   * Open even though the database lost its records (see "Data loss" on
   * {@link openIndexedDbSpentStore}), clearing that record. Only once the
   * tokens spent before the loss can no longer be redeemed anyway: all have
   * expired, or their ids were restored from the server.
   */
  readonly acceptDataLoss?: boolean;
}

/**
 * Opens (creating on first use) a spent store in IndexedDB.
 *
 * - **Atomic across tabs.** `checkAndAdd` is one readwrite transaction with
 *   `add`: the browser runs transactions on one store one at a time, across
 *   every tab of the origin, so of racing redeems of one token one adds it
 *   and the others get a ConstraintError, which resolves `false`.
 * - **Durable once resolved.** The write asks for `durability: 'strict'` and
 *   resolves only on `complete`, after the browser has flushed it to disk.
 * - **A full quota** aborts the write: `checkAndAdd` rejects with
 *   `TallystickError` `ERR_STORE_FULL` (the verifier reports
 *   `store_unavailable`) and records nothing. `has` keeps answering, nothing
 *   stored is lost, and `prune` (a delete, which needs no room) frees space,
 *   after which redeems succeed again.
 * - **Another tab upgrading or deleting the database** (a newer app
 *   version) closes this connection instead of blocking it; later calls
 *   reject with `ERR_STORE` saying why. So does the browser closing it (site
 *   data cleared).
 * - **Data loss is refused, not hidden.** An empty spent store would accept
 *   every token again, so a database that vanished (Chromium wipes an
 *   origin's IndexedDB it finds corrupt, and says so on the next open; or it
 *   was deleted while this store's mark in localStorage remained) fails to
 *   open with `ERR_STORE` until the app opens it once with
 *   `acceptDataLoss: true`.
 *
 * The browser may evict a best-effort origin's data under storage pressure;
 * a kiosk should call `navigator.storage.persist()` once at setup. Clearing
 * all site data removes the mark too: the server's reconciliation is what
 * catches a token redeemed twice then.
 *
 * @throws {TypeError} if `options` is not an object, no IndexedDB is available, or `name` is not a non-empty string.
 * @throws {TallystickError} `ERR_STORE` if the database cannot be opened, is
 *   blocked by an older version in another tab, is not a spent store, or
 *   lost its records (unless `acceptDataLoss`).
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token';
 * import { openIndexedDbSpentStore } from '@tallystick/token/spent-indexeddb';
 *
 * await navigator.storage.persist();
 * const spent = await openIndexedDbSpentStore({ name: 'kiosk-spent' });
 * const verifier = createVerifier({ keys: [], audience: 'store-7', spent });
 * ```
 */
export async function openIndexedDbSpentStore(options: IndexedDbSpentStoreOptions = {}): Promise<SpentStore> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (typeof factory?.open !== 'function') {
    throw new TypeError('IndexedDB is not available here; pass options.indexedDB');
  }
  const name = options.name ?? 'tallystick-spent';
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('name must be a non-empty string');
  const db = await openSpentDatabase(factory, name, options.acceptDataLoss === true);
  /** Why calls are refused, once they are. */
  let closed: string | undefined;
  // A newer version opened in another tab: step aside rather than block it.
  db.onversionchange = (event) => {
    closed ??=
      event.newVersion === null
        ? `IndexedDB database "${name}" was deleted (by another tab or the app)`
        : `another tab opened IndexedDB database "${name}" at a newer version; reload this page`;
    db.close();
  };
  db.onclose = () => {
    closed ??= `the browser closed IndexedDB database "${name}" (site data cleared or a storage failure)`;
  };

  const begin = (mode: IDBTransactionMode, what: string): IDBTransaction => {
    if (closed !== undefined) throw new TallystickError('ERR_STORE', `${what}: ${closed}`);
    try {
      return mode === 'readwrite'
        ? db.transaction(SPENT, mode, { durability: 'strict' })
        : db.transaction(SPENT, mode);
    } catch (error) {
      throw toStoreError(error, what);
    }
  };

  const lookup = async (tokenId: string): Promise<boolean> => {
    const what = `looking up token ${tokenId} in IndexedDB`;
    try {
      return (await result(begin('readonly', what).objectStore(SPENT).count(tokenId))) > 0;
    } catch (error) {
      throw toStoreError(error, what);
    }
  };

  return {
    async checkAndAdd(tokenId, keepUntil, now) {
      assertId(tokenId);
      assertTime(keepUntil, 'keepUntil', true);
      assertTime(now, 'now', false);
      const what = `recording token ${tokenId} in IndexedDB`;
      const tx = begin('readwrite', what);
      const done = committed(tx);
      let present = false;
      try {
        const req = tx.objectStore(SPENT).add({ id: tokenId, k: keepUntil } satisfies SpentRecord);
        req.onerror = (event) => {
          if (req.error?.name !== 'ConstraintError') return;
          // Already spent. Keep the transaction from aborting: it wrote nothing and commits empty.
          present = true;
          event.preventDefault();
        };
        await done;
      } catch (error) {
        const failure = toStoreError(error, what);
        // A browser may refuse the write for quota before it checks the key. An id
        // already recorded is spent whatever the quota: say so rather than "unavailable".
        if (failure.code === 'ERR_STORE_FULL' && (await lookup(tokenId).catch(() => false))) return false;
        throw failure;
      }
      return !present;
    },

    async has(tokenId) {
      assertId(tokenId);
      return lookup(tokenId);
    },

    async prune(now) {
      assertTime(now, 'now', false);
      let forgotten = 0;
      for (;;) {
        const n = await pruneChunk(begin('readwrite', 'pruning the IndexedDB spent store'), now);
        forgotten += n;
        if (n < PRUNE_CHUNK) return forgotten;
      }
    },

    async close() {
      closed ??= 'the spent store is closed';
      // Transactions already started still commit: IndexedDB closes after them.
      db.close();
    },
  };
}

/**
 * Deletes up to PRUNE_CHUNK ids with keepUntil ≤ now, walking the keepUntil
 * index from its low end and stopping at the first live one, so the cost is
 * the expired entries, not the store. No key range needed: it runs wherever
 * an IDBFactory does.
 */
async function pruneChunk(tx: IDBTransaction, now: number): Promise<number> {
  const done = committed(tx);
  const store = tx.objectStore(SPENT);
  const cursor = store.index(BY_KEEP_UNTIL).openKeyCursor();
  let n = 0;
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (!c || (c.key as number) > now || n === PRUNE_CHUNK) return;
    store.delete(c.primaryKey);
    n++;
    c.continue();
  };
  try {
    await done;
  } catch (error) {
    throw toStoreError(error, 'pruning the IndexedDB spent store');
  }
  return n;
}
