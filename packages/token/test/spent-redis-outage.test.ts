/**
 * The Redis spent store through a TCP proxy cut and restored under it,
 * against the real Redis: during the cut a redeem is refused as
 * `store_unavailable` (never a false success, never an exception, never a
 * crash from the client's connection errors), and after the restore the same
 * verifier redeems the token once and refuses it the second time.
 */
import { REDIS_URL, serviceAvailable, startTcpProxy, uniqueName } from '@tallystick/testkit';
import Redis from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/index.js';
import { createRedisSpentStore } from '../src/spent-redis.js';
import { setup } from './fixtures.js';

const available = await serviceAvailable('redis');

describe.skipIf(!available)('redis spent store through a cut connection', () => {
  it('answers store_unavailable while cut, and redeems exactly once after the restore', async () => {
    const proxy = await startTcpProxy(REDIS_URL);
    // The documented set-up: fail a command after one reconnect attempt, and listen for errors.
    const client = new Redis(proxy.url(REDIS_URL), { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    const prefix = `${uniqueName('spent_outage')}:`;
    try {
      const { issuer, clock } = setup();
      const spent = createRedisSpentStore({ client, prefix });
      const verifier = createVerifier({ keys: [issuer.verificationKey], clock, spent });
      const before = issuer.issue({}).qr;
      expect(await verifier.redeem(before)).toMatchObject({ ok: true });

      proxy.cut();
      const during = issuer.issue({}).qr;
      expect(await verifier.redeem(during)).toMatchObject({ ok: false, code: 'store_unavailable' });
      expect(await verifier.check(during)).toMatchObject({ ok: false, code: 'store_unavailable' });
      expect(errors.length).toBeGreaterThan(0);

      await proxy.restore();
      let result = await verifier.redeem(during);
      for (let attempt = 0; attempt < 20 && !result.ok && result.code === 'store_unavailable'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        result = await verifier.redeem(during);
      }
      expect(result).toMatchObject({ ok: true });
      expect(await verifier.redeem(during)).toMatchObject({ ok: false, code: 'already_spent' });
      expect(await verifier.redeem(before)).toMatchObject({ ok: false, code: 'already_spent' });
    } finally {
      const keys = await client.keys(`${prefix}*`).catch(() => []);
      if (keys.length > 0) await client.del(...keys);
      client.disconnect();
      await proxy.close();
    }
  });
});
