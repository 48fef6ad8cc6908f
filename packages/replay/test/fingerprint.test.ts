import { createHash } from 'node:crypto';
import { isTallystickError } from '@tallystick/core';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintRequest } from '../src/index.js';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('fingerprint', () => {
  it('known answers: SHA-256 of the RFC 8785 text (checked with sha256sum)', () => {
    expect(fingerprint({ currency: 'EUR', amount: 1250 })).toBe(
      'eeee78fb20f8fbb03fb016f376c0389d6be5286bbce3a472be2a2b376b3953d4',
    );
    expect(fingerprintRequest('post', '/sales', { amount: 1250 })).toBe(
      '89631c6d9493f2e2d63a3f44fd28d0834ce9513bab33e4c5e0a171e579b2c1d5',
    );
    expect(fingerprintRequest('POST', '/sales', undefined)).toBe(
      '2fc4edcc685c45f2a7380486fb9b9453adeede35e375f2f0668afcfc82a8d11e',
    );
  });

  it('law: equals node:crypto SHA-256 over the reference canonicalizer, for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(fingerprint(value)).toBe(sha256Hex(canonicalize(value)!));
      }),
      { numRuns: 1000 },
    );
  });

  it('law: key order and number spelling never change the fingerprint', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(fingerprint(reversed)).toBe(fingerprint(obj));
        expect(fingerprint(JSON.parse(JSON.stringify(obj, null, 2)))).toBe(fingerprint(obj));
      }),
      { numRuns: 1000 },
    );
    expect(fingerprint({ a: 1.0, b: 1e2 })).toBe(fingerprint(JSON.parse('{"b":100,"a":1}')));
  });

  it('law: different canonical payloads get different fingerprints', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalize(a) !== canonicalize(b));
        expect(fingerprint(a)).not.toBe(fingerprint(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('law: selected fields ignore every other field', () => {
    fc.assert(
      fc.property(
        fc.record({ amount: fc.integer(), currency: fc.constantFrom('EUR', 'USD') }),
        fc.dictionary(
          fc.string().filter((k) => k !== 'amount' && k !== 'currency'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        (core, noise) => {
          const fields = ['amount', 'currency'];
          expect(fingerprint({ ...noise, ...core }, { fields })).toBe(fingerprint(core, { fields }));
          expect(fingerprint({ ...noise, ...core }, { fields })).toBe(fingerprint(core));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('tells an absent selected field from null, and the method and path apart', () => {
    expect(fingerprint({ a: 1 }, { fields: ['a', 'b'] })).not.toBe(
      fingerprint({ a: 1, b: null }, { fields: ['a', 'b'] }),
    );
    expect(fingerprintRequest('POST', '/a', { x: 1 })).not.toBe(fingerprintRequest('POST', '/b', { x: 1 }));
    expect(fingerprintRequest('POST', '/a', { x: 1 })).not.toBe(fingerprintRequest('PATCH', '/a', { x: 1 }));
    expect(fingerprintRequest('POST', '/a', null)).not.toBe(fingerprintRequest('POST', '/a', undefined));
  });

  it('refuses what JSON cannot carry, and field selection on a non-object', () => {
    for (const bad of [undefined, Number.NaN, 1n, new Date(0), { a: () => 1 }, '\ud800']) {
      expect(
        isTallystickError(
          (() => {
            try {
              fingerprint(bad);
            } catch (e) {
              return e;
            }
          })(),
          'ERR_NOT_CANONICAL_JSON',
        ),
      ).toBe(true);
    }
    expect(() => fingerprint([1], { fields: ['a'] })).toThrow(TypeError);
    expect(() => fingerprint({ a: 1 }, { fields: [1 as never] })).toThrow(TypeError);
  });
});
