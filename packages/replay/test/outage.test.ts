/**
 * The Postgres and Redis stores through a TCP proxy that a test cuts and
 * restores, against the real services: during the cut every call fails with
 * the typed, retryable `ERR_SERVICE_UNAVAILABLE` (the HTTP layer answers 503
 * with Retry-After and runs nothing), nothing crashes the process, and once
 * the proxy is back the next call succeeds on the same client.
 */
import { isTallystickError } from '@tallystick/core';
import {
  PG_URL,
  REDIS_URL,
  serviceAvailable,
  startTcpProxy,
  type TcpProxy,
  uniqueName,
} from '@tallystick/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  type IdempotencyStore,
  resolveHttpOptions,
  scopedKey,
  serveIdempotent,
} from '../src/index.js';
import { createPostgresStore } from '../src/postgres.js';
import { createRedisStore } from '../src/redis.js';

const OPTS = { leaseMs: 5_000, ttlMs: 60_000 };
const body = new TextEncoder().encode('{"amount":1250}');

/** The outage script every store goes through. */
async function cutAndRestore(proxy: TcpProxy, store: IdempotencyStore): Promise<void> {
  const before = await store.claim(scopedKey('till-1', uniqueName('k')), fingerprint(1), OPTS);
  expect(before.status).toBe('claimed');

  proxy.cut();
  // Let the dropped connections report: a server's idle pool meets the cut this way, between requests.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const failed = await store
    .claim(scopedKey('till-1', uniqueName('k')), fingerprint(1), OPTS)
    .catch((e: unknown) => e);
  expect(isTallystickError(failed, 'ERR_SERVICE_UNAVAILABLE')).toBe(true);
  expect((failed as Error).cause).toBeDefined();

  let ran = false;
  const reply = await serveIdempotent(
    resolveHttpOptions({ store, retryAfterSeconds: 2 }),
    { method: 'POST', path: '/sales', scope: 'till-1', key: uniqueName('k'), body },
    async () => {
      ran = true;
      return { status: 201, headers: {}, body: 'sold' };
    },
  );
  expect(ran).toBe(false);
  expect(reply.response.status).toBe(503);
  expect(reply.response.headers['retry-after']).toBe('2');
  expect(reply.response.headers['content-type']).toBe('application/problem+json');

  await proxy.restore();
  // The client reconnects on its own; the first call after the restore may still meet the old
  // socket's teardown, so give it a few tries, as a till's retry loop would.
  const key = scopedKey('till-1', uniqueName('k'));
  let after: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    after = await store.claim(key, fingerprint(1), OPTS).catch((e: unknown) => e);
    if (!(after instanceof Error)) break;
    expect(isTallystickError(after, 'ERR_SERVICE_UNAVAILABLE')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(after).toMatchObject({ status: 'claimed' });
}

/**
 * The store drops while the handler runs: its response still reaches the
 * client (it took effect), and after the restore a retry with the same key
 * gets that response replayed at once, not 409 until the lease lapses.
 */
async function cutWhileRunning(proxy: TcpProxy, store: IdempotencyStore): Promise<void> {
  const options = resolveHttpOptions({ store });
  const exchange = { method: 'POST', path: '/sales', scope: 'till-1', key: uniqueName('k'), body };
  let runs = 0;
  const handler = async () => {
    runs++;
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { status: 201, headers: { 'content-type': 'text/plain' }, body: 'sold once' };
  };
  const first = await serveIdempotent(options, exchange, handler);
  expect(first).toMatchObject({ kind: 'executed', response: { status: 201, body: 'sold once' } });
  const during = await serveIdempotent(options, exchange, handler);
  expect(during.response.status).toBe(503);
  await proxy.restore();
  let again = during;
  for (let attempt = 0; attempt < 20 && again.response.status === 503; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    again = await serveIdempotent(options, exchange, handler);
  }
  expect(again.response).toMatchObject({
    status: 201,
    body: 'sold once',
    headers: { 'idempotent-replayed': 'true' },
  });
  expect(runs).toBe(1);
}

const pgUp = await serviceAvailable('postgres');
describe.skipIf(!pgUp)('postgres store through a cut connection', () => {
  let proxy: TcpProxy;
  let pool: pg.Pool;
  const poolErrors: Error[] = [];
  beforeAll(async () => {
    proxy = await startTcpProxy(PG_URL);
    pool = new pg.Pool({ connectionString: proxy.url(PG_URL), max: 4, connectionTimeoutMillis: 2_000 });
    // What every server must do: without it, the idle connections the cut kills crash the process.
    pool.on('error', (error) => poolErrors.push(error));
  });
  afterAll(async () => {
    await pool?.end();
    await proxy?.close();
  });

  it('fails typed and retryable while cut (503 over HTTP, handler not run), and recovers without a restart', async () => {
    const store = createPostgresStore({ client: pool, table: uniqueName('outage') });
    await store.ensureSchema();
    // Two idle connections in the pool when the cut comes: the pool must survive their errors.
    await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
    try {
      await cutAndRestore(proxy, store);
      expect(poolErrors.length).toBeGreaterThan(0);
      await cutWhileRunning(proxy, store);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${store.table}, ${store.table.slice(0, -1)}_quota"`);
    }
  });
});

describe.skipIf(!pgUp)('postgres store on a pool its owner forgot to listen on', () => {
  it('does not let the dropped idle connections crash the process', async () => {
    const proxy = await startTcpProxy(PG_URL);
    const pool = new pg.Pool({ connectionString: proxy.url(PG_URL), max: 4, connectionTimeoutMillis: 2_000 });
    const store = createPostgresStore({ client: pool, table: uniqueName('outage') });
    try {
      await store.ensureSchema();
      await Promise.all([pool.query('SELECT pg_sleep(0.05)'), pool.query('SELECT pg_sleep(0.05)')]);
      expect(pool.idleCount).toBeGreaterThan(0);
      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(pool.idleCount).toBe(0); // they errored, and nobody crashed
      await proxy.restore();
      expect((await store.claim(scopedKey('s', uniqueName('k')), fingerprint(1), OPTS)).status).toBe(
        'claimed',
      );
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${store.table}, ${store.table.slice(0, -1)}_quota"`);
      await pool.end();
      await proxy.close();
    }
  });
});

const redisUp = await serviceAvailable('redis');
describe.skipIf(!redisUp)('redis store through a cut connection', () => {
  let proxy: TcpProxy;
  let client: Redis;
  const clientErrors: Error[] = [];
  beforeAll(async () => {
    proxy = await startTcpProxy(REDIS_URL);
    // Fail a command after one reconnect attempt instead of queueing it through the outage.
    client = new Redis(proxy.url(REDIS_URL), { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', (error) => clientErrors.push(error));
  });
  afterAll(async () => {
    client?.disconnect();
    await proxy?.close();
  });

  it('fails typed and retryable while cut (503 over HTTP, handler not run), and recovers without a restart', async () => {
    const prefix = `${uniqueName('outage')}:`;
    await cutAndRestore(proxy, createRedisStore({ client, prefix }));
    await cutWhileRunning(proxy, createRedisStore({ client, prefix }));
    expect(clientErrors.length).toBeGreaterThan(0);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
  });
});
