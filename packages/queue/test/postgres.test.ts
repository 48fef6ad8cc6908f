import { createManualClock, encodeHlc, newIntentId } from '@tallystick/core';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSql } from '../src/lib/pg-sql.js';
import { openPostgresStore, type PostgresStore } from '../src/postgres.js';
import { createIntentQueue } from '../src/queue.js';
import type { SendFunction } from '../src/types.js';
import { describeStoreContract } from './contract.js';

const available = await serviceAvailable('postgres');
const pool = available ? new pg.Pool({ connectionString: PG_URL, max: 8 }) : undefined;
const tables: string[] = [];
let table = '';

afterAll(async () => {
  if (!pool) return;
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}, ${t}_meta CASCADE`);
  await pool.query(`DROP FUNCTION IF EXISTS tallystick_test_disk_full() CASCADE`).catch(() => undefined);
  await pool.end();
});

describeStoreContract(
  'postgres',
  pool && {
    capabilities: { persistent: true, sharedAccess: true, concurrentReplayers: true, renewsLeases: true },
    open: () => openPostgresStore({ pool, table }),
    fresh: async () => {
      table = uniqueName('tq');
      tables.push(table);
    },
    // Postgres reports a full disk as SQLSTATE 53100; a trigger raises exactly that on insert.
    fill: async () => {
      await pool.query(`CREATE OR REPLACE FUNCTION tallystick_test_disk_full() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END
        $$ LANGUAGE plpgsql`);
      await pool.query(`CREATE TRIGGER ${table}_full BEFORE INSERT ON ${table} FOR EACH ROW
        EXECUTE FUNCTION tallystick_test_disk_full()`);
    },
    free: async () => {
      await pool.query(`DROP TRIGGER ${table}_full ON ${table}`);
    },
    tamper: async (_store, id, edit) => {
      const { rows } = await pool.query(`SELECT envelope::text AS e FROM ${table} WHERE id = $1`, [id]);
      await pool.query(`UPDATE ${table} SET envelope = $1::json WHERE id = $2`, [edit(rows[0].e), id]);
    },
    corruption: 'dead-letters',
  },
);

describe.skipIf(!pool)('postgres outbox with many workers', () => {
  let stores: PostgresStore[] = [];
  beforeAll(async () => {
    table = uniqueName('tq_workers');
    tables.push(table);
    stores = await Promise.all(
      Array.from({ length: 4 }, async () =>
        openPostgresStore({ pool: new pg.Pool({ connectionString: PG_URL, max: 3 }), table }),
      ),
    );
  });
  afterAll(async () => {
    for (const s of stores) await s.pool.end();
  });

  it('four workers deliver every intent exactly once, each partition in order', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const producer = createIntentQueue({
      store: stores[0]!,
      device: 'backoffice',
      send: async () => [],
      autoDeliver: false,
      clock,
    });
    const partitions = ['a', 'b', 'c', undefined];
    const enqueued = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        producer.enqueue({
          type: 'sale',
          payload: { i },
          ...(partitions[i % 4] ? { partitionKey: partitions[i % 4]! } : {}),
        }),
      ),
    );
    const delivered: { id: string; key: string | undefined; seq: number }[] = [];
    const send: SendFunction = async (batch) => {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
      for (const q of batch) delivered.push({ id: q.intent.id, key: q.intent.partitionKey, seq: q.seq });
      return batch.map(() => ({ status: 'acked' }));
    };
    const workers = stores.map((store, w) =>
      createIntentQueue({ store, device: `worker-${w}`, send, autoDeliver: false, batchSize: 25, clock }),
    );
    for (let round = 0; round < 50 && delivered.length < enqueued.length; round++) {
      await Promise.all(workers.map((q) => q.flush()));
    }
    expect(delivered).toHaveLength(enqueued.length);
    expect(new Set(delivered.map((d) => d.id)).size).toBe(enqueued.length);
    for (const key of ['a', 'b', 'c']) {
      const seqs = delivered.filter((d) => d.key === key).map((d) => d.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(await stores[0]!.count(clock.now())).toEqual({ pending: 0, inflight: 0, dead: 0 });
  });

  it("looks past a window full of other workers' leases, and never claims behind a partition head another worker is locking", async () => {
    const store = stores[1]!;
    const t = 1_700_000_000_000;
    await store.pool.query(`TRUNCATE ${table}`);
    const env = (i: number, partitionKey?: string) => ({
      id: newIntentId(),
      type: 'sale',
      device: 'worker-test',
      hlc: encodeHlc({ wall: t, counter: i, node: 'worker-test' }),
      createdAt: t,
      payload: { i },
      ...(partitionKey ? { partitionKey } : {}),
    });
    // 100 unpartitioned intents that worker A leases, then p0 p1 q2 p3 behind them.
    await store.append(Array.from({ length: 100 }, (_, i) => env(i)) as never, t);
    await store.append([env(100, 'p'), env(101, 'p'), env(102, 'q'), env(103, 'p')] as never, t);
    // Workers A, B and C each have their own store, as in separate processes: a store widens its window
    // by the intents it holds itself (claimed ahead), so A's leases must be looked past, not skipped.
    const a = await stores[2]!.claim({ limit: 100, now: t, leaseMs: 60_000, owner: 'a' });
    expect(a).toHaveLength(100);
    // Worker B's first window (2 x limit 5 = 10 rows) holds only A's leases; it must widen, not give up.
    const locker = await store.pool.connect();
    try {
      const heads = await store.pool.query(`SELECT seq FROM ${table} WHERE NOT dead ORDER BY seq OFFSET 100`);
      const [p0] = heads.rows.map((r: { seq: string }) => Number(r.seq));
      // A third worker is mid-claim on p's head (row locked, lease not yet committed).
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM ${table} WHERE seq = $1 FOR UPDATE`, [p0]);
      const b = await store.claim({ limit: 5, now: t + 1, leaseMs: 60_000, owner: 'b' });
      expect(b.map((q) => (q.intent.payload as { i: number }).i)).toEqual([102]);
      await locker.query('ROLLBACK');
      const c = await stores[3]!.claim({ limit: 5, now: t + 2, leaseMs: 60_000, owner: 'c' });
      expect(c.map((q) => (q.intent.payload as { i: number }).i)).toEqual([100, 101, 103]);
    } finally {
      locker.release();
    }
  });
});

