import { encodeBase45, encodeBase64url, encodeHex } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeToken, LIMITS, type Token } from '../src/index.js';
import { encodeBody, type TokenFields } from '../src/lib/encode.js';
import { sealToken } from '../src/lib/seal.js';
import { ISSUER_KEY } from './fixtures.js';

const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(encodeHex);
const visible = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 32,
});
const letters = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  minLength: 3,
  maxLength: 3,
});

/** Arbitrary valid token fields, each optional field present or absent. */
export const fieldsArb: fc.Arbitrary<TokenFields> = fc
  .record({
    kid: hex(4),
    id: hex(16),
    iat: fc.integer({ min: LIMITS.minIssuedAtSeconds, max: 0xffff_ffff - 1 }),
    lifetime: fc.integer({ min: 1, max: LIMITS.maxLifetimeSeconds }),
    nbf: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    amount: fc.option(fc.record({ amount: fc.maxSafeNat(), currency: letters })),
    audience: fc.option(visible),
    holder: fc.option(hex(16)),
    data: fc.option(fc.uint8Array({ minLength: 1, maxLength: 64 })),
    extensions: fc.uniqueArray(
      fc.record({
        tag: fc.integer({ min: 1, max: 127 }).map((t) => t * 2),
        value: fc.uint8Array({ maxLength: 64 }),
      }),
      { maxLength: 4, selector: (e) => e.tag },
    ),
  })
  .filter((f) => f.iat + f.lifetime <= 0xffff_ffff)
  .map((f) => {
    const nbfDelta = f.nbf === null ? 0 : Math.floor(f.nbf * (f.lifetime - 1));
    return {
      kid: f.kid,
      id: f.id,
      issuedAt: f.iat * 1000,
      expiresAt: (f.iat + f.lifetime) * 1000,
      notBefore: nbfDelta >= 1 ? (f.iat + nbfDelta) * 1000 : undefined,
      amount: f.amount ?? undefined,
      audience: f.audience ?? undefined,
      holder: f.holder ?? undefined,
      data: f.data ?? undefined,
      extensions: [...f.extensions].sort((a, b) => a.tag - b.tag),
    };
  });

/** Decoding never checks signatures, so a zero signature keeps these laws fast (no signing per run). */
function unsigned(fields: TokenFields): Uint8Array {
  const body = encodeBody(fields);
  const bytes = new Uint8Array(body.length + 64);
  bytes.set(body);
  return bytes;
}

function fieldsOf(token: Token): TokenFields {
  const { version: _v, bytes: _b, ...fields } = token;
  return fields;
}

describe('token codec', () => {
  it('law: decode(encode(x)) = x for every valid field set', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const decoded = decodeToken(unsigned(fields));
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(fieldsOf(decoded.token)).toEqual(fields);
      }),
      { numRuns: 1000 },
    );
  });

  it('law: every text form decodes to the same bytes (TS1:, base64url, raw)', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        const sealed = sealToken(encodeBody(fields), ISSUER_KEY.secretKey);
        for (const input of [sealed.qr, sealed.url, sealed.bytes, `TS1:${encodeBase45(sealed.bytes)}`]) {
          const decoded = decodeToken(input);
          expect(decoded.ok && encodeHex(decoded.token.bytes)).toBe(encodeHex(sealed.bytes));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('law: canonical — re-encoding any decodable byte string gives the same bytes', () => {
    // Start from valid tokens and mutate them, so the decodable mutants are many and varied.
    const mutated = fc
      .tuple(fieldsArb, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }))
      .map(([fields, edits]) => {
        const bytes = unsigned(fields);
        for (const [at, value] of edits) bytes[at % (bytes.length - 64)] = value;
        return bytes;
      });
    let decodable = 0;
    fc.assert(
      fc.property(mutated, (bytes) => {
        const decoded = decodeToken(bytes);
        if (!decoded.ok) return;
        decodable++;
        const body = encodeBody(fieldsOf(decoded.token));
        expect(encodeHex(body)).toBe(encodeHex(bytes.subarray(0, bytes.length - 64)));
      }),
      { numRuns: 1000 },
    );
    expect(decodable).toBeGreaterThan(50);
  });

  it('law: the decoder is total on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (bytes) => {
        const result = decodeToken(bytes);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(['malformed', 'unsupported_version']).toContain(result.code);
      }),
      { numRuns: 5000 },
    );
  });

  it('law: the decoder is total on arbitrary strings and non-inputs', () => {
    const inputs = fc.oneof(
      fc.string({ maxLength: 1200 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ maxLength: 400 }).map((s) => `TS1:${s}`),
      fc.string({ maxLength: 400 }).map((s) => `TP1:${s}`),
      fc.uint8Array({ maxLength: 400 }).map((b) => `TS1:${encodeBase45(b)}`),
      fc.uint8Array({ maxLength: 400 }).map(encodeBase64url),
      fc.anything(),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const result = decodeToken(input as string);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects inputs over the cap before decoding', () => {
    expect(decodeToken(new Uint8Array(LIMITS.maxTokenBytes + 1))).toMatchObject({ code: 'malformed' });
    expect(decodeToken('A'.repeat(LIMITS.maxInputChars + 1))).toMatchObject({ code: 'malformed' });
    expect(decodeToken(`TS1:${'0'.repeat(10_000_000)}`)).toMatchObject({ code: 'malformed' });
  });

  it('encoder refuses what the decoder would refuse', () => {
    const base: TokenFields = {
      kid: '0a0b0c0d',
      id: '00'.repeat(16),
      issuedAt: 1_767_268_800_000,
      expiresAt: 1_767_269_700_000,
      notBefore: undefined,
      amount: undefined,
      audience: undefined,
      holder: undefined,
      data: undefined,
      extensions: [],
    };
    expect(() => encodeBody(base)).not.toThrow();
    expect(() => encodeBody({ ...base, kid: '0A0B0C0D' })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, issuedAt: Date.UTC(2019, 0, 1) })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, expiresAt: base.issuedAt })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, expiresAt: base.issuedAt + 401 * 86_400_000 })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, issuedAt: base.issuedAt + 1 })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, notBefore: base.issuedAt })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, notBefore: base.expiresAt })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, amount: { amount: -1, currency: 'EUR' } })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, amount: { amount: 1, currency: 'eur' } })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, audience: 'a b' })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, audience: 'x'.repeat(33) })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, data: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => encodeBody({ ...base, data: new Uint8Array(65) })).toThrow(RangeError);
    expect(() =>
      encodeBody({
        ...base,
        extensions: [
          { tag: 4, value: new Uint8Array() },
          { tag: 2, value: new Uint8Array() },
        ],
      }),
    ).toThrow(RangeError);
  });
});
