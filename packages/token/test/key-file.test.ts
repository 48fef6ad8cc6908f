import { encodeBase64url, isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { publicKeyFromSecret } from '../src/crypto/index.js';
import {
  createIssuer,
  createVerifier,
  decodeIssuerKey,
  decodeKeySet,
  encodeIssuerKey,
  encodeKeySet,
  generateIssuerKey,
  kidFromPublicKey,
  RevocationList,
  type VerificationKey,
} from '../src/index.js';
import { keyFromSeed, NOW } from './fixtures.js';
import {
  detachedBytes,
  hostile,
  isFailure,
  lyingBytes,
  revokedProxy,
  throwingGetters,
  throwingProxy,
} from './support/hostile.js';
import { keyWithTorsion } from './support/torsion.js';

const A = keyFromSeed(0x11);
const B = keyFromSeed(0x12);
const codeOf = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

/** A key from any 32-byte seed, with an optional window in order. */
const arbKey = fc
  .tuple(
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
    fc.option(fc.maxSafeInteger(), { nil: undefined }),
    fc.option(fc.maxSafeInteger(), { nil: undefined }),
  )
  .map(([secretKey, x, y]) => {
    const publicKey = publicKeyFromSecret(secretKey);
    const [lo, hi] = x !== undefined && y !== undefined && x > y ? [y, x] : [x, y];
    return {
      secretKey,
      publicKey,
      kid: kidFromPublicKey(publicKey),
      ...(lo === undefined ? {} : { notBefore: lo }),
      ...(hi === undefined ? {} : { notAfter: hi }),
    };
  });
const publicOf = ({ secretKey: _, ...rest }: { secretKey: Uint8Array } & VerificationKey) => rest;

describe('key set file', () => {
  it('law: decodeKeySet(encodeKeySet(keys)) gives the keys back, in order, for any set of distinct keys', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbKey, { maxLength: 6, selector: (k) => k.kid }), (keys) => {
        const set = keys.map(publicOf);
        const text = encodeKeySet(set);
        const decoded = decodeKeySet(text);
        expect(decoded).toEqual({ ok: true, keys: set });
        // The file's bytes (readFileSync without an encoding) decode the same.
        expect(decodeKeySet(new TextEncoder().encode(text))).toEqual(decoded);
      }),
      { numRuns: 60 },
    );
  });

  it('law: encodeKeySet(decodeKeySet(text)) is the text again (one text per key set)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbKey, { maxLength: 4, selector: (k) => k.kid }), (keys) => {
        const text = encodeKeySet(keys.map(publicOf));
        const decoded = decodeKeySet(text);
        expect(decoded.ok && encodeKeySet(decoded.keys)).toBe(text);
        // The parsed value decodes the same as its text (fetch(...).json() then decodeKeySet).
        expect(decodeKeySet(JSON.parse(text))).toEqual(decoded);
      }),
      { numRuns: 40 },
    );
  });

  it('law: decoding never throws, on any JSON value or any edit of a valid file', () => {
    const valid = encodeKeySet([A, { ...B, notAfter: NOW }]);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = decodeKeySet(value);
        expect(typeof result.ok).toBe('boolean');
        expect(decodeIssuerKey(value).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.string({ maxLength: 3 }), (at, s) => {
        const edited = valid.slice(0, at) + s + valid.slice(at + 1);
        const result = decodeKeySet(edited);
        if (result.ok) expect(() => createVerifier({ keys: result.keys })).not.toThrow();
        else expect(result.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a file that says "ok": false is still read as a file, not mistaken for a failure', () => {
    expect(codeOf(decodeKeySet({ ok: false, code: 'x', message: 'y' }))).toBe('unsupported_version');
    const text = encodeKeySet([A]).replace('"version": 1', '"version": 1, "ok": false');
    expect(decodeKeySet(text)).toMatchObject({
      ok: false,
      code: 'malformed',
      message: expect.stringMatching(/"ok"/),
    });
  });

  it('hostile inputs give a failure, never a crash: throwing getters, huge text, too many keys', () => {
    const trap = {
      type: 'tallystick/key-set',
      version: 1,
      get keys(): never {
        throw new Error('trap');
      },
    };
    expect(codeOf(decodeKeySet(trap))).toBe('malformed');
    expect(codeOf(decodeKeySet(' '.repeat((1 << 20) + 1)))).toBe('malformed');
    const many = JSON.parse(encodeKeySet([A])) as { keys: unknown[] };
    many.keys = new Array(1025).fill(many.keys[0]);
    expect(decodeKeySet(many)).toMatchObject({ ok: false, code: 'malformed', message: /1024/ });
    for (const value of [undefined, null, 0, '', '""', [], new Uint8Array([0xff]), Symbol('x'), () => 1]) {
      expect(codeOf(decodeKeySet(value))).toBe('malformed');
      expect(codeOf(decodeIssuerKey(value))).toBe('malformed');
    }
  });

  it('law: every hostile value (proxies, lying and detached bytes, anything) gets a typed result, never a throw', () => {
    const shaped = (r: unknown) =>
      isFailure(r) || (typeof r === 'object' && r !== null && (r as { ok?: unknown }).ok === true);
    fc.assert(
      fc.property(hostile, (make) => {
        const value = make();
        expect(shaped(decodeKeySet(value))).toBe(true);
        expect(shaped(decodeIssuerKey(value))).toBe(true);
      }),
      { numRuns: 300 },
    );
    const header = { type: 'tallystick/key-set', version: 1 };
    for (const inner of [throwingProxy(), revokedProxy(), throwingGetters(['kid', 'alg', 'publicKey'])]) {
      expect(codeOf(decodeKeySet({ ...header, keys: [inner] }))).toBe('malformed');
      expect(codeOf(decodeKeySet({ ...header, keys: throwingProxy([]) }))).toBe('malformed');
      expect(isFailure(decodeIssuerKey(inner))).toBe(true);
    }
    expect(codeOf(decodeKeySet({ ...header, keys: new Array(2 ** 32 - 1) }))).toBe('malformed');
    expect(codeOf(decodeKeySet(detachedBytes()))).toBe('malformed');
    expect(codeOf(decodeKeySet(lyingBytes()))).toBe('malformed');
  });

  it('a refused key anywhere in the set refuses the whole set, naming the entry', () => {
    const small = keyWithTorsion(0n, 3);
    const file = JSON.parse(encodeKeySet([A, B])) as { keys: Record<string, unknown>[] };
    file.keys[1] = { kid: kidFromPublicKey(small), alg: 'Ed25519', publicKey: encodeBase64url(small) };
    expect(decodeKeySet(file)).toMatchObject({ ok: false, code: 'refused_key', message: /keys\[1\]/ });
  });

  it('encodeKeySet refuses to write what decodeKeySet would refuse, with the platform error kinds', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isTallystickError(error) ? error.code : (error as Error).name;
      }
      return 'no error';
    };
    expect(err(() => encodeKeySet('x' as never))).toBe('TypeError');
    expect(err(() => encodeKeySet([{ kid: A.kid, publicKey: 'x' } as never]))).toBe('TypeError');
    expect(err(() => encodeKeySet([{ publicKey: A.publicKey } as never]))).toBe('TypeError');
    expect(err(() => encodeKeySet([{ kid: A.kid, publicKey: A.publicKey.subarray(1) }]))).toBe('RangeError');
    expect(err(() => encodeKeySet([{ ...A, notBefore: 2, notAfter: 1 }]))).toBe('RangeError');
    expect(err(() => encodeKeySet([{ ...A, notBefore: 0.5 }]))).toBe('RangeError');
    expect(err(() => encodeKeySet([{ ...A, notAfter: Number.NaN }]))).toBe('RangeError');
    expect(err(() => encodeKeySet([{ kid: B.kid, publicKey: A.publicKey }]))).toBe('ERR_KEY');
    expect(err(() => encodeKeySet([A, { ...A, notBefore: 0 }]))).toBe('ERR_KEY');
    const mixed = keyWithTorsion(12345n, 1);
    expect(err(() => encodeKeySet([{ kid: kidFromPublicKey(mixed), publicKey: mixed }]))).toBe('ERR_KEY');
    expect(err(() => encodeIssuerKey({ ...A, publicKey: B.publicKey }))).toBe('ERR_KEY');
    expect(err(() => encodeIssuerKey({ ...A, kid: B.kid }))).toBe('ERR_KEY');
    expect(err(() => encodeIssuerKey({ ...A, secretKey: 'x' as never }))).toBe('TypeError');
    expect(err(() => encodeIssuerKey({ ...A, secretKey: A.secretKey.subarray(1) }))).toBe('RangeError');
  });
});

