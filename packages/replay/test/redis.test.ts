import { createManualClock, isTallystickError } from '@tallystick/core';
import { REDIS_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { fingerprint, scopedKey } from '../src/index.js';
import { createRedisStore } from '../src/redis.js';
import { storeContract } from './contract.js';
import { quotaContract } from './quota-contract.js';

const redisUp = await serviceAvailable('redis');

async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

describe.skipIf(!redisUp)('redis', () => {
  storeContract(
    'redis (ioredis)',
    async (clock) => {
      const client = new Redis(REDIS_URL);
      const prefix = `${uniqueName('idem')}:`;
      return {
        store: createRedisStore({ client, prefix, clock }),
        close: async () => {
          await dropPrefix(client, prefix);
          await client.quit();
        },
      };
    },
    { modelRuns: 300 },
  );
  quotaContract(
    'redis (ioredis)',
    async (clock, quota) => {
      const client = new Redis(REDIS_URL);
      const prefix = `${uniqueName('idem')}:`;
      return {
        store: createRedisStore({ client, prefix, clock, quota }),
        close: async () => {
          await dropPrefix(client, prefix);
          await client.quit();
        },
      };
    },
    100,
  );

  describe('redis store specifics', () => {
    const options = { leaseMs: 1_000, ttlMs: 10_000 };

    it('sets a Redis expiry only as garbage collection, beyond the TTL judged in code', async () => {
      const client = new Redis(REDIS_URL);
      const prefix = `${uniqueName('idem')}:`;
      const store = createRedisStore({ client, prefix, clock: createManualClock(0), gcGraceMs: 5_000 });
      const result = await store.claim(scopedKey('s', 'k'), fingerprint(1), options);
      expect(result.status).toBe('claimed');
      const pttl = await client.pttl(`${prefix}1:s:k`);
      expect(pttl).toBeGreaterThan(10_000);
      expect(pttl).toBeLessThanOrEqual(15_000);
      await dropPrefix(client, prefix);
      await client.quit();
    });

    it('refuses to judge a value it did not write, and reports a closed client as unavailable', async () => {
      const client = new Redis(REDIS_URL);
      const prefix = `${uniqueName('idem')}:`;
      const store = createRedisStore({ client, prefix });
      await client.set(`${prefix}1:s:k`, 'something else');
      const foreign = await store
        .claim(scopedKey('s', 'k'), fingerprint(1), options)
        .catch((e: unknown) => e);
      expect(isTallystickError(foreign, 'ERR_STORE')).toBe(true);
      await dropPrefix(client, prefix);
      await client.quit();
      const closed = await store
        .claim(scopedKey('s', 'k2'), fingerprint(1), options)
        .catch((e: unknown) => e);
      // A closed connection is an outage to the store: typed, retryable, with the cause.
      expect(isTallystickError(closed, 'ERR_SERVICE_UNAVAILABLE')).toBe(true);
      expect((closed as Error).cause).toBeInstanceOf(Error);
    });
  });
});

describe('redis store construction', () => {
  it('refuses a client without the needed methods, and a negative grace', () => {
    expect(() => createRedisStore({ client: {} as never })).toThrow(TypeError);
    const client = new Redis({ lazyConnect: true });
    expect(() => createRedisStore({ client, gcGraceMs: -1 })).toThrow(RangeError);
    client.disconnect();
  });
});
