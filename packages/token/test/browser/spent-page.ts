/**
 * Runs in real Chromium (see ../spent-indexeddb-chromium.test.ts): the
 * verifier and its IndexedDB spent store as a kiosk page would use them,
 * driven step by step through `window.spentTest` so a reload or a second tab
 * can land between steps.
 */
import { decodeHex, encodeHex } from '@tallystick/core';
import { createVerifier } from '../../src/index.js';
import { openIndexedDbSpentStore } from '../../src/spent-indexeddb.js';
import type { SpentStore } from '../../src/spent-store.js';

const durabilities: string[] = [];
const original = IDBDatabase.prototype.transaction;
// Records the durability every readwrite transaction asked for, to prove 'strict' reaches the browser.
IDBDatabase.prototype.transaction = function (
  this: IDBDatabase,
  ...args: Parameters<IDBDatabase['transaction']>
) {
  const tx = original.apply(this, args);
  if (tx.mode === 'readwrite') durabilities.push((tx as IDBTransaction & { durability: string }).durability);
  return tx;
};

/** Every upgradeneeded this page saw, with Chromium's data-loss report (non-standard). */
const upgrades: {
  name: string;
  oldVersion: number;
  dataLoss?: string | undefined;
  dataLossMessage?: string | undefined;
}[] = [];
const originalOpen = IDBFactory.prototype.open;
IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
  const req = originalOpen.apply(this, args);
  req.addEventListener('upgradeneeded', (event) => {
    const e = event as IDBVersionChangeEvent & { dataLoss?: string; dataLossMessage?: string };
    upgrades.push({
      name: args[0],
      oldVersion: e.oldVersion,
      dataLoss: e.dataLoss,
      dataLossMessage: e.dataLossMessage,
    });
  });
  return req;
};

const NAME = 'chromium-spent';
const QUOTA_DB = 'chromium-spent-quota';
const newId = () => encodeHex(crypto.getRandomValues(new Uint8Array(16)));