describe('issuer key file', () => {
  it('law: decodeIssuerKey(encodeIssuerKey(key)) gives the key back, and its text again', () => {
    fc.assert(
      fc.property(arbKey, (key) => {
        const text = encodeIssuerKey(key);
        const decoded = decodeIssuerKey(text);
        expect(decoded).toEqual({ ok: true, key });
        expect(decoded.ok && encodeIssuerKey(decoded.key)).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('a decoded key issues tokens that its published key set verifies', () => {
    const decoded = decodeIssuerKey(encodeIssuerKey({ ...generateIssuerKey(), notBefore: NOW - 1000 }));
    if (!decoded.ok) throw new Error(decoded.message);
    const issuer = createIssuer({ ...decoded.key, clock: { now: () => NOW } });
    const set = decodeKeySet(encodeKeySet([issuer.verificationKey]));
    if (!set.ok) throw new Error(set.message);
    expect(set.keys[0]).toEqual({
      kid: decoded.key.kid,
      publicKey: decoded.key.publicKey,
      notBefore: NOW - 1000,
    });
    const verifier = createVerifier({ keys: set.keys, clock: { now: () => NOW } });
    expect(verifier.verify(issuer.issue({}).qr).ok).toBe(true);
  });

  it('a key set file is not an issuer key file, and the other way round', () => {
    expect(decodeIssuerKey(encodeKeySet([A]))).toMatchObject({
      ok: false,
      code: 'malformed',
      message: /type/,
    });
    expect(decodeKeySet(encodeIssuerKey(A))).toMatchObject({ ok: false, code: 'malformed', message: /type/ });
  });
});

describe('createIssuer checks its key', () => {
  it("refuses a kid that is not its key's, and a public key that is not its secret's (ERR_KEY)", () => {
    expect(() => createIssuer({ secretKey: A.secretKey, kid: B.kid })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
    expect(() => createIssuer({ secretKey: A.secretKey, kid: 'a1b2c3d4' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
    expect(() => createIssuer({ ...A, publicKey: B.publicKey })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
    // A generated key with a swapped secret: kid and public key agree with each other, not with the secret.
    expect(() => createIssuer({ ...B, secretKey: A.secretKey })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
    expect(() => createIssuer({ secretKey: A.secretKey, kid: A.kid.toUpperCase() })).toThrow(RangeError);
    expect(() => createIssuer({ secretKey: A.secretKey, publicKey: 'x' as never })).toThrow(TypeError);
  });

  it("RevocationList.toBytes refuses a signer kid that is not its secret key's (ERR_KEY)", () => {
    const list = RevocationList.create({ kids: [B.kid] });
    expect(() => list.toBytes({ secretKey: A.secretKey, kid: B.kid })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
    const bytes = list.toBytes({ secretKey: A.secretKey, kid: A.kid });
    expect(RevocationList.fromBytes(bytes, { keys: [A] }).hasKid(B.kid)).toBe(true);
  });

  it('derives the kid when none is given', () => {
    expect(createIssuer({ secretKey: A.secretKey }).kid).toBe(A.kid);
    expect(createIssuer(A).verificationKey).toEqual({ kid: A.kid, publicKey: A.publicKey });
  });

  it('law: issue refuses outside the key window (terminals would say key_inactive) and signs inside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), (offset) => {
        const now = NOW + offset;
        const issuer = createIssuer({
          ...A,
          notBefore: NOW - 1000,
          notAfter: NOW + 1999,
          clock: { now: () => now },
        });
        const verifier = createVerifier({ keys: [issuer.verificationKey], clock: { now: () => now } });
        const issuedAt = Math.floor(now / 1000) * 1000;
        if (issuedAt < NOW - 1000 || issuedAt > NOW + 1999) {
          expect(() => issuer.issue({})).toThrow(expect.objectContaining({ code: 'ERR_KEY' }));
        } else {
          expect(verifier.verify(issuer.issue({}).qr).ok).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
    expect(() => createIssuer({ ...A, notBefore: 2, notAfter: 1 })).toThrow(RangeError);
    expect(() => createIssuer({ ...A, notBefore: '1' as never })).toThrow(TypeError);
  });
});
