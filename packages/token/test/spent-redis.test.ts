import { encodeHex } from '@tallystick/core';
import { REDIS_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisSpentStore } from '../src/spent-redis.js';
import { spentStoreContract } from './spent-contract.js';

const available = await serviceAvailable('redis');
const clients: Redis[] = [];

if (available) {
  spentStoreContract('redis', {
    expiresItself: true,
    open: async () => {
      const client = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
      clients.push(client);
      return createRedisSpentStore({ client, prefix: `${uniqueName('spent')}:` });
    },
  });

  describe('redis spent store', () => {
    it('two terminals sharing one Redis refuse each other’s redeemed tokens', async () => {
      const client = new Redis(REDIS_URL);
      clients.push(client);
      const prefix = `${uniqueName('shared')}:`;
      const a = createRedisSpentStore({ client, prefix });
      const b = createRedisSpentStore({ client, prefix });
      const id = encodeHex(crypto.getRandomValues(new Uint8Array(16)));
      const now = Date.now();
      const [x, y] = await Promise.all([
        a.checkAndAdd(id, now + 60_000, now),
        b.checkAndAdd(id, now + 60_000, now),
      ]);
      expect([x, y].filter(Boolean)).toHaveLength(1);
      expect(await b.has(id)).toBe(true);
    });

    it('refuses a client that is not a Redis client', () => {
      expect(() => createRedisSpentStore({ client: {} as never })).toThrow(TypeError);
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });
} else {
  describe.skip('redis spent store (Redis not reachable)', () => {
    it('skipped', () => {});
  });
}
