/**
 * 4 real server processes (Node http + withIdempotency) share one Postgres,
 * then one Redis. The same keys arrive in random order, a third of them three
 * times and a third twice, spread over the servers; each handler effect (a
 * row in a Postgres table) must happen exactly once. The unit suite uses
 * 1,000 keys (about 2,000 requests per store) to stay within its time budget
 * on a shared 2-core machine; REPLAY_CLUSTER_KEYS=10000 runs the full size,
 * and bench/scenarios/replay.ts runs 10,000 with throughput figures.
 */
import { serviceAvailable } from '@tallystick/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cluster, startCluster } from './fixtures/cluster.js';

const pgUp = await serviceAvailable('postgres');
const redisUp = await serviceAvailable('redis');
const KEYS = Number(process.env.REPLAY_CLUSTER_KEYS ?? 1_000);

// The effect tables and the shared store live in Postgres, and the servers open Redis too.
describe.skipIf(!pgUp || !redisUp)('4 server processes sharing one store', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(4);
  }, 120_000);
  afterAll(() => cluster?.stop());

  for (const backend of ['postgres', 'redis'] as const) {
    it(`${backend}: ${KEYS} keys with duplicates → every effect exactly once`, async () => {
      const run = await cluster.run(backend, { keys: KEYS, concurrency: 32 });
      console.log(`[replay cluster] ${JSON.stringify(run)}`);
      expect(run.unexpected).toEqual([]);
      expect(run.requests).toBeGreaterThan(KEYS * 1.9);
      expect(run.effects).toBe(KEYS);
      expect(run.distinctEffects).toBe(KEYS);
      expect(run.inconsistentKeys).toBe(0);
    }, 120_000);
  }

  // The checks above can fail: without idempotency the same traffic repeats effects.
  it('unprotected baseline: the same traffic without idempotency repeats effects', async () => {
    const run = await cluster.run('none', { keys: 300, concurrency: 32 });
    expect(run.effects).toBe(run.requests);
    expect(run.distinctEffects).toBe(300);
    expect(run.inconsistentKeys).toBeGreaterThan(0);
  }, 120_000);
});
