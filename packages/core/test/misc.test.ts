import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { IntentEnvelope } from '../src/index.js';
import {
  createManualClock,
  isIntentId,
  isTallystickError,
  newIntentId,
  newRandomId,
  newTokenId,
  randomBytes,
  systemClock,
  TallystickError,
} from '../src/index.js';
import { intentEnvelopeSchema, MAX_INTENT_PAYLOAD_BYTES, moneySchema } from '../src/schemas.js';

describe('errors', () => {
  it('carry a stable code, the cause and the subclass name', () => {
    const cause = new Error('disk');
    const error = new TallystickError('QUEUE_STORAGE_FULL', 'full', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('QUEUE_STORAGE_FULL');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('TallystickError');
    expect(isTallystickError(error, 'QUEUE_STORAGE_FULL')).toBe(true);
    expect(isTallystickError(error, 'ERR_KEY')).toBe(false);
    expect(isTallystickError(new Error('plain'))).toBe(false);
  });
});

describe('ids', () => {
  it('makes time-ordered UUIDv7 intent ids', () => {
    const ids = Array.from({ length: 50 }, () => newIntentId());
    for (const id of ids) expect(isIntentId(id)).toBe(true);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
    expect(isIntentId('01234567-89ab-4def-8123-456789abcdef')).toBe(false);
  });

  it('makes 128-bit random token ids', () => {
    expect(newTokenId()).toHaveLength(16);
    expect(newRandomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(() => randomBytes(0)).toThrow(RangeError);
  });
});

describe('clocks', () => {
  it('the manual clock separates wall from monotonic time', () => {
    const clock = createManualClock(1_000);
    clock.advance(500);
    clock.set(100);
    expect(clock.now()).toBe(100);
    expect(clock.monotonic()).toBe(500);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('the system clock reads real time', () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    expect(systemClock.monotonic!()).toBeGreaterThan(0);
  });
});

describe('schemas', () => {
  const valid = {
    id: newIntentId(),
    type: 'sale',
    device: 'till-1',
    hlc: '018bcfe568000102-till-1',
    createdAt: 1,
    payload: { sku: 'apple', quantity: 2 },
  };

  it('accepts a valid intent envelope', () => {
    expect(intentEnvelopeSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['a v4 id', { id: '01234567-89ab-4def-8123-456789abcdef' }, 'id'],
    ['an upper-case type', { type: 'Sale' }, 'type'],
    ['a device with a space', { device: 'till 1' }, 'device'],
    ['a bad hlc', { hlc: 'yesterday' }, 'hlc'],
    ['a NaN in the payload', { payload: { x: Number.NaN } }, 'payload'],
    ['an oversize payload', { payload: 'x'.repeat(MAX_INTENT_PAYLOAD_BYTES) }, 'payload'],
  ])('rejects %s, naming the field', (_, patch, field) => {
    const result = intentEnvelopeSchema.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe(field);
  });

  it('the schema and the hand-written IntentEnvelope type agree', () => {
    expectTypeOf<z.infer<typeof intentEnvelopeSchema>>().toEqualTypeOf<IntentEnvelope>();
  });

  it('validates money', () => {
    expect(moneySchema.safeParse({ amount: 1.5, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: 150, currency: 'usd' }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: 150, currency: 'USD' }).success).toBe(true);
  });
});
