/**
 * The IndexedDB spent store under fake-indexeddb in Node: the shared
 * contract, reopen, two connections racing, a full quota, a newer version
 * taking over, bad input. The same rules in real Chromium are in
 * spent-indexeddb-chromium.test.ts.
 */
import { encodeHex, isTallystickError } from '@tallystick/core';
import { IDBDatabase, IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/index.js';
import { openSpentDatabase } from '../src/lib/idb-spent.js';
import { openIndexedDbSpentStore } from '../src/spent-indexeddb.js';
import { setup } from './fixtures.js';
import { spentStoreContract } from './spent-contract.js';

const indexedDB = new IDBFactory();
let n = 0;
const fresh = () => `spent-${n++}`;
const id = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));
const T = Date.UTC(2026, 0, 1);
const LATER = T + 3_600_000;
const open = (name: string) => openIndexedDbSpentStore({ name, indexedDB });

/**
 * A browser at its quota aborts the write transaction with a
 * QuotaExceededError; fake-indexeddb has no quota, so while `full` is set an
 * add aborts its transaction with that error name. Deletes still go through,
 * as in a browser.
 */
let full = false;
const originalAdd = IDBObjectStore.prototype.add;
IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
  const req = originalAdd.apply(this, args);
  if (full) (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
  return req;
};
afterEach(() => {
  full = false;
});

spentStoreContract('indexeddb (fake-indexeddb)', { open: () => open(fresh()) });

