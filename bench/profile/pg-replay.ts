/**
 * Bench-only probe for the Postgres adapter's replay (not a scenario: run it
 * by hand). Fills a table like bench/scenarios/queue.ts does (25% of intents
 * in 8 partitions), replays it through a queue into an in-process sink, then
 * the bare claim+ack floor, alternating for ROUNDS rounds, and reports per
 * round: intents/s, node CPU and Postgres CPU (all `postgres` processes, from
 * /proc) per 1,000 intents, so one can see which side a change saves.
 *
 *   cd bench && node --import tsx --conditions=@tallystick/source profile/pg-replay.ts [n] [rounds]
 *
 * With PROFILE=<file> the adapter's replays (only) are CPU-profiled into <file> (.cpuprofile).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { newIntentId } from '@tallystick/core';
import { createIntentQueue } from '@tallystick/queue';
import { openPostgresStore } from '@tallystick/queue/postgres';
import type pg from 'pg';

const PG_URL = process.env.TALLYSTICK_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const TICK = 100; // USER_HZ on Linux

/** CPU seconds used so far by every process named `postgres` (backends, WAL writer, ...). */
function postgresCpu(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we looked.
    }
  }
  return ticks / TICK;
}

const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(run: () => Promise<void>) {
  const pg0 = postgresCpu();
  const node0 = nodeCpu();
  const t = performance.now();
  await run();
  const seconds = (performance.now() - t) / 1000;
  return {
    perSec: Math.round(N / seconds),
    nodeUsPerIntent: Math.round(((nodeCpu() - node0) / N) * 1e7) / 10,
    pgUsPerIntent: Math.round(((postgresCpu() - pg0) / N) * 1e7) / 10,
  };
}

async function floor(pool: pg.Pool, table: string): Promise<void> {
  const cols =
    'seq, id, partition_key, dead, attempts, next_attempt_at, lease_until, last_error, dead_reason, dead_at, enqueued_at, created_at, envelope';
  const relaxed = `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS v)`;
  const claim = `${relaxed} UPDATE ${table} SET attempts = attempts + 1, lease_until = $2, lease_owner = $3 WHERE seq IN (
    SELECT seq FROM ${table} WHERE NOT dead AND next_attempt_at <= $1 AND lease_until <= $1
    ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED) AND (SELECT v FROM relaxed) = 'off' RETURNING ${cols}`;
  const ack = `${relaxed} DELETE FROM ${table} WHERE seq = ANY($1::bigint[]) AND (SELECT v FROM relaxed) = 'off'`;
  for (;;) {
    const now = Date.now();
    const r = await pool.query({
      name: `floor_claim_${table}`,
      text: claim,
      values: [now, now + 60_000, 'f'],
    });
    if (r.rows.length === 0) break;
    await pool.query({ name: `floor_ack_${table}`, text: ack, values: [r.rows.map((x) => x.seq)] });
  }
}

const table = `prof_q_${newIntentId().replace(/-/g, '').slice(-12)}`;
const store = await openPostgresStore({ connectionString: PG_URL, table });
let delivered = 0;
const queue = createIntentQueue({
  store,
  device: 'prof',
  autoDeliver: false,
  batchSize: 100,
  send: async (batch) => {
    delivered += batch.length;
    return batch.map(() => ({ status: 'acked' }));
  },
});
async function fill(): Promise<void> {
  for (let i = 0; i < N; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) =>
        queue.enqueue({
          type: 'sale',
          payload: { sku: `sku-${(i + j) % 100}`, amount: 100 + ((i + j) % 900), currency: 'EUR', qty: 1 },
          ...((i + j) % 4 === 0 ? { partitionKey: `till-${j % 8}` } : {}),
        }),
      ),
    );
  }
  await store.pool.query(`VACUUM ${table}`);
}
const profileTo = process.env.PROFILE;
const session = profileTo ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
}
try {
  for (let round = 0; round < ROUNDS; round++) {
    await fill();
    delivered = 0;
    await session?.post('Profiler.start');
    const adapter = await measure(() => queue.flush().then(() => undefined));
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${profileTo}.${round}.cpuprofile`, JSON.stringify(profile));
    }
    if (delivered !== N) throw new Error(`delivered ${delivered}/${N}`);
    await fill();
    const bare = await measure(() => floor(store.pool, table));
    console.log(
      JSON.stringify({
        round,
        adapter,
        floor: bare,
        ratio: Math.round((adapter.perSec / bare.perSec) * 100) / 100,
      }),
    );
  }
} finally {
  await queue.close();
  await store.pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_meta`);
  await store.close();
}
