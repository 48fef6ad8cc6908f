/**
 * Fuzz of the HTTP surface over real sockets: generated requests with one
 * defect each (key, scope header, content type, body: malformed, not UTF-8,
 * too large, nested deeper than canonical JSON allows, ...) against the Node
 * wrapper and the Hono middleware served by @hono/node-server. Each must get
 * a 4xx problem+json (Node's own 400 for bytes that are not HTTP), leave the
 * idempotency store untouched and the handler unrun, and the server must then
 * serve the corrected request under the same key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import {
  badRequests,
  type FuzzBase,
  goodRequest,
  problemViolation,
  sendRawRequest,
} from '@tallystick/testkit';
import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { idempotency } from '../src/hono.js';
import type { IdempotencyStore, StoredResponse } from '../src/index.js';
import { withIdempotency } from '../src/node.js';
import { countingStore } from './http-contract.js';

const BASE: FuzzBase = {
  path: '/sales?x=1',
  scopeHeader: 'x-tenant',
  scope: 'merchant-42',
  body: JSON.stringify({ amount: 1250, currency: 'EUR', lines: [{ sku: 'flat-white', quantity: 2 }] }),
  // Replay's default: a 64 KiB payload plus 4 KiB for its envelope.
  maxBodyBytes: 69_632,
};

interface Target {
  readonly port: number;
  readonly store: IdempotencyStore & { calls: number };
  runs: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const sold = (runs: number): StoredResponse => ({
  status: 201,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ run: runs }),
});

async function nodeTarget(): Promise<Target> {
  const store = countingStore();
  const target = { store, runs: 0 } as Target;
  const server = createServer(
    withIdempotency({ store, scope: (req) => String(req.headers['x-tenant'] ?? 'default') }, async () =>
      sold(++target.runs),
    ),
  );
  return Object.assign(target, { port: await listen(server), close: () => close(server) });
}

async function honoTarget(): Promise<Target> {
  const store = countingStore();
  const target = { store, runs: 0 } as Target;
  const app = new Hono();
  app.use('*', idempotency({ store, scope: (c) => c.req.header('x-tenant') ?? 'default' }));
  app.post('*', async (c) => {
    await c.req.json();
    return c.json({ run: ++target.runs }, 201);
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  return Object.assign(target, { port: await listen(server), close: () => close(server) });
}

describe.each([
  ['node wrapper', nodeTarget],
  ['hono middleware', honoTarget],
])('%s under generated bad requests', (_, make) => {
  let target: Target;
  afterAll(() => target?.close());

  it('law: every bad request gets a 4xx problem, nothing is stored, and the corrected request then runs once', async () => {
    target = await make();
    await fc.assert(
      fc.asyncProperty(badRequests(BASE), async (bad) => {
        const [calls, runs] = [target.store.calls, target.runs];
        const answer = await sendRawRequest(target.port, bad.request);
        if (bad.malformedHttp) expect(answer.status, bad.defect).toBe(400);
        else expect(problemViolation(answer), bad.defect).toBeUndefined();
        expect([target.store.calls, target.runs], `${bad.defect}: store or handler touched`).toEqual([
          calls,
          runs,
        ]);
        // Still up, and the key was never taken: the corrected request runs, its retry replays.
        const good = await sendRawRequest(target.port, goodRequest(BASE, bad.key));
        expect(good.status, `${bad.defect}: corrected request`).toBe(201);
        expect(target.runs).toBe(runs + 1);
        const again = await sendRawRequest(target.port, goodRequest(BASE, bad.key));
        expect([again.status, again.headers['idempotent-replayed'], target.runs]).toEqual([
          201,
          'true',
          runs + 1,
        ]);
      }),
      { numRuns: 80 },
    );
  });
});

describe('a scope function that finds no scope in the request', () => {
  it('answers 400 scope-invalid on node and hono, not a 500 the client would retry forever', async () => {
    const store = countingStore();
    const server = createServer(
      withIdempotency({ store, scope: (req) => req.headers['x-tenant'] as string }, async () => sold(1)),
    );
    const port = await listen(server);
    const app = new Hono();
    app.use('*', idempotency({ store, scope: (c) => c.req.header('x-tenant') as string }));
    app.post('*', (c) => c.json({}, 201));
    try {
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
        body: '{}',
      };
      for (const response of [
        await fetch(`http://127.0.0.1:${port}/s`, init),
        await app.request('/s', init),
      ]) {
        expect(response.status).toBe(400);
        expect(((await response.json()) as { type: string }).type).toBe(
          'urn:tallystick:problem:scope-invalid',
        );
      }
      expect(store.calls).toBe(0);
    } finally {
      await close(server);
    }
  });
});
