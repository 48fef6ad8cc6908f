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
import { drainAtFloor, fillBacklog } from '../lib/queue-fixtures.js';

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
  await fillBacklog(queue, N);
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
    const bare = await measure(() => drainAtFloor(store.pool, table).then(() => undefined));
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
