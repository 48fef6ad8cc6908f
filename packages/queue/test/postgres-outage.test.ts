/**
 * The Postgres outbox through a TCP proxy cut and restored under it, against
 * the real server: the store's own pool survives its connections dying,
 * every call during the cut rejects with `ERR_SERVICE_UNAVAILABLE` (so the
 * caller knows nothing of it was stored), and after the restore the same
 * store works again with every intent it acknowledged present exactly once.
 */
import { isTallystickError } from '@tallystick/core';
import { PG_URL, serviceAvailable, startTcpProxy, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/postgres.js';
import { envelope, ids, listAll } from './helpers.js';

const available = await serviceAvailable('postgres');

describe.skipIf(!available)('postgres outbox through a cut connection', () => {
  it('rejects typed while cut, never crashes on its pool, and keeps every acknowledged intent once', async () => {
    const proxy = await startTcpProxy(PG_URL);
    const table = uniqueName('tq_outage');
    const poolErrors: Error[] = [];
    const store = await openPostgresStore({
      connectionString: proxy.url(PG_URL),
      table,
      onPoolError: (error) => poolErrors.push(error),
    });
    const acked: string[] = [];
    try {
      const first = [envelope(), envelope()];
      await store.append(first, 1_000);
      acked.push(...first.map((i) => i.id));
      // Several idle connections in the pool when the cut comes.
      await Promise.all([store.count(1_000), store.list({ limit: 10, now: 1_000 }), store.highWater()]);

      proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lost = envelope();
      for (const call of [
        () => store.append([lost], 2_000),
        () => store.claim({ now: 2_000, limit: 10, leaseMs: 1_000, owner: 'w1' }),
        () => store.count(2_000),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE')).toBe(true);
      }
      expect(poolErrors.length).toBeGreaterThan(0);

      await proxy.restore();
      const retried = [lost, envelope()];
      await store.append(retried, 3_000);
      acked.push(...retried.map((i) => i.id));
      const stored = ids(await listAll(store, 3_000));
      expect(stored.sort()).toEqual([...acked].sort());
    } finally {
      await store.close();
      await proxy.close();
      const admin = new pg.Pool({ connectionString: PG_URL });
      await admin.query(`DROP TABLE IF EXISTS ${table}, ${table}_meta CASCADE`);
      await admin.end();
    }
  });
});
