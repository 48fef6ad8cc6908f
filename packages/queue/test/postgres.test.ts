import { createManualClock } from '@tallystick/core';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    capabilities: { persistent: true, sharedAccess: true, concurrentReplayers: true },
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
});
