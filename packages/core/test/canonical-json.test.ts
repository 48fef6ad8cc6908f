import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, MAX_CANONICAL_JSON_DEPTH, TallystickError } from '../src/index.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and prints numbers in ECMAScript form', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a":[true,null,"x"],"b":1}');
    // RFC 8785 §3.2.3 example ordering: code units, so U+20AC sorts before U+1F600 (a surrogate pair).
    expect(canonicalJson({ '\u20ac': 1, '\ud83d\ude00': 2, '\r': 3, '1': 4, '\u00f6': 5 })).toBe(
      '{"\\r":3,"1":4,"ö":5,"€":1,"😀":2}',
    );
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 333333333.3333333, 4.5, 2e-3])).toBe(
      '[1e+21,1e-7,0,0.1,333333333.3333333,4.5,0.002]',
    );
    expect(canonicalJson('\u2028\u0007')).toBe('"\u2028\\u0007"');
  });

  it('law: agrees with the reference implementation on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('law: key order does not matter and the output parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        const text = canonicalJson(obj);
        expect(canonicalJson(reversed)).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['NaN', { a: Number.NaN }, '$.a'],
    ['Infinity', [1, Number.POSITIVE_INFINITY], '$[1]'],
    ['undefined', { a: undefined }, '$.a'],
    ['a bigint', { a: 1n }, '$.a'],
    ['a Date', { when: new Date(0) }, '$.when'],
    ['a lone surrogate', { s: '\ud800' }, '$.s'],
    ['a function', [() => 1], '$[0]'],
  ])('refuses %s and names where', (_, value, path) => {
    expect(() => canonicalJson(value)).toThrow(TallystickError);
    expect(() => canonicalJson(value)).toThrow(path);
  });

  it('refuses cycles but allows shared references', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('refuses nesting deeper than MAX_CANONICAL_JSON_DEPTH with a typed error, never a stack overflow', () => {
    const nest = (depth: number, leaf: unknown = 1): unknown => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
      return value;
    };
    expect(MAX_CANONICAL_JSON_DEPTH).toBe(64);
    expect(canonicalJson(nest(64))).toBe(JSON.stringify(nest(64)));
    // Depth counts containers only: a scalar inside the 64th container is fine, a 65th container is not.
    for (const depth of [65, 1_000, 200_000]) {
      let caught: unknown;
      try {
        canonicalJson(nest(depth));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TallystickError);
      expect((caught as TallystickError).code).toBe('ERR_NOT_CANONICAL_JSON');
      expect((caught as Error).message).toMatch(/deeper than 64/);
    }
    // Deep data parsed from text, as a request body arrives.
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => canonicalJson(JSON.parse(text))).toThrow(/deeper than 64/);
  });

  it('law: any value within the depth bound canonicalizes, any beyond it is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.jsonValue({ maxDepth: 0 }), (depth, leaf) => {
        let value: unknown = leaf;
        for (let i = 0; i < depth; i++) value = [value];
        if (depth <= MAX_CANONICAL_JSON_DEPTH) expect(canonicalJson(value)).toBe(canonicalize(value));
        else expect(() => canonicalJson(value)).toThrow(TallystickError);
      }),
      { numRuns: 200 },
    );
  });
});
