// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Sibling entries as installed in the test app (the packed tarball), for entries that need a store.
const installed = (specifier) => createRequire(join(process.cwd(), 'package.json'))(specifier);
const ack = async (batch) => batch.map(() => ({ status: 'acked' }));
const sample = () => ({
  id: '01a20110-d426-705a-b715-db80aa456997',
  type: 'sale',
  device: 'smoke',
  hlc: '0000000000010000-smoke',
  createdAt: 1,
  payload: { sku: 'apple', amount: 250 },
});

async function roundTrip(store) {
  await store.append([sample()], 1_000);
  const [claimed] = await store.claim({ limit: 10, now: 1_000, leaseMs: 1_000, owner: 'smoke' });
  if (claimed?.intent.id !== sample().id || claimed.attempts !== 1)
    throw new Error(`claim: ${JSON.stringify(claimed)}`);
  await store.settle([{ kind: 'ack', seq: claimed.seq, id: claimed.intent.id }]);
  const counts = await store.count(1_000);
  if (counts.pending + counts.inflight + counts.dead !== 0)
    throw new Error(`counts: ${JSON.stringify(counts)}`);
}

function withTempDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-queue-smoke-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

export default {
  '@tallystick/queue': async (queue) => {
    const q = queue.createIntentQueue({
      store: installed('@tallystick/queue/memory').createMemoryStore(),
      device: 'smoke',
      send: ack,
      autoDeliver: false,
    });
    const intent = await q.enqueue({ type: 'sale', payload: { amount: 250 } });
    const result = await q.flush();
    if (result.acked !== 1 || (await q.size()) !== 0)
      throw new Error(`flush: ${JSON.stringify(result)} for ${intent.id}`);
    if (queue.classifyHttpStatus(503) !== 'retry' || queue.classifyHttpStatus(201) !== 'acked')
      throw new Error('classify');
    await q.close();
  },
  '@tallystick/queue/http': async (http) => {
    const send = http.createHttpSender({
      url: 'https://shop.example/intents',
      fetch: async () => new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } }),
    });
    const [outcome] = await send([
      { intent: sample(), seq: 1, status: 'inflight', attempts: 1, enqueuedAt: 1, nextAttemptAt: 1 },
    ]);
    if (outcome?.status !== 'acked') throw new Error(`http sender: ${JSON.stringify(outcome)}`);
    if (http.parseRetryAfter('120', 0) !== 120_000) throw new Error('parseRetryAfter');
  },
  '@tallystick/queue/memory': async (memory) => roundTrip(memory.createMemoryStore()),
  '@tallystick/queue/file': (file) =>
    withTempDir(async (dir) => {
      const store = await file.openFileStore({ dir });
      await roundTrip(store);
      await store.append([sample()], 2_000);
      await store.close();
      const again = await file.openFileStore({ dir });
      if ((await again.count(2_000)).pending !== 1)
        throw new Error('file store lost an intent across reopen');
      await again.close();
    }),
  '@tallystick/queue/sqlite': (sqlite) =>
    withTempDir(async (dir) => {
      const store = await sqlite.openSqliteStore({ path: join(dir, 'q.db') });
      await roundTrip(store);
      await store.close();
    }),
  '@tallystick/queue/indexeddb': async (idb) => {
    let fake;
    try {
      fake = installed('fake-indexeddb');
    } catch {
      // No IndexedDB in Node without it: the adapter must say so with a TypeError.
      const error = await idb.openIndexedDbStore({}).catch((e) => e);
      if (!(error instanceof TypeError))
        throw new Error('openIndexedDbStore without IndexedDB should throw TypeError');
      return;
    }
    const store = await idb.openIndexedDbStore({
      name: 'smoke',
      indexedDB: new fake.IDBFactory(),
      keyRange: fake.IDBKeyRange,
    });
    await roundTrip(store);
    await store.close();
  },
  '@tallystick/queue/postgres': async (postgres) => {
    // No database is assumed here: check the adapter loads and validates before connecting.
    const error = await postgres
      .openPostgresStore({ connectionString: 'postgres://x@127.0.0.1:1/x', table: 'no such; table' })
      .catch((e) => e);
    if (!(error instanceof TypeError))
      throw new Error('openPostgresStore should refuse an unsafe table name');
  },
};