describe.skipIf(!pool)('postgres store integrity', () => {
  it('migrates a table made before checksums: fills them at open, then catches any later change', async () => {
    const t = uniqueName('tq_legacy');
    tables.push(t);
    const legacy = postgresSql(t)
      .schema.replace(',\n        checksum bigint', '')
      .replace(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS checksum bigint;`, '');
    expect(legacy).not.toContain('checksum');
    await pool!.query(legacy);
    const old = [1250, 40].map((amount, i) => ({
      id: newIntentId(),
      type: 'sale',
      device: 'till-1',
      hlc: encodeHlc({ wall: 1_000, counter: i, node: 'till-1' }),
      createdAt: 1_000,
      payload: { amount },
    }));
    for (const e of old) {
      await pool!.query(
        `INSERT INTO ${t} (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope) VALUES ($1, NULL, 1, 1, 1000, $2)`,
        [e.id, JSON.stringify(e)],
      );
    }
    const store = await openPostgresStore({ pool: pool!, table: t });
    const { rows } = await pool!.query(`SELECT checksum FROM ${t}`);
    expect(rows.every((r: { checksum: string | null }) => r.checksum !== null)).toBe(true);
    await pool!.query(
      `UPDATE ${t} SET envelope = replace(envelope::text, '"amount":40', '"amount":90')::json WHERE id = $1`,
      [old[1]!.id],
    );
    const batch = await store.claim({ limit: 10, now: 5, leaseMs: 1000, owner: 't' });
    expect(batch.map((q) => q.intent)).toEqual([old[0]]);
    expect((await store.count(5)).dead).toBe(1);
    await store.close();
  });
});