async function withStore<T>(fn: (store: SpentStore) => Promise<T>, name = NAME): Promise<T> {
  const store = await openIndexedDbSpentStore({ name });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** What a rejection looked like, for the Node side to assert on. */
function failure(error: unknown) {
  const e = error as { code?: string; message?: string; cause?: { name?: string } };
  return { code: e.code, message: e.message, cause: e.cause?.name };
}

/** Redeems a scanned code with a verifier on the page's spent store, as a kiosk does. */
function redeem(qr: string, kid: string, publicKey: string, name = NAME) {
  return withStore(async (spent) => {
    const verifier = createVerifier({
      keys: [{ kid, publicKey: decodeHex(publicKey) }],
      audience: 'store-7',
      spent,
    });
    const r = await verifier.redeem(qr);
    return r.ok ? { ok: true, tokenId: r.token.id } : { ok: false, code: r.code, message: r.message };
  }, name);
}

/** Resolves once the other tab has reached the same barrier (BroadcastChannel reaches every tab of the origin). */
function barrier(name: string): Promise<void> {
  const channel = new BroadcastChannel(name);
  return new Promise((resolve) => {
    let answered = false;
    channel.onmessage = () => {
      // The other tab may have announced itself before this one listened: answer once.
      if (!answered) channel.postMessage('ready');
      answered = true;
      channel.close();
      resolve();
    };
    channel.postMessage('ready');
  });
}

/**
 * Records every id in turn, two calls at once per id, on one store held for
 * the whole run. The other tab runs the same ids from the other end, both
 * starting at a barrier, so they meet and contend in the middle. Returns how
 * many calls of this tab won, per id in the given order.
 */
function race(ids: string[], keepUntil: number, reverse: boolean) {
  return withStore(async (store) => {
    const order = reverse ? [...ids].reverse() : ids;
    await barrier(`race-${ids[0]}`);
    const wins = new Map<string, number>();
    for (const id of order) {
      const r = await Promise.all([store.checkAndAdd(id, keepUntil, 0), store.checkAndAdd(id, keepUntil, 0)]);
      wins.set(id, r.filter(Boolean).length);
    }
    return ids.map((id) => wins.get(id)!);
  });
}

/**
 * Records fresh ids one by one until the browser refuses one; returns those
 * it took, the one it refused and how it refused.
 */
function fillUntilFull(keepUntil: number, max: number) {
  return withStore(async (store) => {
    const ids: string[] = [];
    for (let i = 0; i < max; i++) {
      const id = newId();
      try {
        if (!(await store.checkAndAdd(id, keepUntil, 0))) throw new Error(`fresh id ${id} reported spent`);
        ids.push(id);
      } catch (error) {
        return { ids, refused: id, ...failure(error) };
      }
    }
    return { ids, refused: undefined, code: undefined, message: 'never full', cause: undefined };
  }, QUOTA_DB);
}

/** One store kept open across calls, as a kiosk page keeps it, to see what happens to it from outside. */
let held: SpentStore | undefined;
const lifecycle = {
  holdOpen: async (name: string) => {
    held = await openIndexedDbSpentStore({ name });
    return true;
  },
  heldAdd: (id: string, keepUntil: number) =>
    held!.checkAndAdd(id, keepUntil, 0).then(
      (added) => ({ added }),
      (error: unknown) => failure(error),
    ),
  /** What a newer app version does: opens the database at version 2. */
  upgrade: (name: string) =>
    new Promise<string>((resolve) => {
      const req = indexedDB.open(name, 2);
      req.onsuccess = () => {
        req.result.close();
        resolve('upgraded');
      };
      req.onerror = () => resolve(`error: ${req.error?.name}`);
      req.onblocked = () => resolve('blocked');
    }),
  reopen: (name: string) =>
    openIndexedDbSpentStore({ name }).then(
      async (store) => {
        await store.close();
        return { opened: true };
      },
      (error: unknown) => failure(error),
    ),
};

/**
 * Records fresh ids one after another until the browser dies, reporting each
 * to Node (through a function the test exposed) only once it has resolved:
 * every reported id was acknowledged as durably spent.
 */
async function addForever(keepUntil: number): Promise<never> {
  const report = (globalThis as unknown as { reportAck(id: string): Promise<void> }).reportAck;
  const store = await openIndexedDbSpentStore({ name: 'crash' });
  for (;;) {
    const id = newId();
    if (!(await store.checkAndAdd(id, keepUntil, 0))) throw new Error(`fresh id ${id} reported spent`);
    void report(id);
  }
}

/**
 * Records `n` fresh ids with `concurrency` calls in flight, on a fresh store;
 * returns the wall time and the latency of each call (ms), for the benchmark.
 */
function timeAdds(n: number, concurrency: number) {
  return withStore(async (store) => {
    const latencies: number[] = [];
    const keepUntil = Date.now() + 3_600_000;
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < n) {
          const t = performance.now();
          await store.checkAndAdd(newId(), keepUntil, 0);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { ms: performance.now() - start, latencies };
  }, `bench-${newId()}`);
}

const api = {
  upgrades: () => upgrades,
  ...lifecycle,
  timeAdds,
  addForever,
  durabilities: () => [...new Set(durabilities)],
  usage: async () => (await navigator.storage.estimate()).usage ?? 0,
  redeem,
  race,
  fillUntilFull,
  redeemQuota: (qr: string, kid: string, publicKey: string) => redeem(qr, kid, publicKey, QUOTA_DB),
  /** How many of `ids` the store holds. */
  count: (ids: string[], name = NAME) =>
    withStore(
      async (store) => (await Promise.all(ids.map((id) => store.has(id)))).filter(Boolean).length,
      name,
    ),
  countQuota: (ids: string[]) => api.count(ids, QUOTA_DB),
  /** One checkAndAdd on the quota store: its result, or how it failed. */
  addQuota: (id: string, keepUntil: number) =>
    withStore(
      (store) =>
        store.checkAndAdd(id, keepUntil, 0).then(
          (added) => ({ added }),
          (error: unknown) => failure(error),
        ),
      QUOTA_DB,
    ),
  pruneQuota: (now: number) => withStore((store) => store.prune(now), QUOTA_DB),
};

(globalThis as { spentTest?: typeof api }).spentTest = api;
document.title = 'ready';
