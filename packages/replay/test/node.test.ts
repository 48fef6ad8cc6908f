import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PG_URL, REDIS_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { IdempotencyStore } from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';
import { withIdempotency } from '../src/node.js';
import { createPostgresStore } from '../src/postgres.js';
import { createRedisStore } from '../src/redis.js';
import { type AppUnderTest, httpContract, type MakeApp, post } from './http-contract.js';

const makeNodeApp: MakeApp = async (store, handler, options = {}) => {
  const server = createServer(
    withIdempotency(
      { ...options, store, scope: (req) => String(req.headers['x-tenant'] ?? 'default') },
      (request) => handler(request.body),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    fetch: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

httpContract('node http', makeNodeApp);

const [pgUp, redisUp] = await Promise.all([serviceAvailable('postgres'), serviceAvailable('redis')]);

interface Backend {
  name: string;
  up: boolean;
  open(): Promise<{ store: IdempotencyStore; close(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', up: true, open: async () => ({ store: createMemoryStore(), close: async () => {} }) },
  {
    name: 'postgres',
    up: pgUp,
    open: async () => {
      const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
      const store = createPostgresStore({ client: pool, table: uniqueName('idem') });
      await store.ensureSchema();
      return {
        store,
        close: async () => {
          await pool.query(`DROP TABLE ${store.table}, ${store.table.slice(0, -1)}_quota"`);
          await pool.end();
        },
      };
    },
  },
  {
    name: 'redis',
    up: redisUp,
    open: async () => {
      const client = new Redis(REDIS_URL);
      const prefix = `${uniqueName('idem')}:`;
      return {
        store: createRedisStore({ client, prefix }),
        close: async () => {
          const keys = await client.keys(`${prefix}*`);
          if (keys.length > 0) await client.del(...keys);
          await client.quit();
        },
      };
    },
  },
];

describe('node http: 32 concurrent identical requests on every store', () => {
  for (const backend of backends) {
    it.skipIf(!backend.up)(
      `${backend.name}: the handler runs once; the others get 409 or the stored response`,
      async () => {
        const { store, close } = await backend.open();
        let runs = 0;
        const app: AppUnderTest = await makeNodeApp(store, async () => {
          runs++;
          await new Promise((r) => setTimeout(r, 5));
          return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"sale":1}' };
        });
        const responses = await Promise.all(
          Array.from({ length: 32 }, (_, i) =>
            new Promise((r) => setTimeout(r, i % 8)).then(() =>
              app.fetch('/sales', post('burst', { amount: 7 })),
            ),
          ),
        );
        expect(runs).toBe(1);
        const statuses = responses.map((r) => r.status);
        expect(statuses.filter((s) => s === 201)).toHaveLength(
          responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null).length +
            responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length,
        );
        expect(
          responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null),
        ).toHaveLength(1);
        expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
        for (const r of responses) if (r.status === 201) expect(await r.text()).toBe('{"sale":1}');
        await app.close();
        await close();
      },
    );
  }
});

describe('node http wrapper', () => {
  it('checks its arguments at setup', () => {
    const store = createMemoryStore();
    expect(() =>
      withIdempotency({ store } as never, async () => ({ status: 200, headers: {}, body: '' })),
    ).toThrow(TypeError);
    expect(() => withIdempotency({ store, scope: () => 's' }, 'x' as never)).toThrow(TypeError);
    expect(() =>
      withIdempotency({ store: {} as never, scope: () => 's' }, async () => ({
        status: 200,
        headers: {},
        body: '',
      })),
    ).toThrow(TypeError);
    expect(() =>
      withIdempotency({ store, scope: () => 's', maxBodyBytes: 0 }, async () => ({
        status: 200,
        headers: {},
        body: '',
      })),
    ).toThrow(RangeError);
  });
});
