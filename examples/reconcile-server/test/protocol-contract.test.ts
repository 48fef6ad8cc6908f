/**
 * The wire contract from both sides, against the example server's real
 * `POST /intents`: (1) every intent type built the way producers build it
 * (the queue's HTTP sender; `openRedeemer` for redemptions) is accepted, and
 * (2) the server refuses a payload exactly when `@tallystick/core/protocol`'s
 * schema does (fast-check over valid and mutated payloads), and (3) a refused
 * intent's dead letter says why.
 */
import { createHlc, encodeHlc, INTENT_TYPES, newIntentId, type ProtocolIntentType } from '@tallystick/core';
import { intentPayloadSchemas } from '@tallystick/core/protocol';
import { createIntentQueue, createManualOnlineSignal, type IntentQueue } from '@tallystick/queue';
import { createHttpSender } from '@tallystick/queue/http';
import { createMemoryStore } from '@tallystick/queue/memory';
import { createMemorySpentStore, createVerifier, decodeKeySet, openRedeemer } from '@tallystick/token';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ storage: { kind: 'memory' } });
});
afterAll(() => server?.close());

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const queueFor = (device: string): IntentQueue =>
  createIntentQueue({
    store: createMemoryStore(),
    device,
    online: createManualOnlineSignal(true),
    autoDeliver: false,
    send: createHttpSender({ url: `${server.url}/intents` }),
  });

