/**
 * The reconcile server over HTTP on 127.0.0.1: batches applied exactly once
 * (a replayed request answered from the idempotency store, the same intents
 * under a new key suppressed by the ledger), bad input answered 4xx with
 * problem+json, receipt codes verified at reconciliation, and the report and
 * metrics telling the same story. Run on embedded PGlite (the default) and on
 * the machine's Postgres.
 */
import {
  createHlc,
  encodeHlc,
  type IntentEnvelope,
  newIntentId,
  REDEMPTION_INTENT_TYPE,
  type Redemption,
} from '@tallystick/core';
import { createIntentQueue, createManualOnlineSignal } from '@tallystick/queue';
import { createHttpSender } from '@tallystick/queue/http';
import { createMemoryStore } from '@tallystick/queue/memory';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import { createVerifier, decodeKeySet, decodeToken } from '@tallystick/token';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, type RunningServer, startServer } from '../src/index.js';

const OPENING = DEFAULT_CATALOG.length;

function envelope(device: string, type: string, payload: Record<string, unknown>): IntentEnvelope {
  const hlc = (clocks[device] ??= createHlc({ node: device }));
  return { id: newIntentId(), type, device, hlc: encodeHlc(hlc.now()), createdAt: Date.now(), payload };
}
const clocks: Record<string, ReturnType<typeof createHlc>> = {};
// The record a till's redeemer queues for a code (decoded here, not verified: the server verifies).
function redemptionOf(qr: string, terminal: string): Redemption {
  const decoded = decodeToken(qr);
  if (!decoded.ok) throw new Error(decoded.message);
  const { id, kid, issuedAt, expiresAt } = decoded.token;
  return { tokenId: id, kid, terminal, redeemedAt: Date.now(), issuedAt, expiresAt, token: qr };
}
const sale = (device: string, sku: string, quantity: number) =>
  envelope(device, 'sale', { sku, quantity, unitPrice: { amount: 350, currency: 'EUR' } });

