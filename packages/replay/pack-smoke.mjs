// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The memory store as installed in the test app (the packed tarball), for entries that need a store.
const installed = () => createRequire(join(process.cwd(), 'package.json'))('@tallystick/replay/memory');
const OPTIONS = { leaseMs: 1_000, ttlMs: 60_000 };
const SOLD = { status: 201, headers: { 'content-type': 'text/plain' }, body: 'sold' };

async function claimCompleteReplay(store, fp) {
  const key = { scope: 'smoke', key: 'k-1' };
  const first = await store.claim(key, fp, OPTIONS);
  if (first.status !== 'claimed') throw new Error(`first claim: ${first.status}`);
  if (!(await store.complete(key, first.token, SOLD, OPTIONS.ttlMs))) throw new Error('complete refused');
  const again = await store.claim(key, fp, OPTIONS);
  if (again.status !== 'completed' || again.response.body !== 'sold')
    throw new Error(`replay: ${JSON.stringify(again)}`);
}

export default {
  '@tallystick/replay': async (replay) => {
    const fp = replay.fingerprint({ currency: 'EUR', amount: 1250 });
    if (fp !== 'eeee78fb20f8fbb03fb016f376c0389d6be5286bbce3a472be2a2b376b3953d4')
      throw new Error(`fingerprint ${fp}`);
    if (replay.parseIdempotencyKeyHeader('"a\\"b"').key !== 'a"b')
      throw new Error('sf-string key parse failed');
    if (replay.problemResponse('idempotency-key-reused', 'x').status !== 422)
      throw new Error('problem status');
    const outcome = await replay.runIdempotent({
      store: installed().createMemoryStore(),
      key: replay.scopedKey('smoke', 'k'),
      fingerprint: fp,
      handler: () => SOLD,
    });
    if (outcome.kind !== 'executed' || outcome.disposition !== 'stored')
      throw new Error(`runIdempotent: ${outcome.kind}`);
  },
  '@tallystick/replay/memory': async (memory) => {
    await claimCompleteReplay(memory.createMemoryStore(), 'abc123');
  },
  '@tallystick/replay/postgres': async (postgres) => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite();
    try {
      const store = postgres.createPostgresStore({ client: db });
      await store.ensureSchema();
      await claimCompleteReplay(store, 'abc123');
    } finally {
      await db.close();
    }
  },
  '@tallystick/replay/redis': async (redis) => {
    const { Redis } = await import('ioredis');
    // No server needed: argument checks run before any command is sent.
    const client = new Redis({ lazyConnect: true });
    const store = redis.createRedisStore({ client });
    const refused = await store.claim({ scope: 's', key: 'k' }, 'not|valid', OPTIONS).catch((e) => e);
    client.disconnect();
    if (!(refused instanceof RangeError)) throw new Error('redis store did not validate its fingerprint');
  },
  '@tallystick/replay/node': async (node) => {
    const { createServer } = await import('node:http');
    const server = createServer(
      node.withIdempotency({ store: installed().createMemoryStore(), scope: () => 'smoke' }, () => SOLD),
    );
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/sales`;
      const init = {
        method: 'POST',
        headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
        body: '{"a":1}',
      };
      const first = await fetch(url, init);
      const again = await fetch(url, init);
      if (first.status !== 201 || again.headers.get('idempotent-replayed') !== 'true')
        throw new Error('node replay failed');
    } finally {
      server.close();
    }
  },
  '@tallystick/replay/hono': async (hono) => {
    const { Hono } = await import('hono');
    const app = new Hono();
    app.use('*', hono.idempotency({ store: installed().createMemoryStore(), scope: () => 'smoke' }));
    app.post('/sales', (c) => c.text('sold', 201));
    const init = {
      method: 'POST',
      headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
      body: '{"a":1}',
    };
    const first = await app.request('/sales', init);
    const again = await app.request('/sales', init);
    if (first.status !== 201 || again.headers.get('idempotent-replayed') !== 'true')
      throw new Error('hono replay failed');
  },
};
