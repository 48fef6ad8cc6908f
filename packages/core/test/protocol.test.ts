/**
 * The payload schemas of `@tallystick/core/protocol`, one known answer each,
 * and the redemption record's own rules. The wire contract from both sides
 * (what producers send, what the server refuses) is in protocol-contract.
 */
import { INTENT_TYPES, REDEMPTION_INTENT_TYPE } from '@tallystick/core';
import {
  intentPayloadSchemas,
  MAX_INTENT_QUANTITY,
  type Redemption,
  redemptionSchema,
} from '@tallystick/core/protocol';
import { describe, expect, it } from 'vitest';

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const id = '01900000-0000-7000-8000-000000000001';
const record: Redemption = {
  tokenId: '0123456789abcdef0123456789abcdef',
  kid: '1a2b3c4d',
  redeemedAt: 1_767_225_600_000,
  issuedAt: 1_767_225_000_000,
  expiresAt: 1_767_229_200_000,
  token: 'TS1:abc',
  amount: 500,
  currency: 'EUR',
  terminal: 'till-1',
};

describe('@tallystick/core/protocol', () => {
  it('names exactly the types it has schemas for; token.redeemed is the one redemption type', () => {
    expect(Object.values(INTENT_TYPES).sort()).toEqual(Object.keys(intentPayloadSchemas).sort());
    expect(REDEMPTION_INTENT_TYPE).toBe('token.redeemed');
    expect(Object.keys(intentPayloadSchemas)).not.toContain('redemption');
  });

  it.each([
    ['sale', { sku: 'apple', quantity: 2, unitPrice: eur(120) }, { discountBps: 0 }],
    ['restock', { sku: 'apple', quantity: MAX_INTENT_QUANTITY }, {}],
    ['hold', { sku: 'apple', quantity: 1, expiresAt: 1 }, {}],
    ['hold_release', { sku: 'apple', holdId: id }, {}],
    ['refund', { sku: 'apple', saleId: id, amount: eur(1), quantity: 0 }, {}],
    ['price_update', { sku: 'apple', unitPrice: eur(0), discountBps: 10_000 }, {}],
    ['token.redeemed', record, {}],
  ] as const)('accepts a %s payload a producer writes', (type, payload, defaults) => {
    expect(intentPayloadSchemas[type].parse(payload)).toEqual({ ...payload, ...defaults });
  });

  it.each([
    ['sale', { sku: 'apple', quantity: 0, unitPrice: eur(120) }, 'quantity must be at least 1'],
    ['sale', { sku: 'apple', quantity: 1.5, unitPrice: eur(120) }, 'quantity must be an integer'],
    ['sale', { sku: 'apple', quantity: 1, unitPrice: { amount: 1.2, currency: 'EUR' } }, 'integer'],
    ['sale', { sku: 'apple', quantity: 1, unitPrice: eur(1), note: 'x' }, 'note'],
    ['restock', { sku: 'apple', quantity: MAX_INTENT_QUANTITY + 1 }, 'at most 1000000'],
    ['refund', { sku: 'apple', saleId: id, amount: eur(0), quantity: 0 }, 'at least 1'],
    ['hold', { sku: 'apple', quantity: 1, expiresAt: 2 ** 48 }, 'expiresAt must be at most'],
    ['price_update', { sku: 'apple', unitPrice: { amount: 1, currency: 'eur' } }, 'ISO 4217'],
    ['token.redeemed', { token: 'TS1:abc' }, 'tokenId'],
    ['token.redeemed', { ...record, currency: undefined }, 'together'],
    ['token.redeemed', { ...record, tokenId: 'ABC' }, '32 lower-case hex'],
    ['token.redeemed', { ...record, token: 'a\u0000b' }, 'U+0000'],
  ] as const)('refuses a bad %s payload, saying why', (type, payload, why) => {
    const result = intentPayloadSchemas[type].safeParse(payload);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(why);
  });

  it('a record without a value has neither amount nor currency', () => {
    const { amount: _a, currency: _c, ...bare } = record;
    expect(redemptionSchema.safeParse(bare).success).toBe(true);
    expect(redemptionSchema.safeParse({ ...bare, amount: 5 }).success).toBe(false);
  });
});
