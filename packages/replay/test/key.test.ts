import { isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIdempotencyKey, parseIdempotencyKeyHeader, scopedKey } from '../src/index.js';

const visible = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 255,
});

/** RFC 8941 sf-string serialization: quote, escaping only \ and ". */
const sfString = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

describe('Idempotency-Key parsing', () => {
  it('law: any 1-255 visible ASCII key is accepted, bare or as an sf-string, unchanged', () => {
    fc.assert(
      fc.property(visible, (key) => {
        fc.pre(!key.startsWith('"'));
        expect(parseIdempotencyKeyHeader(key)).toEqual({ ok: true, key });
        expect(parseIdempotencyKeyHeader(sfString(key))).toEqual({ ok: true, key });
        expect(parseIdempotencyKeyHeader(` ${key}\t`)).toEqual({ ok: true, key });
      }),
      { numRuns: 1000 },
    );
  });

  it('law: keys longer than 255 characters are refused', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'Z', '-', '9'), minLength: 256, maxLength: 600 }),
        (key) => {
          expect(parseIdempotencyKeyHeader(key)).toEqual({ ok: false, problem: 'too_long' });
          expect(parseIdempotencyKeyHeader(sfString(key))).toEqual({ ok: false, problem: 'too_long' });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('law: a key with any character outside visible ASCII is refused', () => {
    const outside = fc
      .oneof(fc.integer({ min: 0, max: 0x20 }), fc.integer({ min: 0x7f, max: 0xffff }))
      .map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(visible, outside, fc.nat(), (key, bad, at) => {
        const i = at % (key.length + 1);
        const candidate = `x${key.slice(0, i)}${bad}${key.slice(i)}x`;
        if (candidate.length > 255) return;
        expect(checkIdempotencyKey(candidate).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('names each problem', () => {
    expect(parseIdempotencyKeyHeader(undefined)).toEqual({ ok: false, problem: 'missing' });
    expect(parseIdempotencyKeyHeader(null)).toEqual({ ok: false, problem: 'missing' });
    expect(parseIdempotencyKeyHeader('')).toEqual({ ok: false, problem: 'empty' });
    expect(parseIdempotencyKeyHeader('""')).toEqual({ ok: false, problem: 'empty' });
    expect(parseIdempotencyKeyHeader('a b')).toEqual({ ok: false, problem: 'invalid_characters' });
    expect(parseIdempotencyKeyHeader('clé')).toEqual({ ok: false, problem: 'invalid_characters' });
    expect(parseIdempotencyKeyHeader('"unterminated')).toEqual({ ok: false, problem: 'malformed_string' });
    expect(parseIdempotencyKeyHeader('"a"b"')).toEqual({ ok: false, problem: 'malformed_string' });
    expect(parseIdempotencyKeyHeader('"bad \\n escape"')).toEqual({ ok: false, problem: 'malformed_string' });
    expect(parseIdempotencyKeyHeader('"a\\"b"')).toEqual({ ok: true, key: 'a"b' });
    expect(parseIdempotencyKeyHeader('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toEqual({
      ok: true,
      key: '8e03978e-40d5-43e8-bc93-6894a57f9324',
    });
  });
});

describe('scopedKey', () => {
  it('builds a composite key and validates both parts', () => {
    expect(scopedKey('merchant 42 / café', 'order-1')).toEqual({
      scope: 'merchant 42 / café',
      key: 'order-1',
    });
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isTallystickError(e) ? e.code : (e as Error).name;
      }
      return 'none';
    };
    expect(codeOf(() => scopedKey('', 'k'))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey('s'.repeat(256), 'k'))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey('tab\there', 'k'))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey('\ud800', 'k'))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey('s', 'k'.repeat(256)))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey('s', 'has space'))).toBe('ERR_IDEMPOTENCY_KEY_INVALID');
    expect(codeOf(() => scopedKey(1 as never, 'k'))).toBe('TypeError');
    expect(codeOf(() => scopedKey('s', null as never))).toBe('TypeError');
  });
});
