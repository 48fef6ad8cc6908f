/**
 * Telling a spent store that was emptied behind its back from a new one. An
 * empty spent store accepts every token again, so "the database is gone" must
 * never look like "first start". Two signals, either is enough:
 * - Chromium, when it finds an origin's IndexedDB corrupt (a kill at a bad
 *   moment, a failing disk), deletes it, and tells the first open afterwards
 *   through a non-standard `dataLoss: 'total'` on upgradeneeded. Only the
 *   first open of the origin hears it: another library's database may.
 * - So each store also leaves a mark in localStorage (a separate backing
 *   store) when it creates its database; creating it again while the mark is
 *   there means it vanished. Clearing all site data removes both: only the
 *   server's reconciliation can catch what that re-opens.
 * A loss is written into the new database itself, so it stays refused on
 * every later open until the app accepts it.
 */
import { TallystickError } from '@tallystick/core';

export const META = 'meta';
const LOSS_KEY = 'dataLoss';

interface MarkStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** localStorage where there is one (not in workers); a throwing one (privacy modes) counts as none. */
function marks(): MarkStorage | undefined {
  try {
    return (globalThis as { localStorage?: MarkStorage }).localStorage;
  } catch {
    return undefined;
  }
}

const markKey = (name: string) => `tallystick:spent-indexeddb:${name}`;

/**
 * Called in upgradeneeded while the database is being created: why its
 * records are lost, if they are, else undefined.
 */
export function lossOnCreate(event: Event, name: string): string | undefined {
  const { dataLoss, dataLossMessage } = event as { dataLoss?: string; dataLossMessage?: string };
  if (dataLoss === 'total')
    return `the browser reported it wiped the data (${dataLossMessage || 'no detail'})`;
  try {
    if (marks()?.getItem(markKey(name))) return 'it existed on this device and is gone (deleted, or wiped)';
  } catch {
    // Unreadable marks: no second signal here.
  }
  return undefined;
}

/** Leaves the mark that this database exists; best effort (a full or blocked localStorage is no reason to fail). */
export function markCreated(name: string): void {
  try {
    marks()?.setItem(markKey(name), '1');
  } catch {
    // The Chromium signal still covers corruption.
  }
}

/** Records a loss in the new database, inside its creating (versionchange) transaction. */
export function recordLoss(tx: IDBTransaction, why: string): void {
  tx.objectStore(META).put({ k: LOSS_KEY, why });
}

/**
 * Refuses a database with a recorded loss unless `accept`; when accepted,
 * clears the record (durably) so later opens go through. The usual case,
 * no loss, costs one read.
 */
export async function checkLoss(db: IDBDatabase, name: string, accept: boolean): Promise<void> {
  const loss = await settle<{ why: string } | undefined>(db.transaction(META, 'readonly'), (meta) =>
    meta.get(LOSS_KEY),
  );
  if (!loss) return;
  if (!accept) {
    throw new TallystickError(
      'ERR_STORE',
      `IndexedDB spent store "${name}" lost its records: ${loss.why}. Tokens redeemed on this device before may be accepted again. ` +
        'Open it with { acceptDataLoss: true } once every token issued before the loss has expired, or after restoring the spent ids from your server.',
    );
  }
  await settle(db.transaction(META, 'readwrite', { durability: 'strict' }), (meta) => meta.delete(LOSS_KEY));
}

/** Runs one request on the meta store and resolves with its result once the transaction has committed. */
function settle<T>(tx: IDBTransaction, run: (meta: IDBObjectStore) => IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = run(tx.objectStore(META));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onabort = () => reject(tx.error);
  });
}
