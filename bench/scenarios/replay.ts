/**
 * @tallystick/replay: what idempotency costs per request, and whether it
 * holds at scale.
 *
 * 1. `replay`: one in-process handler, called bare (baseline) and through
 *    runIdempotent on memory, Redis and Postgres, for a new key (claim,
 *    handler, complete) and for a retry of a completed key (one claim).
 * 2. `replay-db-handler`: the same with a handler that writes one row to
 *    Postgres, the realistic case: the overhead relative to a real effect.
 * 3. `replay-cluster`: 4 server processes (Node http + withIdempotency)
 *    sharing one Postgres, then one Redis, sent 10,000 keys (2,000 with
 *    BENCH_QUICK=1) in random order with duplicates (about 2 requests per
 *    key); every effect must happen exactly once. The baseline is the same
 *    servers with idempotency off, which repeats effects.
 */

import {
  fingerprint,
  type IdempotencyStore,
  runIdempotent,
  type StoredResponse,
  scopedKey,
} from '@tallystick/replay';
import { createMemoryStore } from '@tallystick/replay/memory';
import { createPostgresStore } from '@tallystick/replay/postgres';
import { createRedisStore } from '@tallystick/replay/redis';
import { PG_URL, REDIS_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startCluster } from '../../packages/replay/test/fixtures/cluster.js';
import { type Contender, machineInfo, printRows, QUICK, runThroughput, writeResult } from '../lib/harness.js';

const PAYLOAD = {
  intentId: '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f',
  amount: 1250,
  currency: 'EUR',
  till: 'till-1',
};

export async function run(): Promise<void> {
  const [pgUp, redisUp] = await Promise.all([serviceAvailable('postgres'), serviceAvailable('redis')]);
  const pool = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;
  const redis = redisUp ? new Redis(REDIS_URL) : undefined;
  const table = uniqueName('bench_idem');
  const prefix = `${uniqueName('bench_idem')}:`;
  const effects = uniqueName('bench_effects');
  const stores: [string, IdempotencyStore][] = [['memory', createMemoryStore({ maxEntries: 5_000_000 })]];
  if (redis) stores.push(['redis', createRedisStore({ client: redis, prefix })]);
  if (pool) {
    const store = createPostgresStore({ client: pool, table });
    await store.ensureSchema();
    await pool.query(`CREATE TABLE ${effects} (id bigserial PRIMARY KEY, amount int NOT NULL)`);
    stores.push(['postgres', store]);
  }
  const notes = [
    `Payload: ${JSON.stringify(PAYLOAD)}; the protected paths include its fingerprint (SHA-256 of RFC 8785 JSON).`,
    'new key = claim + handler + complete; retry = claim finds the stored response. One caller at a time: p99 is per request latency.',
  ];
  if (!pgUp) notes.push('Postgres unreachable: its contenders were skipped.');
  if (!redisUp) notes.push('Redis unreachable: its contenders were skipped.');

  try {
    let n = 0;
    const sale = (): StoredResponse => ({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: ++n, ...PAYLOAD }),
    });
    await runThroughput('replay', { contenders: contenders(stores, sale), notes });

    if (pool) {
      const write = async (): Promise<StoredResponse> => {
        const { rows } = await pool.query<{ id: string }>(
          `INSERT INTO ${effects} (amount) VALUES ($1) RETURNING id`,
          [PAYLOAD.amount],
        );
        return {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: `{"id":${rows[0]!.id}}`,
        };
      };
      await runThroughput('replay-db-handler', {
        contenders: contenders(stores, write).filter((c) => !c.name.includes('retry')),
        notes: ['Handler: one INSERT … RETURNING on Postgres (autocommit), the effect being protected.'],
      });
    }
  } finally {
    if (pool) {
      await pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_quota`);
      await pool.query(`DROP TABLE IF EXISTS ${effects}`);
      await pool.end();
    }
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      await redis.quit();
    }
  }

  if (pgUp && redisUp) await cluster();
  else console.log('\n- replay-cluster skipped: it needs both Postgres and Redis.');
}

function contenders(
  stores: [string, IdempotencyStore][],
  handler: () => StoredResponse | Promise<StoredResponse>,
): Contender[] {
  const list: Contender[] = [{ name: 'handler unprotected', baseline: true, fn: handler }];
  // Keys must be new to each call of this function: the stores outlive one scenario.
  const run = Math.random().toString(36).slice(2);
  let counter = 0;
  for (const [name, store] of stores) {
    const done = scopedKey('bench', `done-${name}-${Math.random().toString(36).slice(2)}`);
    let primed = false;
    list.push({
      name: `${name}: new key`,
      fn: async () => {
        const key = scopedKey('bench', `${run}-${++counter}`);
        const outcome = await runIdempotent({ store, key, fingerprint: fingerprint(PAYLOAD), handler });
        if (outcome.kind !== 'executed') throw new Error(`expected the handler to run, got ${outcome.kind}`);
      },
    });
    list.push({
      name: `${name}: retry of a completed key`,
      fn: async () => {
        const outcome = await runIdempotent({ store, key: done, fingerprint: fingerprint(PAYLOAD), handler });
        if (primed && outcome.kind !== 'replayed') throw new Error(`expected a replay, got ${outcome.kind}`);
        primed = true;
      },
    });
  }
  return list;
}

async function cluster(): Promise<void> {
  const keys = QUICK ? 2_000 : 10_000;
  const servers = await startCluster(4);
  const runs = [];
  try {
    for (const backend of ['none', 'postgres', 'redis'] as const) {
      runs.push(await servers.run(backend, { keys, concurrency: 32 }));
    }
  } finally {
    await servers.stop();
  }
  const base = runs.find((r) => r.backend === 'none')!;
  const rows = runs.map((r) => ({
    store: r.backend === 'none' ? 'none (unprotected baseline)' : r.backend,
    keys: r.keys,
    requests: r.requests,
    'requests/s': r.requestsPerSec,
    ratio: `${(r.requestsPerSec / base.requestsPerSec).toFixed(2)}x`,
    'wall s': (r.wallMs / 1000).toFixed(1),
    '409 retries': r.retriesOn409,
    effects: r.effects,
    'exactly once':
      r.effects === r.keys && r.distinctEffects === r.keys && r.inconsistentKeys === 0 ? 'yes' : 'NO',
  }));
  printRows('replay-cluster (4 server processes, baseline: same servers unprotected)', rows);
  writeResult('replay-cluster', {
    scenario: 'replay-cluster',
    date: new Date().toISOString(),
    machine: machineInfo(),
    runs,
  });
  const broken = runs.filter(
    (r) => r.backend !== 'none' && (r.effects !== r.keys || r.unexpected.length > 0),
  );
  if (broken.length > 0)
    throw new Error(`replay-cluster: exactly-once broken on ${broken.map((r) => r.backend).join(', ')}`);
}
