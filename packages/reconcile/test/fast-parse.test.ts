/**
 * The hand-written validation path must never disagree with the zod schemas:
 * whatever it accepts, the schemas accept and build identically (same fields,
 * same key order, so the same fingerprint); everything else it leaves to them.
 */
import { encodeHlc } from '@tallystick/core';
import { parseIntent } from '@tallystick/reconcile';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBySchema } from '../src/intents.js';
import { fastParse, isValidPayload } from '../src/lib/fast-parse.js';
import { fingerprintOf } from '../src/lib/fingerprint.js';
import { idOf } from './support/intents.js';

// Mostly everyday amounts, sometimes the extremes (a sale of those can pass 2^53 - 1).
const money = fc.record({
  amount: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 10_000 }), weight: 6 },
    fc.constantFrom(2 ** 31, 2 ** 32, Math.floor((2 ** 53 - 1) / 3), 2 ** 53 - 2, 2 ** 53 - 1),
  ),
  currency: fc.constantFrom('EUR', 'JPY'),
});
const sku = fc.constantFrom('apple', 'sku-1', 'a/b:c~d');
const id = fc.nat({ max: 1000 }).map(idOf);
const payloads = {
  sale: fc.record(
    {
      sku,
      quantity: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constantFrom(999_999, 1_000_000)),
      unitPrice: money,
      discountBps: fc.nat({ max: 10_000 }),
      holdId: id,
    },
    { requiredKeys: ['sku', 'quantity', 'unitPrice'] },
  ),
  restock: fc.record({ sku, quantity: fc.integer({ min: 1, max: 500 }) }),
  hold: fc.record({ sku, quantity: fc.integer({ min: 1, max: 5 }), expiresAt: fc.nat() }),
  hold_release: fc.record({ sku, holdId: id }),
  refund: fc.record({
    sku,
    saleId: id,
    amount: money.map((m) => ({ ...m, amount: Math.max(1, m.amount) })),
    quantity: fc.nat({ max: 3 }),
  }),
  'token.redeemed': fc
    .record(
      {
        tokenId: fc.constantFrom('0'.repeat(32), '0123456789abcdef0123456789abcdef'),
        kid: fc.constantFrom('1a2b3c4d', 'k'),
        value: fc.record({ amount: fc.nat({ max: 10_000 }), currency: fc.constantFrom('EUR', 'JPY') }),
        audience: fc.constantFrom('till-1', 'shop'),
        terminal: fc.constantFrom('till-1', 'till-2'),
        holder: fc.constant('ab'.repeat(16)),
        redeemedAt: fc.nat({ max: 2 ** 40 }),
        issuedAt: fc.nat({ max: 2 ** 40 }),
        expiresAt: fc.constantFrom(0, 2 ** 41, 2 ** 48 - 1),
        token: fc.string({ minLength: 1, maxLength: 40 }),
      },
      { requiredKeys: ['tokenId', 'kid', 'redeemedAt', 'issuedAt', 'expiresAt', 'token'] },
    )
    // A producer writes amount and currency together, in any key order.
    .map(({ value, ...rest }) =>
      value ? { ...rest, amount: value.amount, currency: value.currency } : rest,
    ),
  price_update: fc.record(
    { sku, unitPrice: money, discountBps: fc.nat({ max: 10_000 }) },
    { requiredKeys: ['sku', 'unitPrice'] },
  ),
};
type Kind = keyof typeof payloads;
const valid = fc
  .constantFrom(...(Object.keys(payloads) as Kind[]))
  .chain((type) =>
    fc.record({
      id,
      type: fc.constant(type),
      device: fc.constantFrom('till-1', 'web', 'hq'),
      wall: fc.nat({ max: 2 ** 40 }),
      payload: payloads[type] as fc.Arbitrary<Record<string, unknown>>,
    }),
  )
  .map(({ wall, ...rest }) => ({
    ...rest,
    hlc: encodeHlc({ wall, counter: 0, node: rest.device }),
    createdAt: wall,
  }));

