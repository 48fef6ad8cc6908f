/**
 * The default body cap fits the largest intent the rest of the SDK accepts.
 * The queue takes payloads up to core's `MAX_INTENT_PAYLOAD_BYTES` (64 KiB of
 * canonical JSON) and its HTTP sender posts the whole envelope (id, type,
 * device, hlc, partition key, createdAt around the payload): a server
 * guarded with replay's defaults must take that body, not answer 413, which
 * the sender reads as permanent and dead-letters a valid intent forever.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  canonicalJson,
  encodeHlc,
  HLC_MAX_COUNTER,
  HLC_MAX_WALL,
  MAX_INTENT_PAYLOAD_BYTES,
  newIntentId,
} from '@tallystick/core';
import { intentEnvelopeSchema } from '@tallystick/core/schemas';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotency } from '../src/hono.js';
import { createMemoryStore } from '../src/memory.js';
import { withIdempotency } from '../src/node.js';

/** The largest envelope core's schema accepts: every field at its bound, the payload at exactly 64 KiB. */
function largestEnvelope(): Record<string, unknown> {
  const device = 'd'.repeat(64);
  const payload = { pad: '' };
  payload.pad = 'x'.repeat(MAX_INTENT_PAYLOAD_BYTES - canonicalJson(payload).length);
  const envelope = {
    id: newIntentId(),
    type: `t${'x'.repeat(63)}`,
    device,
    hlc: encodeHlc({ wall: HLC_MAX_WALL, counter: HLC_MAX_COUNTER, node: device }),
    // Control characters are escaped six bytes each by JSON.stringify.
    partitionKey: '\u0001'.repeat(128),
    createdAt: Number.MAX_SAFE_INTEGER,
    payload,
  };
  expect(new TextEncoder().encode(canonicalJson(payload)).length).toBe(MAX_INTENT_PAYLOAD_BYTES);
  expect(intentEnvelopeSchema.safeParse(envelope).success).toBe(true);
  return envelope;
}

let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer(
    withIdempotency({ store: createMemoryStore(), scope: () => 'till-1' }, async () => ({
      status: 201,
      headers: {},
      body: '',
    })),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intents`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('default maxBodyBytes fits the largest valid envelope', () => {
  it('node wrapper: the envelope as the queue sender posts it is taken, not 413', async () => {
    const envelope = largestEnvelope();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': String(envelope.id) },
      body: JSON.stringify(envelope),
    });
    expect(response.status).toBe(201);
  });

  it('hono middleware: the same', async () => {
    const envelope = largestEnvelope();
    const app = new Hono();
    app.use('/intents', idempotency({ store: createMemoryStore(), scope: () => 'till-1' }));
    app.post('/intents', (c) => c.body(null, 201));
    const response = await app.request('/intents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': String(envelope.id) },
      body: JSON.stringify(envelope),
    });
    expect(response.status).toBe(201);
  });
});