async function post(server: RunningServer, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not in /metrics`);
  return Number(line.slice(name.length + 1));
}

/** The scenario every storage must pass. */
async function exercise(server: RunningServer): Promise<void> {
  // A receipt code for till-1, fetched while online, and the public keys to check it.
  const codes = await post(server, '/receipt-codes', JSON.stringify({ device: 'till-1', count: 2 }));
  expect(codes.status).toBe(201);
  const [code, spare] = codes.body.codes as { id: string; qr: string }[];
  const published = decodeKeySet(await (await fetch(`${server.url}/keys`)).text());
  if (!published.ok) throw new Error(`GET /keys is not a key set: ${published.message}`);
  const keys = published.keys;
  expect(createVerifier({ keys, audience: 'till-1' }).verify(code!.qr).ok).toBe(true);

  const batch = [
    sale('till-1', 'flat-white', 2),
    sale('till-1', 'cinnamon-bun', 1),
    envelope('till-1', REDEMPTION_INTENT_TYPE, redemptionOf(code!.qr, 'till-1')),
    sale('till-2', 'espresso', 3),
  ];
  const body = JSON.stringify({ intents: batch });
  const key = { 'idempotency-key': `batch-${batch[0]!.id}`, 'x-tallystick-device': 'till-1' };

  const first = await post(server, '/intents', body, key);
  expect(first).toMatchObject({
    status: 200,
    body: { received: 4, accepted: 4, duplicates: 0, rejected: [] },
  });
  // The same request again: the stored answer, byte for byte, and nothing applied.
  const again = await post(server, '/intents', body, key);
  expect(again).toEqual(first);
  // The same intents re-batched under a new key: the ledger suppresses them.
  const rebatched = await post(server, '/intents', JSON.stringify({ intents: [...batch].reverse() }), {
    'idempotency-key': 'another-key',
  });
  expect(rebatched.body).toMatchObject({ received: 4, accepted: 0, duplicates: 4 });
  // The first key with another body: 422, per the Idempotency-Key draft.
  const reused = await post(
    server,
    '/intents',
    JSON.stringify({ intents: [sale('till-1', 'espresso', 1)] }),
    key,
  );
  expect(reused.status).toBe(422);
  expect(reused.type).toBe('application/problem+json');

  // Bad input: 4xx problem+json, naming what to fix, and nothing applied.
  const bad: [string, Record<string, string>, number, string][] = [
    [body, {}, 400, 'idempotency-key-missing'],
    ['{"intents": [', { 'idempotency-key': 'bad-1' }, 400, 'invalid-json'],
    ['{"sales": []}', { 'idempotency-key': 'bad-2' }, 400, 'invalid-batch'],
    ['{"intents": []}', { 'idempotency-key': 'bad-3' }, 400, 'invalid-batch'],
    ['[{"id": "nope", "type": "sale"}]', { 'idempotency-key': 'bad-4' }, 400, 'invalid-batch'],
    ['{"id": "nope", "type": "sale"}', { 'idempotency-key': 'bad-5' }, 422, 'intents-rejected'],
  ];
  for (const [text, headers, status, kind] of bad) {
    const answer = await post(server, '/intents', text, headers);
    expect(answer.status, kind).toBe(status);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ type: `urn:tallystick:problem:${kind}`, status });
    expect(answer.body.detail.length).toBeGreaterThan(10);
  }
  const badCodes = await post(server, '/receipt-codes', JSON.stringify({ device: 'till 1!', count: 2 }));
  expect([badCodes.status, badCodes.type]).toEqual([400, 'application/problem+json']);

  // Conflicts: the receipt code used again, and till-1's spare code redeemed by till-2.
  const conflicts = await post(
    server,
    '/intents',
    JSON.stringify({
      intents: [
        envelope('till-1', REDEMPTION_INTENT_TYPE, redemptionOf(code!.qr, 'till-1')),
        envelope('till-2', REDEMPTION_INTENT_TYPE, redemptionOf(spare!.qr, 'till-2')),
      ],
    }),
    { 'idempotency-key': 'conflicts-1' },
  );
  expect(conflicts.body).toMatchObject({ accepted: 2 });
  const kinds = (conflicts.body.conflicts as { kind: string }[]).map((c) => c.kind).sort();
  expect(kinds).toEqual(['double_spend', 'invalid_token']);

  // The queue's HTTP sender (one envelope per request, its id as key) against the same endpoint.
  const queue = createIntentQueue({
    store: createMemoryStore(),
    device: 'till-3',
    online: createManualOnlineSignal(true),
    autoDeliver: false,
    send: createHttpSender({ url: `${server.url}/intents` }),
  });
  await queue.enqueue({
    type: 'sale',
    payload: { sku: 'lemonade', quantity: 1, unitPrice: { amount: 400, currency: 'EUR' } },
  });
  await queue.enqueue({
    type: 'sale',
    payload: { sku: 'lemonade', quantity: 2, unitPrice: { amount: 400, currency: 'EUR' } },
  });
  expect(await queue.flush()).toMatchObject({ sent: 2, acked: 2, dead: 0 });
  await queue.close();

  // The report: every intent once.
  const { report, process } = (await (await fetch(`${server.url}/report`)).json()) as {
    report: {
      intents: number;
      byType: Record<string, number>;
      review: unknown[];
      byKind: Record<string, unknown>;
    };
    process: { requests: Record<string, number>; accepted: number; duplicates: number };
  };
  expect(report.intents).toBe(OPENING + 4 + 2 + 2);
  expect(report.byType).toEqual({ restock: OPENING, sale: 5, 'token.redeemed': 3 });
  expect(Object.keys(report.byKind).sort()).toEqual(['double_spend', 'invalid_token']);
  expect(process).toMatchObject({ accepted: 8, duplicates: 4 });
  expect(process.requests).toEqual({ applied: 5, replayed: 1, refused: 7 });

  // The metrics agree with it.
  const text = await (await fetch(`${server.url}/metrics`)).text();
  expect(metricValue(text, 'tallystick_intents_applied_total')).toBe(8);
  expect(metricValue(text, 'tallystick_intents_duplicate_total')).toBe(4);
  expect(metricValue(text, 'tallystick_intent_requests_total{outcome="replayed"}')).toBe(1);
  expect(metricValue(text, 'tallystick_ledger_intents')).toBe(report.intents);
  expect(metricValue(text, 'tallystick_review_backlog')).toBe(report.review.length);
  expect(metricValue(text, 'tallystick_intent_delivery_lag_seconds_count')).toBe(4 + 4 + 2 + 2);
  expect(metricValue(text, 'tallystick_newest_intent_age_seconds')).toBeGreaterThanOrEqual(0);
  expect(metricValue(text, 'tallystick_redemptions_verified_total{result="ok"}')).toBe(2);
  expect(metricValue(text, 'tallystick_redemptions_verified_total{result="wrong_audience"}')).toBe(1);
  expect(text).toMatch(/^tallystick_conflicts\{kind="double_spend",status="(resolved|review)"\} 1$/m);

  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
}

describe('reconcile server on embedded PGlite (the default)', () => {
  let server: RunningServer | undefined;
  afterAll(() => server?.close());

  it('applies each intent once, answers bad input with problem+json, and reports it', async () => {
    server = await startServer();
    expect(server.storage).toBe('pglite (in memory)');
    await exercise(server);
  });
});

describe('reconcile server on the machine Postgres', async () => {
  const available = await serviceAvailable('postgres');
  const schema = uniqueName('reconcile_server');
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    if (!available) return;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it.skipIf(!available)(
    'passes the same scenario, and a restart keeps the ledger without booking stock twice',
    async () => {
      server = await startServer({ storage: { kind: 'postgres', url: PG_URL, schema } });
      expect(server.storage).toContain(`schema ${schema}`);
      await exercise(server);
      const before = await server.reconciler.report();
      await server.close();
      // Same database, same signing key: opening stock is not booked twice, and state survives.
      server = await startServer({ storage: { kind: 'postgres', url: PG_URL, schema } });
      expect(await server.reconciler.report()).toEqual(before);
    },
  );
});
