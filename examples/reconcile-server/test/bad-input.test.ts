/**
 * Input that can never succeed gets a 4xx problem+json from the reconcile
 * server, never a 5xx that tells a client to retry forever; nothing of it is
 * applied or stored; and the server stays up. The named regressions first
 * (`null` in a batch, a blank or tab-holding device header, deep nesting, a
 * failure after the batch was applied), then a fuzz of generated bad
 * requests over a raw socket.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHlc, encodeHlc, type IntentEnvelope, newIntentId } from '@tallystick/core';
import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
import type { NodeIdempotentRequest } from '@tallystick/replay/node';
import {
  badRequests,
  type FuzzBase,
  goodRequest,
  problemViolation,
  type RawRequest,
  sendRawRequest,
} from '@tallystick/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { createIntentsHandler } from '../src/intents-route.js';
import { Metrics } from '../src/metrics.js';

const hlc = createHlc({ node: 'till-1' });
function sale(): IntentEnvelope {
  return {
    id: newIntentId(),
    type: 'sale',
    device: 'till-1',
    hlc: encodeHlc(hlc.now()),
    createdAt: Date.now(),
    payload: { sku: 'espresso', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
  };
}

function request(key: string, body: string, headers: [string, string][] = []): RawRequest {
  return {
    method: 'POST',
    path: '/intents',
    headers: [
      ['Content-Type', 'application/json'],
      ['Idempotency-Key', key],
      ['X-Tallystick-Device', 'till-1'],
      ...headers,
    ],
    body: new Uint8Array(Buffer.from(body)),
  };
}

let server: RunningServer;
let port: number;
beforeAll(async () => {
  server = await startServer({ storage: { kind: 'memory' }, maxBodyBytes: 65_536 });
  port = server.port;
});
afterAll(() => server?.close());

describe('reconcile server: the named regressions', () => {
  it('refuses a batch holding null (or any non-object) whole, applies none of it, and takes the corrected batch under the same key', async () => {
    const fresh = sale();
    for (const [i, extra] of ['null', '1', '"x"', '[]', 'true'].entries()) {
      const before = await server.reconciler.report();
      const key = `null-batch-${i}`;
      const answer = await sendRawRequest(
        port,
        request(key, `{"intents":[${JSON.stringify(fresh)},${extra}]}`),
      );
      expect(problemViolation(answer), extra).toBeUndefined();
      expect(JSON.parse(answer.body)).toMatchObject({
        type: 'urn:tallystick:problem:invalid-batch',
        indices: [1],
      });
      expect(await server.reconciler.report()).toEqual(before);
      const corrected = await sendRawRequest(port, request(key, JSON.stringify({ intents: [fresh] })));
      expect(corrected.status).toBe(200);
      expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    }
  });

  it.each([
    ['empty', ''],
    ['blank', '\t'],
    ['holding a tab', 'till\t1'],
    ['too long for a device id', 'd'.repeat(65)],
    ['not a device id', 'till 1'],
    ['not ASCII', 'till\u00e9'],
  ])('refuses a device header %s with 400 invalid-device, before the store', async (_, device) => {
    const key = `device-${newIntentId()}`;
    const body = JSON.stringify({ intents: [sale()] });
    const answer = await sendRawRequest(port, {
      ...request(key, body),
      headers: [
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', key],
        ['X-Tallystick-Device', device],
      ],
    });
    expect(problemViolation(answer)).toBeUndefined();
    expect(JSON.parse(answer.body).type).toBe('urn:tallystick:problem:invalid-device');
    const corrected = await sendRawRequest(port, request(key, body));
    expect([corrected.status, corrected.headers['idempotent-replayed']]).toEqual([200, undefined]);
  });

  it('refuses JSON nested past the bound with 400, and the server stays up', async () => {
    for (const depth of [64, 1_000, 30_000]) {
      const body = `{"intents":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
      const answer = await sendRawRequest(port, request(`deep-${depth}`, body));
      expect(problemViolation(answer), String(depth)).toBeUndefined();
    }
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers 405 with Allow for a wrong method on an API route', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await sendRawRequest(port, { ...request('m', '{}'), method });
      expect(problemViolation(answer), method).toBeUndefined();
      expect([answer.status, answer.headers.allow]).toEqual([405, 'POST']);
    }
    const post = await sendRawRequest(port, {
      method: 'POST',
      path: '/report',
      headers: [],
      body: new Uint8Array(),
    });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('answers a request target that is not a URL with a 400 problem, not a 500', async () => {
    for (const path of ['//', '//a:b@', 'http://[', 'http://x:99999/']) {
      const answer = await sendRawRequest(port, { ...request('url', '{}'), path });
      expect(problemViolation(answer), path).toBeUndefined();
    }
    const dir = mkdtempSync(join(tmpdir(), 'static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const withStatic = await startServer({ storage: { kind: 'memory' }, staticDir: dir });
    try {
      for (const path of ['/%zz', '/%E0%A4%A', '//']) {
        const answer = await sendRawRequest(withStatic.port, {
          method: 'GET',
          path,
          headers: [],
          body: new Uint8Array(),
        });
        expect(problemViolation(answer), path).toBeUndefined();
      }
      expect((await fetch(`${withStatic.url}/`)).status).toBe(200);
    } finally {
      await withStatic.close();
    }
  });

  it('refuses bad receipt-code requests with 4xx problems: wrong type, not UTF-8, not JSON, deep, scalar', async () => {
    const cases: [string, Uint8Array | string, number][] = [
      ['text/plain', '{"device":"till-1","count":1}', 415],
      ['application/json', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), 400],
      ['application/json', '{"device":', 400],
      ['application/json', `${'['.repeat(1500)}${']'.repeat(1500)}`, 400],
      ['application/json', 'null', 400],
      ['application/json', '7', 400],
    ];
    for (const [type, body, status] of cases) {
      const answer = await sendRawRequest(port, {
        method: 'POST',
        path: '/receipt-codes',
        headers: [['Content-Type', type]],
        body: typeof body === 'string' ? new Uint8Array(Buffer.from(body)) : body,
      });
      expect(problemViolation(answer), `${type} ${String(body).slice(0, 20)}`).toBeUndefined();
      expect(answer.status).toBe(status);
    }
  });

  it('answers bytes that are not HTTP with a problem too (CR, LF, NUL in a header)', async () => {
    for (const c of ['\r', '\n', '\0', '\x01']) {
      const answer = await sendRawRequest(port, request('ctl', '{}', [['X-Note', `a${c}b`]]));
      expect(problemViolation(answer), JSON.stringify(c)).toBeUndefined();
    }
  });

  it('never answers a retryable status once the batch was applied, even if what follows fails', async () => {
    const reconciler = createReconciler({ ledger: createMemoryLedger() });
    const metrics = new Metrics(0, { ok: 0 } as never);
    metrics.batch = () => {
      throw new Error('metrics broke');
    };
    const logged: string[] = [];
    const handler = createIntentsHandler({
      reconciler,
      metrics,
      maxBatch: 10,
      now: () => 0,
      ran: new WeakSet(),
      log: (message) => logged.push(message),
    });
    const intent = sale();
    const reply = await handler({ body: { intents: [intent] }, raw: {} } as unknown as NodeIdempotentRequest);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({
      accepted: 1,
      outcomes: [{ index: 0, status: 'applied' }],
    });
    expect(logged).toEqual(['metrics failed after a batch was applied']);
  });
});

describe('reconcile server under generated bad requests', () => {
  it('law: each gets a 4xx problem+json, the ledger and idempotency store are unchanged, and the server stays up', async () => {
    const fresh = JSON.stringify(sale());
    const base: FuzzBase = {
      path: '/intents',
      scopeHeader: 'X-Tallystick-Device',
      scope: 'till-1',
      body: JSON.stringify({ intents: [sale()] }),
      maxBodyBytes: 65_536,
      badBodies: [
        `{"intents":[${fresh},null]}`,
        `{"intents":[null,${fresh}]}`,
        `{"intents":[${fresh},[]]}`,
        `{"intents":[${fresh},7]}`,
        `[${fresh}]`,
        '{"intents":[]}',
        '{"intents":{}}',
        '{"intents":null}',
        '{"sales":[]}',
        'null',
        '',
        '"intents"',
        '12',
      ],
      wrongMethods: ['GET', 'PUT', 'DELETE', 'PATCH'],
    };
    await fc.assert(
      fc.asyncProperty(badRequests(base), async (bad) => {
        const before = await server.reconciler.report();
        const answer = await sendRawRequest(port, bad.request);
        expect(problemViolation(answer), bad.defect).toBeUndefined();
        expect(await server.reconciler.report(), `${bad.defect}: ledger changed`).toEqual(before);
        // The key was never stored: the corrected request runs fresh, and its retry replays.
        const good = await sendRawRequest(port, goodRequest(base, bad.key));
        expect(
          [good.status, good.headers['idempotent-replayed']],
          `${bad.defect}: ${good.body.slice(0, 300)}`,
        ).toEqual([200, undefined]);
        const again = await sendRawRequest(port, goodRequest(base, bad.key));
        expect([again.status, again.headers['idempotent-replayed']]).toEqual([200, 'true']);
      }),
      { numRuns: 80 },
    );
  });
});