describe('IndexedDB spent store', () => {
  it('keeps what it recorded across close and reopen', async () => {
    const name = fresh();
    const store = await open(name);
    const ids = Array.from({ length: 40 }, id);
    expect((await Promise.all(ids.map((x) => store.checkAndAdd(x, LATER, T)))).every(Boolean)).toBe(true);
    await store.close();
    const again = await open(name);
    for (const x of ids) {
      expect(await again.has(x)).toBe(true);
      expect(await again.checkAndAdd(x, LATER, T)).toBe(false);
    }
    await again.close();
  });

  it('writes ask for strict durability and resolve only after their transaction has committed', async () => {
    const store = await open(fresh());
    const events: string[] = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (
      this: IDBDatabase,
      ...args: Parameters<IDBDatabase['transaction']>
    ) {
      const tx = original.apply(this, args);
      if (tx.mode === 'readwrite') {
        events.push(`begin ${(tx as IDBTransaction & { durability: string }).durability}`);
        tx.addEventListener('complete', () => events.push('complete'));
      }
      return tx;
    };
    try {
      const x = id();
      await store.checkAndAdd(x, LATER, T).then(() => events.push('resolved'));
      await store.checkAndAdd(x, LATER, T).then(() => events.push('resolved'));
      await store.prune(T).then(() => events.push('resolved'));
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    expect(events).toEqual(Array(3).fill(['begin strict', 'complete', 'resolved']).flat());
    await store.close();
  });

  it('two connections (two tabs) racing on the same ids: exactly one true per id', async () => {
    const name = fresh();
    const [a, b] = [await open(name), await open(name)];
    const ids = Array.from({ length: 30 }, id);
    const wins = await Promise.all(
      ids.map(async (x) => {
        const r = await Promise.all([a, b, a, b].map((s) => s.checkAndAdd(x, LATER, T)));
        return r.filter(Boolean).length;
      }),
    );
    expect(wins).toEqual(ids.map(() => 1));
    await a.close();
    await b.close();
  });

  it('at a full quota: ERR_STORE_FULL, nothing recorded or lost, has works, and redeems work once space is freed', async () => {
    const store = await open(fresh());
    const kept = id();
    const expired = id();
    await store.checkAndAdd(kept, LATER, T);
    await store.checkAndAdd(expired, T - 1, T - 1000);
    full = true;
    const refused = id();
    const error = await store.checkAndAdd(refused, LATER, T).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE_FULL')).toBe(true);
    expect((error as Error).cause).toMatchObject({ name: 'QuotaExceededError' });
    expect(await store.has(refused)).toBe(false);
    expect(await store.has(kept)).toBe(true);
    // An id already spent is still refused at a full quota, not reported as a storage error.
    expect(await store.checkAndAdd(kept, LATER, T)).toBe(false);

    const { issuer, clock } = setup();
    const verifier = createVerifier({
      keys: [issuer.verificationKey],
      audience: 'store-7',
      clock,
      spent: store,
    });
    const { qr } = issuer.issue({ audience: 'store-7', ttlMs: 3_600_000 });
    const redeemed = await verifier.redeem(qr);
    expect(redeemed).toMatchObject({ ok: false, code: 'store_unavailable' });

    expect(await store.prune(T)).toBe(1); // deletes need no room
    full = false;
    expect(await store.checkAndAdd(refused, LATER, T)).toBe(true);
    expect((await verifier.redeem(qr)).ok).toBe(true);
    expect(await store.has(kept)).toBe(true);
    await store.close();
  });

  it('any other aborted write rejects with ERR_STORE and never resolves true', async () => {
    const store = await open(fresh());
    const x = id();
    const original = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['add']>
    ) {
      const req = original.apply(this, args);
      (this.transaction as unknown as { _abort(name: string): void })._abort('UnknownError');
      return req;
    };
    try {
      const error = await store.checkAndAdd(x, LATER, T).catch((e: unknown) => e);
      expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    } finally {
      IDBObjectStore.prototype.add = original;
    }
    expect(await store.has(x)).toBe(false);
    expect(await store.checkAndAdd(x, LATER, T)).toBe(true);
    await store.close();
  });

  it('law: prune(now) forgets exactly the ids with keepUntil ≤ now, across chunk boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 40 }),
        fc.integer({ min: -60, max: 60 }),
        async (offsets, cut) => {
          const store = await open(fresh());
          const entries = offsets.map((o) => [id(), T + o] as const);
          for (const [x, k] of entries) await store.checkAndAdd(x, k, T - 100);
          const gone = entries.filter(([, k]) => k <= T + cut);
          expect(await store.prune(T + cut)).toBe(gone.length);
          for (const [x, k] of entries) expect(await store.has(x)).toBe(k > T + cut);
          await store.close();
        },
      ),
      { numRuns: 30 },
    );
    const store = await open(fresh());
    const live = id();
    await Promise.all(Array.from({ length: 1203 }, (_, i) => store.checkAndAdd(id(), T - i, T - 5000)));
    await store.checkAndAdd(live, T + 1, T - 5000);
    expect(await store.prune(T)).toBe(1203);
    expect(await store.has(live)).toBe(true);
    await store.close();
  });

  it('refuses bad input with TypeError/RangeError and records nothing', async () => {
    const store = await open(fresh());
    const x = id();
    const add = (...args: unknown[]) => (store.checkAndAdd as (...a: unknown[]) => Promise<boolean>)(...args);
    await expect(add(x, '1700000000000', T)).rejects.toThrow(TypeError);
    await expect(add(x, undefined, T)).rejects.toThrow(TypeError);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 53]) {
      await expect(add(x, bad, T)).rejects.toThrow(RangeError);
    }
    await expect(add(x, LATER, Number.NaN)).rejects.toThrow(RangeError);
    await expect(add(x.toUpperCase(), LATER, T)).rejects.toThrow(RangeError);
    await expect(add(42, LATER, T)).rejects.toThrow(TypeError);
    await expect((store.has as (v: unknown) => Promise<boolean>)('zz')).rejects.toThrow(RangeError);
    await expect((store.prune as (v: unknown) => Promise<number>)('now')).rejects.toThrow(TypeError);
    await expect(store.prune(Number.NaN)).rejects.toThrow(RangeError);
    expect(await store.has(x)).toBe(false);
    await store.close();
  });

  it('after close, calls reject with ERR_STORE; a write started before close still lands', async () => {
    const name = fresh();
    const store = await open(name);
    const x = id();
    const pending = store.checkAndAdd(x, LATER, T);
    await store.close();
    expect(await pending).toBe(true);
    for (const call of [() => store.checkAndAdd(id(), LATER, T), () => store.has(x), () => store.prune(T)]) {
      const error = await call().catch((e: unknown) => e);
      expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    }
    await store.close(); // idempotent
    const again = await open(name);
    expect(await again.has(x)).toBe(true);
    await again.close();
  });

  it('a newer version opened elsewhere takes over: this store closes and later calls say to reload', async () => {
    const name = fresh();
    const store = await open(name);
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 2);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked: the old connection did not step aside'));
    });
    const error = await store.checkAndAdd(id(), LATER, T).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/newer version.*reload/);
    upgraded.close();
    // And this version refuses to open what the newer one left, instead of misreading it.
    expect(isTallystickError(await open(name).catch((e: unknown) => e), 'ERR_STORE')).toBe(true);
  });

  it('a deletion from another tab is not blocked; later calls say the database was deleted', async () => {
    const name = fresh();
    const store = await open(name);
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked: the store did not step aside'));
    });
    const error = await store.has(id()).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/deleted/);
  });

  it('a database that vanished (wiped after corruption, deleted) is refused, not silently reopened empty', async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
    };
    Object.assign(globalThis, { localStorage: storage });
    try {
      const name = fresh();
      const store = await open(name);
      const x = id();
      await store.checkAndAdd(x, LATER, T);
      await store.close();
      // What Chromium does to a backing store it finds corrupt: the records are gone.
      await new Promise((resolve) => {
        indexedDB.deleteDatabase(name).onsuccess = resolve;
      });
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await open(name).catch((e: unknown) => e);
        expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
        expect((error as Error).message).toMatch(/lost its records.*acceptDataLoss/);
      }
      // The app decides: once it has restored or waited out what was spent, it accepts the loss once.
      const accepted = await openIndexedDbSpentStore({ name, indexedDB, acceptDataLoss: true });
      expect(await accepted.has(x)).toBe(false);
      await accepted.close();
      const again = await open(name);
      await again.close();
    } finally {
      Reflect.deleteProperty(globalThis, 'localStorage');
    }
  });

  it("Chromium's own data-loss report on open is refused too, even without localStorage", async () => {
    const name = fresh();
    // Chromium sets dataLoss: 'total' on the upgradeneeded of the open that found the store wiped.
    const lossy = {
      open(n: string, v?: number) {
        const req = indexedDB.open(n, v);
        req.addEventListener('upgradeneeded', (event) =>
          Object.assign(event, { dataLoss: 'total', dataLossMessage: 'corrupt backing store' }),
        );
        return req;
      },
    } as unknown as IDBFactory;
    const error = await openIndexedDbSpentStore({ name, indexedDB: lossy }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/corrupt backing store/);
    expect(isTallystickError(await open(name).catch((e: unknown) => e), 'ERR_STORE')).toBe(true);
    (await openIndexedDbSpentStore({ name, indexedDB, acceptDataLoss: true })).close();
  });

  it('refuses a database of the same name that is not a spent store', async () => {
    const name = fresh();
    await new Promise<void>((resolve) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('other');
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
    });
    const error = await open(name).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/not a spent store/);
  });

  it('a blocked open is refused at once, and a connection that arrives later is closed', async () => {
    let closedLate = false;
    const req = {} as IDBOpenDBRequest & { result: IDBDatabase };
    const factory = { open: () => req } as unknown as IDBFactory;
    const opening = openSpentDatabase(factory, 'blocked-db', false);
    req.onblocked!({} as IDBVersionChangeEvent);
    const error = await opening.catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/blocked/);
    Object.assign(req, { result: { close: () => (closedLate = true) } });
    req.onsuccess!({} as Event);
    expect(closedLate).toBe(true);
  });

  it('without IndexedDB it says so', async () => {
    await expect(openIndexedDbSpentStore({})).rejects.toThrow(TypeError);
    await expect(openIndexedDbSpentStore({ indexedDB, name: '' })).rejects.toThrow(TypeError);
    const call = openIndexedDbSpentStore as (options: unknown) => Promise<unknown>;
    for (const bad of [null, 'kiosk', 42]) {
      await expect(call(bad)).rejects.toThrow(/options must be an object/);
    }
    await expect(call({ indexedDB: {} })).rejects.toThrow(TypeError);
  });
});
