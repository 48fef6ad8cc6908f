/**
 * IndexedDB plumbing for the browser spent store: the schema, opening it,
 * committing a transaction and turning what the browser throws into the
 * codes callers switch on.
 */
import { TallystickError } from '@tallystick/core';
import { checkLoss, lossOnCreate, META, markCreated, recordLoss } from './idb-data-loss.js';

/** The object store: one record `{ id, k }` per spent token, keyed by id. */
export const SPENT = 'spent';
/** Index on `k` (keepUntil), so prune walks only the expired head. */
export const BY_KEEP_UNTIL = 'keepUntil';
const VERSION = 1;

export interface SpentRecord {
  readonly id: string;
  readonly k: number;
}

/**
 * Opens (creating on first use) the database. A blocked open is refused at
 * once rather than left hanging: a kiosk that waits forever on another tab
 * cannot redeem anyway, and a clear error says why. Should the blocked
 * request succeed later, that connection is closed so it holds nothing open.
 */
export async function openSpentDatabase(
  factory: IDBFactory,
  name: string,
  acceptDataLoss: boolean,
): Promise<IDBDatabase> {
  const db = await openRaw(factory, name);
  try {
    await checkLoss(db, name, acceptDataLoss);
  } catch (error) {
    db.close();
    throw toStoreError(error, `opening IndexedDB database "${name}"`);
  }
  markCreated(name);
  return db;
}

function openRaw(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = factory.open(name, VERSION);
    req.onupgradeneeded = (event) => {
      const store = req.result.createObjectStore(SPENT, { keyPath: 'id' });
      store.createIndex(BY_KEEP_UNTIL, 'k');
      req.result.createObjectStore(META, { keyPath: 'k' });
      const lost = lossOnCreate(event, name);
      if (lost) recordLoss(req.transaction!, lost);
    };
    req.onsuccess = () => {
      const db = req.result;
      if (settled) return db.close();
      settled = true;
      if (!db.objectStoreNames.contains(SPENT) || !db.objectStoreNames.contains(META)) {
        db.close();
        return reject(new TallystickError('ERR_STORE', `IndexedDB database "${name}" is not a spent store`));
      }
      // Never block another tab's upgrade, even before the store sets its own handler.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => {
      if (settled) return;
      settled = true;
      reject(toStoreError(req.error, `opening IndexedDB database "${name}"`));
    };
    req.onblocked = () => {
      if (settled) return;
      settled = true;
      reject(
        new TallystickError(
          'ERR_STORE',
          `opening IndexedDB database "${name}" is blocked by an older version open in another tab; close or reload it`,
        ),
      );
    };
  });
}

/**
 * Resolves when the transaction has committed (with `durability: 'strict'`,
 * once the browser has flushed it); rejects with its error when it aborts, a
 * QuotaExceededError say. Attach before the last request can finish.
 */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
  });
}

/** Resolves with a request's result; rejects with its error. */
export function result<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Whether the browser refused a write for want of space. Browsers report it
 * as a QuotaExceededError on the aborted transaction (Chromium, Firefox,
 * Safari); some wrap it, so causes are followed.
 */
export function isQuotaError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    if ((e as { name?: unknown }).name === 'QuotaExceededError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Wraps a browser failure: `ERR_STORE_FULL` for a full quota, `ERR_STORE` otherwise. */
export function toStoreError(error: unknown, what: string): TallystickError {
  if (error instanceof TallystickError) return error;
  if (isQuotaError(error)) {
    return new TallystickError(
      'ERR_STORE_FULL',
      `${what} failed: the browser's storage quota is full; nothing was recorded and earlier entries are intact (prune or free space)`,
      { cause: error },
    );
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TallystickError('ERR_STORE', `${what} failed: ${detail}`, { cause: error });
}

/**
 * Throws unless `value` is a time in epoch ms. `keepUntil` is stored and
 * indexed, so it must be a safe integer (the verifier passes expiry + skew);
 * `now` is only compared, so any finite number does.
 */
export function assertTime(value: unknown, what: string, integer: boolean): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number (epoch milliseconds)`);
  if (integer ? !Number.isSafeInteger(value) : !Number.isFinite(value)) {
    throw new RangeError(
      `${what} must be ${integer ? 'an integer' : 'a finite'} number of epoch milliseconds`,
    );
  }
}
