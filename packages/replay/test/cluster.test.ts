/**
 * 4 real server processes (Node http + withIdempotency) share one Postgres,
 * then one Redis. The same keys arrive in random order, a third of them three
 * times and a third twice, spread over the servers; each handler effect (a
 * row in a Postgres table) must happen exactly once. The unit suite uses
 * 2,000 keys to keep its wall time down; bench/scenarios/replay.ts runs 10,000.
 */
import { serviceAvailable } from '@tallystick/testkit';
import { describe, expect, it } from 'vitest';
import { runCluster } from './fixtures/cluster.js';

const pgUp = await serviceAvailable('postgres');
const redisUp = await serviceAvailable('redis');
const KEYS = Number(process.env.REPLAY_CLUSTER_KEYS ?? 2_000);

describe('4 server processes sharing one store', () => {
  for (const backend of ['postgres', 'redis'] as const) {
    // The effect table lives in Postgres for both runs.
    it.skipIf(!pgUp || (backend === 'redis' && !redisUp))(
      `${backend}: ${KEYS} keys with duplicates → every effect exactly once`,
      async () => {
        const run = await runCluster(backend, { servers: 4, keys: KEYS, concurrency: 32 });
        console.log(`[replay cluster] ${JSON.stringify(run)}`);
        expect(run.unexpected).toEqual([]);
        expect(run.requests).toBeGreaterThan(KEYS * 1.9);
        expect(run.effects).toBe(KEYS);
        expect(run.distinctEffects).toBe(KEYS);
        expect(run.inconsistentKeys).toBe(0);
      },
      120_000,
    );
  }
});
