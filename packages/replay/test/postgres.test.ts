import { PGlite } from '@electric-sql/pglite';
import { createManualClock, isTallystickError } from '@tallystick/core';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint, scopedKey } from '../src/index.js';
import { createPostgresStore } from '../src/postgres.js';
import { storeContract } from './contract.js';
import { quotaContract } from './quota-contract.js';

const pgUp = await serviceAvailable('postgres');

describe.skipIf(!pgUp)('postgres server', () => {
  storeContract(
    'postgres (pg.Pool)',
    async (clock) => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
      const store = createPostgresStore({ client: pool, table: uniqueName('idem'), clock });
      await store.ensureSchema();
      return {
        store,
        close: async () => {
          await pool.query(`DROP TABLE IF EXISTS ${store.table}, ${store.table.slice(0, -1)}_quota"`);
          await pool.end();
        },
      };
    },
    { modelRuns: 200 },
  );
  quotaContract(
    'postgres (pg.Pool)',
    async (clock, quota) => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
      const store = createPostgresStore({ client: pool, table: uniqueName('idem'), clock, quota });
      await store.ensureSchema();
      return {
        store,
        close: async () => {
          await pool.query(`DROP TABLE IF EXISTS ${store.table}, ${store.table.slice(0, -1)}_quota"`);
          await pool.end();
        },
      };
    },
    50,
  );
});

// Embedded Postgres: no server needed, so this always runs. One instance for
// the whole file, because PGlite takes seconds to start on a busy machine.
const db = new PGlite();
afterAll(() => db.close());

storeContract(
  'postgres (PGlite)',
  async (clock) => {
    const store = createPostgresStore({ client: db, clock, table: 'idem_contract' });
    await store.ensureSchema();
    return { store, close: async () => {} };
  },
  { modelRuns: 200 },
);

quotaContract(
  'postgres (PGlite)',
  async (clock, quota) => {
    const store = createPostgresStore({ client: db, clock, table: 'idem_quota_contract', quota });
    await store.ensureSchema();
    return { store, close: async () => {} };
  },
  50,
);

describe('postgres store specifics', () => {
  const options = { leaseMs: 1_000, ttlMs: 10_000 };

  it('purges only expired records, in bounded batches', async () => {
    const clock = createManualClock(1_000_000);
    const store = createPostgresStore({ client: db, clock, table: 'app.idem' });
    await db.query('CREATE SCHEMA app');
    await store.ensureSchema();
    await store.ensureSchema(); // idempotent itself
    for (let i = 0; i < 5; i++) await store.claim(scopedKey('s', `old-${i}`), fingerprint(i), options);
    clock.advance(5_000);
    await store.claim(scopedKey('s', 'young'), fingerprint('y'), options);
    clock.advance(5_000);
    expect(await store.purgeExpired(3)).toBe(3);
    expect(await store.purgeExpired()).toBe(2);
    expect(await store.purgeExpired()).toBe(0);
    const { rows } = await db.query<{ key: string }>('SELECT key FROM app.idem');
    expect(rows.map((r) => r.key)).toEqual(['young']);
  });

  it('wraps driver failures in ERR_STORE with the cause', async () => {
    const store = createPostgresStore({ client: db, table: 'never_created' });
    const error = await store.claim(scopedKey('s', 'k'), fingerprint(1), options).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses table names that are not plain SQL names', () => {
    const db = { query: async () => ({ rows: [] }) };
    for (const table of ['Idem', 'idem; DROP TABLE x', 'a.b.c', '"q"', 'x'.repeat(49)]) {
      expect(() => createPostgresStore({ client: db, table })).toThrow(RangeError);
    }
    expect(() => createPostgresStore({ client: {} as never })).toThrow(TypeError);
    expect(createPostgresStore({ client: db, table: 'public.idem' }).schemaSql).toContain('"public"."idem"');
  });
});
