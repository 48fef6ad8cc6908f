/**
 * A real process claims a key and is killed with SIGKILL before completing.
 * Until its lease passes, retries see in_flight; after it, exactly one retry
 * runs the handler, and later ones get its stored response.
 */
import { createManualClock } from '@tallystick/core';
import { serviceAvailable, uniqueName } from '@tallystick/testkit';
import { describe, expect, it } from 'vitest';
import { fingerprint, runIdempotent, scopedKey } from '../src/index.js';
import { exited, spawnFixture, waitForLine } from './fixtures/spawn.js';
import { type Backend, dropStore, openStore, prepareStore } from './fixtures/stores.js';

const up: Record<Exclude<Backend, 'none'>, boolean> = {
  postgres: await serviceAvailable('postgres'),
  redis: await serviceAvailable('redis'),
};
const LEASE = 60_000;

describe('a process killed between claim and complete', () => {
  for (const backend of ['postgres', 'redis'] as const) {
    it.skipIf(!up[backend])(`${backend}: after the lease, one retry runs the handler once`, async () => {
      const name = uniqueName('idem_crash');
      await prepareStore(backend, name);
      const child = spawnFixture('crash-child.ts', [backend, name, 'shop-1', 'order-42', String(LEASE)]);
      await waitForLine(child, /CLAIMED/);
      child.kill('SIGKILL');
      expect((await exited(child)).signal).toBe('SIGKILL');

      // The survivor's clock starts now, inside the dead claim's lease, and is moved past it by hand.
      const clock = createManualClock(Date.now());
      const { store, close } = openStore(backend, name, clock);
      let runs = 0;
      const retry = () =>
        runIdempotent({
          store,
          key: scopedKey('shop-1', 'order-42'),
          fingerprint: fingerprint({ currency: 'EUR', amount: 1250 }),
          leaseMs: LEASE,
          handler: async () => {
            runs++;
            return { status: 201, headers: {}, body: 'sold once' };
          },
        });
      try {
        expect(await retry()).toMatchObject({ kind: 'in_flight' });
        clock.advance(LEASE);
        const outcomes = await Promise.all([retry(), retry(), retry(), retry()]);
        expect(outcomes.filter((o) => o.kind === 'executed')).toHaveLength(1);
        // The others lost the takeover race: in flight, or already the stored response if the winner finished.
        expect(
          outcomes.every((o) => o.kind === 'executed' || o.kind === 'in_flight' || o.kind === 'replayed'),
        ).toBe(true);
        expect(await retry()).toEqual({
          kind: 'replayed',
          response: { status: 201, headers: {}, body: 'sold once' },
        });
        expect(runs).toBe(1);
      } finally {
        await close();
        await dropStore(backend, name);
      }
    });
  }
});