describe('producers → server', () => {
  it('accepts every intent type as producers build it: the queue for stock and money, openRedeemer for vouchers', async () => {
    const till = queueFor('till-1');
    const restock = await till.enqueue({
      type: INTENT_TYPES.restock,
      payload: { sku: 'espresso', quantity: 10 },
    });
    const hold = await till.enqueue({
      type: INTENT_TYPES.hold,
      payload: { sku: 'espresso', quantity: 1, expiresAt: Date.now() + 600_000 },
    });
    const sale = await till.enqueue({
      type: INTENT_TYPES.sale,
      payload: { sku: 'espresso', quantity: 1, unitPrice: eur(250), holdId: hold.id },
    });
    await till.enqueue({ type: INTENT_TYPES.holdRelease, payload: { sku: 'espresso', holdId: hold.id } });
    await till.enqueue({
      type: INTENT_TYPES.refund,
      payload: { sku: 'espresso', saleId: sale.id, amount: eur(250), quantity: 1 },
    });
    await till.enqueue({ type: INTENT_TYPES.priceUpdate, payload: { sku: 'espresso', unitPrice: eur(260) } });

    // A voucher, redeemed at the till in one step: verified, recorded in the queue, marked spent.
    const codes = await fetch(`${server.url}/receipt-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: 'till-1', count: 1 }),
    });
    const [code] = ((await codes.json()) as { codes: { qr: string }[] }).codes;
    const published = decodeKeySet(await (await fetch(`${server.url}/keys`)).text());
    if (!published.ok) throw new Error(`GET /keys is not a key set: ${published.message}`);
    const verifier = createVerifier({
      keys: published.keys,
      audience: 'till-1',
      spent: createMemorySpentStore(),
    });
    const redeemer = await openRedeemer({ verifier, outbox: till, device: 'till-1' });
    const redeemed = await redeemer.redeem(code!.qr);
    expect(redeemed.ok).toBe(true);

    const sent = await till.flush();
    expect(sent).toMatchObject({ acked: 7, dead: 0 });
    await till.close();
    const report = await server.reconciler.report();
    for (const type of Object.values(INTENT_TYPES)) expect(report.byType[type], type).toBeGreaterThan(0);
    expect(restock.type).toBe('restock');
  });
});

// Valid payloads of every type, with small numbers (a sale past 2^53 - 1 minor units is the
// server's amount_overflow, a rule on the whole intent rather than the payload schema).
const ref = fc.constantFrom('01900000-0000-7000-8000-000000000001', '01900000-0000-7000-8000-0000000000ff');
const sku = fc.constantFrom('tea', 'a/b:c~d', 'x'.repeat(64));
const money = (min: number) =>
  fc.record({ amount: fc.integer({ min, max: 100_000 }), currency: fc.constantFrom('EUR', 'JPY') });
const count = (min: number) => fc.integer({ min, max: 1_000_000 });
const valid: { [K in ProtocolIntentType]: fc.Arbitrary<Record<string, unknown>> } = {
  sale: fc.record(
    {
      sku,
      quantity: fc.integer({ min: 1, max: 20 }),
      unitPrice: money(0),
      discountBps: fc.nat({ max: 10_000 }),
      holdId: ref,
    },
    { requiredKeys: ['sku', 'quantity', 'unitPrice'] },
  ),
  restock: fc.record({ sku, quantity: count(1) }),
  hold: fc.record({ sku, quantity: count(1), expiresAt: fc.nat({ max: 2 ** 48 - 1 }) }),
  hold_release: fc.record({ sku, holdId: ref }),
  refund: fc.record({ sku, saleId: ref, amount: money(1), quantity: count(0) }),
  price_update: fc.record(
    { sku, unitPrice: money(0), discountBps: fc.nat({ max: 10_000 }) },
    { requiredKeys: ['sku', 'unitPrice'] },
  ),
  'token.redeemed': fc.record(
    {
      tokenId: fc.constantFrom('0'.repeat(32), 'abcdef0123456789abcdef0123456789'),
      kid: fc.constantFrom('1a2b3c4d', 'k'),
      amount: fc.nat({ max: 10_000 }),
      currency: fc.constant('EUR'),
      terminal: fc.constantFrom('till-1', 't'.repeat(256)),
      redeemedAt: fc.nat({ max: 2 ** 48 - 1 }),
      issuedAt: fc.nat({ max: 2 ** 48 - 1 }),
      expiresAt: fc.nat({ max: 2 ** 48 - 1 }),
      token: fc.string({ minLength: 1, maxLength: 60 }),
    },
    { requiredKeys: ['tokenId', 'kid', 'redeemedAt', 'issuedAt', 'expiresAt', 'token'] },
  ),
};
// Just past each bound the schemas set (weighted: that is where two validators drift apart), and odd shapes.
const odd = fc.oneof(
  { arbitrary: fc.constantFrom<unknown>(0, -1, 1.5, 2 ** 53, 10_001, 1_000_001, 2 ** 48), weight: 3 },
  fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    'EUR',
    'eur',
    'x'.repeat(65),
    'x'.repeat(4097),
    'a\u0000b',
    [],
    {},
    '01900000-0000-4000-8000-000000000000',
    'sku with space',
  ),
);
// A valid payload with one member (top level or inside its money) replaced, removed or added.
const payload = fc
  .tuple(
    fc.constantFrom(...(Object.keys(valid) as ProtocolIntentType[])),
    fc.nat(),
    fc.nat(),
    odd,
    fc.boolean(),
  )
  .chain(([type, pick, how, value, mutate]) =>
    valid[type].map((p) => {
      if (!mutate) return { type, payload: p };
      const copy = structuredClone(p);
      const nested = Object.values(copy).find((v) => typeof v === 'object' && v !== null) as Record<
        string,
        unknown
      >;
      const target = nested && pick % 3 === 0 ? nested : copy;
      const keys = Object.keys(target);
      const key = how % 4 === 3 ? 'extra' : keys[pick % keys.length]!;
      if (how % 4 === 2 || value === undefined) delete target[key];
      else target[key] = value;
      return { type, payload: copy };
    }),
  );

describe('server ↔ protocol schema', () => {
  const hlc = createHlc({ node: 'till-9' });
  it('law: the server refuses a payload exactly when the protocol schema does', async () => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 20 }), async (items) => {
        const intents = items.map(({ type, payload }) => ({
          id: newIntentId(),
          type,
          device: 'till-9',
          hlc: encodeHlc(hlc.now()),
          createdAt: 1,
          payload,
        }));
        const response = await fetch(`${server.url}/intents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': newIntentId() },
          body: JSON.stringify({ intents }),
        });
        const body = (await response.json()) as { rejected: { index: number; code: string }[] };
        const refused = new Map(body.rejected.map((r) => [r.index, r.code]));
        items.forEach(({ type, payload }, i) => {
          const ok = intentPayloadSchemas[type].safeParse(payload).success;
          seen[ok ? 'accepted' : 'refused']++;
          expect(refused.get(i), `${type} ${JSON.stringify(payload)}`).toBe(
            ok ? undefined : 'invalid_payload',
          );
        });
      }),
      { numRuns: 100 },
    );
    // Both verdicts were exercised, so agreement is not agreement on one answer.
    expect(seen.accepted).toBeGreaterThan(150);
    expect(seen.refused).toBeGreaterThan(150);
  });

  it('the old redemption type is refused as unknown', async () => {
    const intent = {
      id: newIntentId(),
      type: 'redemption',
      device: 'till-9',
      hlc: encodeHlc(hlc.now()),
      createdAt: 1,
      payload: { token: 'TS1:x' },
    };
    const response = await fetch(`${server.url}/intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newIntentId() },
      body: JSON.stringify(intent),
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { rejected: { code: string }[] }).rejected[0]!.code).toBe(
      'unknown_type',
    );
  });
});

describe('refusal → dead letter', () => {
  it("keeps the server's problem+json reason in the dead-lettered intent's lastError", async () => {
    const till = queueFor('till-8');
    const bad = await till.enqueue({
      type: INTENT_TYPES.sale,
      payload: { sku: 'tea', quantity: 0, unitPrice: eur(100) },
    });
    expect(await till.flush()).toMatchObject({ acked: 0, dead: 1 });
    const [dead] = await till.list({ status: 'dead' });
    expect(dead!.intent.id).toBe(bad.id);
    expect(dead!.lastError).toMatch(
      /^HTTP 422 intents-rejected: .*#0 invalid_payload: payload\.quantity: quantity must be at least 1/,
    );
    await till.close();
  });
});