// Replace, remove or add one member somewhere in the envelope or its payload.
const odd = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    undefined,
    -1,
    -0,
    0,
    1.5,
    2 ** 53,
    Number.NaN,
    '',
    'EUR',
    'eur',
    'x'.repeat(70),
    [],
    {},
    null,
  ),
  // Just past each bound the schemas set.
  fc.constantFrom(
    10_001,
    1_000_001,
    2 ** 48,
    'x'.repeat(4097),
    'sku with space',
    '01900000-0000-4000-8000-000000000000',
  ),
  fc.constant(new Date(0)),
);
const mutated = fc
  .tuple(
    valid,
    fc.constantFrom('envelope', 'payload', 'money'),
    fc.constantFrom('replace', 'replace', 'remove', 'add'),
    fc.nat(),
    fc.string({ maxLength: 12 }),
    odd,
  )
  .map(([intent, where, how, pick, name, value]) => {
    const copy = structuredClone(intent) as Record<string, unknown> & { payload: Record<string, unknown> };
    const nested = Object.values(copy.payload).find((v) => typeof v === 'object' && v !== null);
    const target =
      where === 'envelope'
        ? copy
        : where === 'payload'
          ? copy.payload
          : ((nested ?? copy.payload) as Record<string, unknown>);
    const keys = Object.keys(target);
    const existing = keys[pick % keys.length] ?? name;
    if (how === 'remove') delete target[existing];
    else target[how === 'add' ? name : existing] = value;
    return copy;
  });

describe('fast validation path', () => {
  it('law: whatever the fast path accepts, the schemas accept and build identically', () => {
    fc.assert(
      fc.property(fc.oneof({ arbitrary: mutated, weight: 8 }, valid, fc.anything()), (input) => {
        const fast = fastParse(input);
        if (fast === undefined) return;
        const slow = parseBySchema(structuredCloneSafe(input));
        expect(slow.ok).toBe(true);
        if (!slow.ok) return;
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.intent));
        expect(fingerprintOf(fast)).toBe(fingerprintOf(slow.intent));
      }),
      { numRuns: 20_000 },
    );
  });

  it('law: parseIntent answers exactly as the schemas do', () => {
    fc.assert(
      fc.property(fc.oneof(valid, mutated), (input) => {
        const got = parseIntent(input);
        const want = parseBySchema(structuredCloneSafe(input));
        expect(got.ok).toBe(want.ok);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      }),
      { numRuns: 2000 },
    );
  });

  it('takes every valid intent of the everyday types itself, and leaves amount_overflow to the schemas', () => {
    fc.assert(
      fc.property(valid, (input) => {
        const want = parseBySchema(structuredCloneSafe(input));
        if (!want.ok) expect(want.code).toBe('amount_overflow');
        expect(fastParse(input) !== undefined).toBe(want.ok);
      }),
      { numRuns: 500 },
    );
  });

  it('law: every payload the schemas build is one the folds can read back (isValidPayload)', () => {
    fc.assert(
      fc.property(valid, (input) => {
        const parsed = parseBySchema(structuredCloneSafe(input));
        if (parsed.ok) expect(isValidPayload(parsed.intent.type, parsed.intent.payload)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves partition keys, incomplete records and class instances to the schemas', () => {
    const base = fc.sample(valid, { numRuns: 1, seed: 1 })[0]!;
    expect(fastParse({ ...base, partitionKey: 'p' })).toBeUndefined();
    expect(fastParse({ ...base, type: 'token.redeemed', payload: { token: 'x' } })).toBeUndefined();
    expect(parseIntent({ ...base, type: 'token.redeemed', payload: { token: 'x' } })).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });
    expect(fastParse(Object.assign(Object.create({ inherited: 1 }), base))).toBeUndefined();
    expect(parseIntent({ ...base, partitionKey: 'p' }).ok).toBe(true);
  });
});

// zod may default or strip members; give each parser its own copy (Dates survive structuredClone).
function structuredCloneSafe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}
