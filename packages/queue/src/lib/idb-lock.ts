import type { ReplayerLease } from '../store.js';
import { inTransaction, request } from './idb-util.js';

/**
 * The slice of the Web Locks API the adapter needs (`navigator.locks` satisfies it).
 *
 * @example
 * ```ts
 * import { openIndexedDbStore } from '@tallystick/queue/indexeddb';
 * const locks: LockManagerLike = navigator.locks;
 * const store = await openIndexedDbStore({ name: 'outbox', locks });
 * ```
 */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

/**
 * One replayer per database across tabs and workers. With Web Locks the lock
 * is held until released or the tab dies, whatever the TTL. Without them a
 * lease row in the `meta` store does the job: readwrite transactions are
 * serialized across tabs, so check-and-set is atomic.
 */
export async function acquireIdbReplayer(
  db: IDBDatabase,
  name: string,
  locks: LockManagerLike | undefined,
  owner: string,
  ttlMs: number,
  now: number,
): Promise<ReplayerLease | undefined> {
  if (locks) return acquireWebLock(locks, `tallystick-queue:${name}`);
  const update = (
    fn: (held: { owner: string; expiresAt: number } | undefined, store: IDBObjectStore) => boolean,
  ) =>
    inTransaction(db, 'meta', 'readwrite', async (tx) => {
      const store = tx.objectStore('meta');
      return fn(
        (await request(store.get('replayer'))) as { owner: string; expiresAt: number } | undefined,
        store,
      );
    });
  const free = await update((held, store) => {
    const ok = !held || held.owner === owner || held.expiresAt <= now;
    if (ok) store.put({ k: 'replayer', owner, expiresAt: now + ttlMs });
    return ok;
  });
  if (!free) return undefined;
  let expiresAt = now + ttlMs;
  return {
    // A renewal is a strict write: only once half the TTL has passed, not on every batch.
    renew: async (at) => {
      if (at < expiresAt - ttlMs / 2) return true;
      const ok = await update((h, store) => {
        if (h?.owner !== owner) return false;
        store.put({ k: 'replayer', owner, expiresAt: at + ttlMs });
        return true;
      });
      if (ok) expiresAt = at + ttlMs;
      return ok;
    },
    release: async () => {
      await update((h, store) => {
        if (h?.owner === owner) store.delete('replayer');
        return true;
      });
    },
  };
}

function acquireWebLock(locks: LockManagerLike, name: string): Promise<ReplayerLease | undefined> {
  return new Promise((resolve) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(undefined);
          return;
        }
        let released = false;
        // The lock is held for as long as this promise is pending.
        return new Promise<void>((release) => {
          resolve({
            renew: async () => !released,
            release: async () => {
              released = true;
              release();
            },
          });
        });
      })
      .catch(() => resolve(undefined));
  });
}
