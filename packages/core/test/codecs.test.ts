import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase45,
  decodeBase64url,
  decodeHex,
  encodeBase45,
  encodeBase64url,
  encodeHex,
  TallystickError,
  tryDecodeBase45,
  tryDecodeBase64url,
  tryDecodeHex,
} from '../src/index.js';

const RUNS = { numRuns: 1000 };
const text = (s: string) => new TextEncoder().encode(s);

describe('base45 (RFC 9285)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('encodes the RFC example %j as %j', (input, expected) => {
    expect(encodeBase45(text(input))).toBe(expected);
    expect(decodeBase45(expected)).toEqual(text(input));
  });

  it('law: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(tryDecodeBase45(encodeBase45(bytes))).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it('law: the encoding is canonical (decode then encode gives the same text)', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (chars) => {
        const s = chars.join('');
        const bytes = tryDecodeBase45(s);
        if (bytes) expect(encodeBase45(bytes)).toBe(s);
      }),
      RUNS,
    );
  });

  it('law: the decoder is total on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (s) => {
        const bytes = tryDecodeBase45(s);
        expect(bytes === undefined || bytes instanceof Uint8Array).toBe(true);
      }),
      RUNS,
    );
  });

  it.each([
    ['GGW', 'a triple above 65535'],
    ['GGWA', 'a length of 3k+1'],
    [':Z', 'a pair above 255'],
    ['bb8', 'lower case'],
    ['B_8', 'a character outside the alphabet'],
    ['BB\u0138', 'a non-ASCII character'],
  ])('rejects %j (%s)', (input) => {
    expect(tryDecodeBase45(input)).toBeUndefined();
    expect(() => decodeBase45(input)).toThrow(TallystickError);
  });
});

describe('base64url (RFC 4648 §5, unpadded)', () => {
  it('matches the platform encoder on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(encodeBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      RUNS,
    );
  });

  it('law: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(tryDecodeBase64url(encodeBase64url(bytes))).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it('law: the decoder is total and canonical on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), (s) => {
        const bytes = tryDecodeBase64url(s);
        if (bytes) expect(encodeBase64url(bytes)).toBe(s);
      }),
      RUNS,
    );
  });

  it.each(['A', 'AB=', '-_9', 'AQ==', 'A+B/', 'AR'])('rejects %j', (input) => {
    expect(tryDecodeBase64url(input)).toBeUndefined();
    expect(() => decodeBase64url(input)).toThrow(TallystickError);
  });

  it('throws TypeError on a non-string and non-bytes', () => {
    expect(() => decodeBase64url(1 as unknown as string)).toThrow(TypeError);
    expect(() => encodeBase64url([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('hex', () => {
  it('law: decode(encode(x)) = x and matches the platform', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const hex = encodeHex(bytes);
        expect(hex).toBe(Buffer.from(bytes).toString('hex'));
        expect(tryDecodeHex(hex)).toEqual(bytes);
        expect(tryDecodeHex(hex.toUpperCase())).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it.each(['0', '0g', 'zz', ' 00'])('rejects %j', (input) => {
    expect(tryDecodeHex(input)).toBeUndefined();
    expect(() => decodeHex(input)).toThrow(TallystickError);
  });
});
