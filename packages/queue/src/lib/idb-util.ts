/** Promise wrappers over IndexedDB's event API, kept minimal so a transaction never spans a non-IDB await. */

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction commits; rejects with its error (a QuotaExceededError, say) when it aborts. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
    tx.onerror = (event) => {
      // Let the abort handler report it; preventDefault would commit instead.
      void event;
    };
  });
}

/**
 * Walks a cursor, calling `visit` for each record; `visit` returns false to
 * stop. Runs inside the cursor's transaction, synchronously per record.
 */
export function walk<T>(
  req: IDBRequest<IDBCursorWithValue | null>,
  visit: (value: T, cursor: IDBCursorWithValue) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve();
      try {
        if (visit(cursor.value as T, cursor)) cursor.continue();
        else resolve();
      } catch (error) {
        reject(error);
      }
    };
    req.onerror = () => reject(req.error);
  });
}

export function openDatabase(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      const intents = db.createObjectStore('intents', { keyPath: 'seq', autoIncrement: true });
      intents.createIndex('id', 'id', { unique: true });
      intents.createIndex('dead', 'dead');
      intents.createIndex('lease', 'l');
      db.createObjectStore('meta', { keyPath: 'k' });
    };
    req.onsuccess = () => {
      // Let a newer version (another tab after an upgrade) take over instead of blocking it.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(req.error);
    req.onblocked = () =>
      reject(new DOMException(`database ${name} is blocked by an older version`, 'AbortError'));
  });
}

/**
 * Runs `fn` in a transaction and resolves once it has committed. A throw in
 * `fn` aborts the transaction, so a batch is never half written. The commit
 * listener is attached first: a transaction may commit as soon as its last
 * request finishes.
 */
export async function inTransaction<T>(
  db: IDBDatabase,
  stores: string | string[],
  mode: IDBTransactionMode,
  fn: (tx: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  const tx =
    mode === 'readwrite'
      ? db.transaction(stores, mode, { durability: 'strict' })
      : db.transaction(stores, mode);
  const committed = done(tx);
  committed.catch(() => undefined);
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already aborting because a request failed.
    }
    await committed.catch(() => undefined);
    throw tx.error ?? error;
  }
  await committed;
  return result;
}
