/**
 * Bodies the wrappers must not take at face value, and a Hono app with no
 * server timeouts in front of it:
 *
 * - a `Content-Encoding` other than identity (gzip, br, a made-up coding) is
 *   refused 415 before the store, by the Node wrapper and by the Hono
 *   middleware alike: read as identity, a body that happens to parse would
 *   run under a meaning its client never sent, and a gzip body would be
 *   blamed on bad JSON;
 * - the Hono middleware bounds the time for a body itself (`bodyTimeoutMs`),
 *   because on Workers, Bun or a bare `app.fetch` no server cuts a stalled
 *   upload: it gets 408 and nothing runs or is stored.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { type RawRequest, sendRawRequest } from '@tallystick/testkit';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotency } from '../src/hono.js';
import { createMemoryStore } from '../src/memory.js';
import { withIdempotency } from '../src/node.js';
import { countingStore } from './http-contract.js';

const body = JSON.stringify({ sku: 'espresso', quantity: 1 });
const codings: [string, Uint8Array<ArrayBuffer>][] = [
  ['gzip', new Uint8Array(gzipSync(body))],
  ['br', new Uint8Array(Buffer.from(body))],
  ['x-made-up', new Uint8Array(Buffer.from(body))],
  ['identity, gzip', new Uint8Array(gzipSync(body))],
];

let server: Server;
let port = 0;
const counted = countingStore(createMemoryStore());
let ran = 0;
beforeAll(async () => {
  server = createServer(
    withIdempotency({ store: counted, scope: () => 'till-1' }, async () => {
      ran++;
      return { status: 201, headers: { 'content-type': 'application/json' }, body: '{}' };
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function raw(key: string, coding: string | undefined, bytes: Uint8Array): RawRequest {
  return {
    method: 'POST',
    path: '/sales',
    headers: [
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', key],
      ...(coding === undefined ? [] : [['Content-Encoding', coding] as [string, string]]),
    ],
    body: bytes,
  };
}

function honoApp(options: { bodyTimeoutMs?: number } = {}) {
  const store = countingStore(createMemoryStore());
  let handled = 0;
  const app = new Hono();
  app.use('/sales', idempotency({ store, scope: () => 'till-1', ...options }));
  app.post('/sales', (c) => {
    handled++;
    return c.json({ ok: true }, 201);
  });
  return { app, store, handled: () => handled };
}

describe('a content coding other than identity is refused 415 before the store', () => {
  it.each(codings)('node wrapper: Content-Encoding %s', async (coding, bytes) => {
    const [calls, before] = [counted.calls, ran];
    const answer = await sendRawRequest(port, raw(`coding-${coding.replace(/[^a-z-]/g, '')}`, coding, bytes));
    expect(answer.status).toBe(415);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'urn:tallystick:problem:unsupported-media-type' });
    expect([counted.calls, ran]).toEqual([calls, before]);
    // The same key then takes the plain body.
    const plain = await sendRawRequest(
      port,
      raw(`coding-${coding.replace(/[^a-z-]/g, '')}`, undefined, Buffer.from(body)),
    );
    expect(plain.status).toBe(201);
  });

  it('node wrapper: identity (any case) is the plain body', async () => {
    const answer = await sendRawRequest(port, raw('coding-identity', ' Identity ', Buffer.from(body)));
    expect(answer.status).toBe(201);
  });

  it.each(codings)('hono middleware: Content-Encoding %s', async (coding, bytes) => {
    const { app, store, handled } = honoApp();
    const answer = await app.request('/sales', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k', 'content-encoding': coding },
      body: bytes,
    });
    expect(answer.status).toBe(415);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect([store.calls, handled()]).toEqual([0, 0]);
  });
});

describe('hono middleware: a stalled body meets its own deadline', () => {
  it('answers 408 within bodyTimeoutMs for a body that never ends, runs nothing and stores nothing', async () => {
    const { app, store, handled } = honoApp({ bodyTimeoutMs: 300 });
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"sku":'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const started = performance.now();
    const answer = await app.request('/sales', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'stall' },
      body: stalled,
      duplex: 'half',
    } as RequestInit);
    const ms = performance.now() - started;
    expect(answer.status).toBe(408);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3_000);
    expect(cancelled).toBe(true);
    expect([store.calls, handled()]).toEqual([0, 0]);
  });

  it('checks bodyTimeoutMs', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => honoApp({ bodyTimeoutMs: bad })).toThrow(RangeError);
    }
  });
});
