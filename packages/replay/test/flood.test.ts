/**
 * One anonymous client flooding junk Idempotency-Keys must not lock every
 * other client out: refusals are not stored, and a scope over its quota of
 * new keys gets 429 while other scopes carry on. Run on every store that is
 * reachable, through `serveIdempotent`, the path both HTTP wrappers take.
 */
import { createManualClock } from '@tallystick/core';
import { PG_URL, REDIS_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type IdempotencyStore, resolveHttpOptions, type ScopeQuota, serveIdempotent } from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';
import { createPostgresStore } from '../src/postgres.js';
import { createRedisStore } from '../src/redis.js';

const JUNK = 10_000;
const QUOTA: ScopeQuota = { maxKeys: 1_000, windowMs: 60_000 };
const body = new TextEncoder().encode('{"junk":true}');
const sale = new TextEncoder().encode('{"amount":1250}');

async function flood(
  store: IdempotencyStore,
  status: number,
  concurrency: number,
): Promise<Map<number, number>> {
  const options = resolveHttpOptions({ store });
  const statuses = new Map<number, number>();
  let next = 0;
  const attacker = uniqueName('anon');
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < JUNK) {
        const i = next++;
        const result = await serveIdempotent(
          options,
          { method: 'POST', path: '/sales', scope: attacker, key: `junk-${i}`, body },
          async () => ({ status, headers: {}, body: 'junk' }),
        );
        const got = result.response.status;
        statuses.set(got, (statuses.get(got) ?? 0) + 1);
        if (got === 429) expect(Number(result.response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }),
  );
  return statuses;
}

async function tillStillServed(store: IdempotencyStore): Promise<void> {
  const result = await serveIdempotent(
    resolveHttpOptions({ store }),
    { method: 'POST', path: '/sales', scope: 'till-1', key: uniqueName('sale'), body: sale },
    async () => ({ status: 201, headers: {}, body: 'sold' }),
  );
  expect(result.response.status).toBe(201);
}

describe('a junk flood from one scope', () => {
  it(`memory, no quota: ${JUNK} refused requests store nothing, so a full store never locks others out`, async () => {
    const store = createMemoryStore({ maxEntries: JUNK / 2 });
    expect(await flood(store, 400, 1)).toEqual(new Map([[400, JUNK]]));
    expect(store.size).toBe(0);
    await tillStillServed(store);
  });

  it(`memory with a quota: ${JUNK} accepted junk keys stop at the quota (429), other scopes carry on`, async () => {
    const store = createMemoryStore({
      maxEntries: 5_000,
      quota: QUOTA,
      clock: createManualClock(1_700_000_000_000),
    });
    expect(await flood(store, 201, 1)).toEqual(
      new Map([
        [201, QUOTA.maxKeys],
        [429, JUNK - QUOTA.maxKeys],
      ]),
    );
    expect(store.size).toBe(QUOTA.maxKeys);
    await tillStillServed(store);
  });
});

const redisUp = await serviceAvailable('redis');
describe.skipIf(!redisUp)('a junk flood from one scope: redis', () => {
  const client = new Redis(REDIS_URL);
  afterAll(() => client.quit());

  it(`${JUNK} junk keys stop at the quota (429) and another scope still succeeds`, async () => {
    const prefix = `${uniqueName('flood')}:`;
    const store = createRedisStore({
      client,
      prefix,
      quota: QUOTA,
      clock: createManualClock(1_700_000_000_000),
    });
    const statuses = await flood(store, 201, 32);
    expect(statuses.get(201)).toBe(QUOTA.maxKeys);
    expect(statuses.get(429)).toBe(JUNK - QUOTA.maxKeys);
    await tillStillServed(store);
    const keys = await client.keys(`${prefix}*`);
    expect(keys.length).toBe(QUOTA.maxKeys + 3); // the junk records, the till's, two counters
    if (keys.length > 0) await client.del(...keys);
  }, 60_000);
});

const pgUp = await serviceAvailable('postgres');
describe.skipIf(!pgUp)('a junk flood from one scope: postgres', () => {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
  pool.on('error', () => undefined);
  afterAll(() => pool.end());

  it(`${JUNK} junk keys stop at the quota (429) and another scope still succeeds`, async () => {
    const store = createPostgresStore({
      client: pool,
      table: uniqueName('flood'),
      quota: QUOTA,
      clock: createManualClock(1_700_000_000_000),
    });
    await store.ensureSchema();
    try {
      const statuses = await flood(store, 201, 8);
      expect(statuses.get(201)).toBe(QUOTA.maxKeys);
      expect(statuses.get(429)).toBe(JUNK - QUOTA.maxKeys);
      await tillStillServed(store);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${store.table}`);
      expect(rows[0].n).toBe(QUOTA.maxKeys + 1);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${store.table}, ${store.table.slice(0, -1)}_quota"`);
    }
  }, 120_000);
});
