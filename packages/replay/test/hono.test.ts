import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { idempotency } from '../src/hono.js';
import { createMemoryStore } from '../src/memory.js';
import { httpContract, type MakeApp, post } from './http-contract.js';

const makeHonoApp: MakeApp = async (store, handler, options = {}) => {
  const app = new Hono();
  app.onError((error, c) => c.json({ error: error.message }, 500));
  app.use('*', idempotency({ ...options, store, scope: (c) => c.req.header('x-tenant') ?? 'default' }));
  app.all('*', async (c) => {
    // Downstream reads the body again, as any Hono handler would.
    const text = await c.req.text();
    const response = await handler(text === '' ? undefined : JSON.parse(text));
    return new Response(response.body, { status: response.status, headers: response.headers });
  });
  return { fetch: async (path, init) => app.request(path, init), close: async () => {} };
};

httpContract('hono', makeHonoApp);

describe('hono middleware', () => {
  it('keeps c.req.json() working downstream, and replays a binary body byte for byte', async () => {
    const app = new Hono();
    app.use('*', idempotency({ store: createMemoryStore(), scope: () => 'm' }));
    app.post('/qr', async (c) => {
      const { n } = await c.req.json<{ n: number }>();
      return c.body(new Uint8Array([n, 0xff, 0x00, 0xfe]), 200, { 'content-type': 'image/png' });
    });
    const first = new Uint8Array(await (await app.request('/qr', post('q', { n: 7 }))).arrayBuffer());
    const again = await app.request('/qr', post('q', { n: 7 }));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await again.arrayBuffer())]).toEqual([...first]);
    expect([...first]).toEqual([7, 0xff, 0x00, 0xfe]);
  });

  it('checks its arguments at setup', () => {
    expect(() => idempotency({ store: createMemoryStore() } as never)).toThrow(TypeError);
    expect(() => idempotency({ store: createMemoryStore(), scope: () => 's', retryAfterSeconds: 0 })).toThrow(
      RangeError,
    );
  });
});
