/**
 * Runs in real Chromium (see ../indexeddb-chromium.test.ts): the queue and
 * its IndexedDB store exactly as an app would use them, driven step by step
 * through `window.queueTest` so a reload can land between steps.
 */
import { createIntentQueue, type ReplayerLease } from '../../src/index.js';
import { openIndexedDbStore } from '../../src/indexeddb.js';

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

const NAME = 'chromium-queue';
let held: ReplayerLease | undefined;

async function withQueue<T>(
  fn: (queue: ReturnType<typeof createIntentQueue>) => Promise<T>,
  name = NAME,
): Promise<T> {
  const store = await openIndexedDbStore({ name });
  const queue = createIntentQueue({
    store,
    device: 'chromium-tab',
    autoDeliver: false,
    send: async (batch) => batch.map(() => ({ status: 'acked' })),
  });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
    await store.close();
  }
}

/** Store-level rules in the real browser: claims and leases, partitions, dead letters, reopen. */
async function storeScenario() {
  const name = `scenario-${Math.random()}`;
  const t0 = 1_700_000_000_000;
  const env = (i: number, partitionKey?: string) => ({
    id: crypto.randomUUID().replace(/^(.{14})./, '$17'),
    type: 'sale',
    device: 'tab',
    hlc: `${(t0 + i).toString(16).padStart(12, '0')}0000-tab`,
    createdAt: t0,
    payload: { i },
    ...(partitionKey ? { partitionKey } : {}),
  });
  const intents = [env(0, 'p'), env(1, 'p'), env(2, 'q'), env(3), env(4, 'p')];
  let store = await openIndexedDbStore({ name });
  await Promise.all(intents.map((e) => store.append([e], t0)));
  const first = await store.claim({ limit: 10, now: t0, leaseMs: 1000, owner: 'x' });
  const [p0, p1, q2, f3, p4] = first;
  await store.settle([
    {
      kind: 'reschedule',
      seq: p0!.seq,
      id: p0!.intent.id,
      attempts: 1,
      nextAttemptAt: t0 + 500,
      error: 'HTTP 503',
    },
    { kind: 'reschedule', seq: p1!.seq, id: p1!.intent.id, attempts: 0, nextAttemptAt: t0 },
    { kind: 'reschedule', seq: p4!.seq, id: p4!.intent.id, attempts: 0, nextAttemptAt: t0 },
    { kind: 'dead', seq: q2!.seq, id: q2!.intent.id, reason: 'permanent', at: t0 },
    { kind: 'ack', seq: f3!.seq, id: f3!.intent.id },
  ]);
  const blocked = await store.claim({ limit: 10, now: t0 + 1, leaseMs: 1000, owner: 'x' });
  const due = await store.nextDueAt(t0 + 1);
  await store.close();
  store = await openIndexedDbStore({ name });
  const requeued = await store.requeue([{ seq: q2!.seq, id: q2!.intent.id }], t0 + 2);
  const later = await store.claim({ limit: 10, now: t0 + 500, leaseMs: 1000, owner: 'x' });
  const counts = await store.count(t0 + 500);
  const mark = await store.highWater();
  await store.close();
  return {
    firstClaim: first.map((q) => (q.intent.payload as { i: number }).i),
    blocked: blocked.length,
    due: due === undefined ? null : due - t0,
    requeued,
    laterClaim: later.map((q) => [(q.intent.payload as { i: number }).i, q.attempts]),
    counts,
    highWaterIsMax: mark === intents[4]!.hlc,
  };
}

const QUOTA_DB = 'chromium-quota';

/** Random text, because Chromium compresses what IndexedDB stores and a repeated pad would barely count. */
function noise(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(Math.ceil((bytes * 3) / 4)));
  let s = '';
  for (const b of raw) s += String.fromCharCode(b);
  return btoa(s).slice(0, bytes);
}

/**
 * Enqueues `bytes`-sized intents one by one until the browser refuses one;
 * returns the ids that were stored and the code of the error that stopped it.
 */
async function fillUntilFull(bytes: number, max: number) {
  return withQueue(async (queue) => {
    const ids: string[] = [];
    for (let i = 0; i < max; i++) {
      try {
        ids.push((await queue.enqueue({ type: 'sale', payload: { i, pad: noise(bytes) } })).id);
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        return { ids, code, message };
      }
    }
    return { ids, code: undefined, message: 'never full' };
  }, QUOTA_DB);
}

const quota = {
  usage: async () => (await navigator.storage.estimate()).usage ?? 0,
  fillUntilFull,
  quotaIds: () =>
    withQueue(async (queue) => (await queue.list({ limit: 10_000 })).map((q) => q.intent.id), QUOTA_DB),
  /** Delivers everything through the queue's own claim, send and settle, which frees the space. */
  drain: () =>
    withQueue(
      async (queue) => ({ ...(await queue.flush()), lastError: (await queue.stats()).lastError }),
      QUOTA_DB,
    ),
  enqueueAfterFree: (bytes: number) =>
    withQueue(
      async (queue) => (await queue.enqueue({ type: 'sale', payload: { pad: noise(bytes) } })).id,
      QUOTA_DB,
    ),
};

const api = {
  ...quota,
  storeScenario,
  hasWebLocks: () => typeof navigator.locks?.request === 'function',
  enqueue: (n: number) =>
    withQueue(async (queue) => {
      const ids: string[] = [];
      const made = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          queue.enqueue({ type: 'sale', payload: { i }, partitionKey: `p${i % 3}` }),
        ),
      );
      for (const m of made) ids.push(m.id);
      return ids;
    }),
  list: () =>
    withQueue(async (queue) => (await queue.list({ limit: 1000 })).map((q) => [q.intent.id, q.status])),
  flush: () => withQueue((queue) => queue.flush()),
  durabilities: () => [...new Set(durabilities)],
  holdLock: async () => {
    const store = await openIndexedDbStore({ name: NAME });
    held = await store.acquireReplayer(`tab-${Math.random()}`, 60_000, Date.now());
    return held !== undefined;
  },
  releaseLock: async () => {
    await held?.release();
    held = undefined;
  },
};

(globalThis as { queueTest?: typeof api }).queueTest = api;
document.title = 'ready';
