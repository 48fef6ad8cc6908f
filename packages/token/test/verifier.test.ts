import { createManualClock, encodeBase45 } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createIssuer,
  createVerifier,
  DEFAULT_CLOCK_SKEW_MS,
  generateIssuerKey,
  RevocationList,
  type VerifyResult,
} from '../src/index.js';
import { encodeBody } from '../src/lib/encode.js';
import { sealToken } from '../src/lib/seal.js';
import { ISSUER_KEY, keyFromSeed, NOW, setup } from './fixtures.js';

const code = (r: VerifyResult) => (r.ok ? 'ok' : r.code);

describe('verifier', () => {
  it('law: issue then verify succeeds, for any claims a shop can issue', () => {
    const { issuer, verifier } = setup();
    const claims = fc.record(
      {
        ttlMs: fc.integer({ min: 1000, max: 30 * 86_400_000 }),
        amount: fc.record({ amount: fc.maxSafeNat(), currency: fc.constantFrom('EUR', 'USD', 'JPY', 'KWD') }),
        audience: fc.constant('store-7'),
        data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(claims, (c) => {
        const issued = issuer.issue(c);
        for (const input of [issued.qr, issued.url, issued.bytes]) {
          const result = verifier.verify(input);
          expect(result.ok && result.token.id).toBe(issued.id);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('law: flipping any single bit of a token is rejected', () => {
    const { issuer, verifier } = setup();
    const { bytes } = issuer.issue({ amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7' });
    expect(verifier.verify(bytes).ok).toBe(true);
    // Exhaustive over all 120 × 8 single-bit flips, not sampled.
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = bytes.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      const result = verifier.verify(copy);
      expect(result.ok, `bit ${bit}`).toBe(false);
    }
  });

  it('law: replacing any byte by any other value is rejected (text forms too)', () => {
    const { issuer, verifier } = setup();
    const { bytes } = issuer.issue({ audience: 'store-7', data: new Uint8Array([1, 2, 3]) });
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const copy = bytes.slice();
        copy[at] = (copy[at]! + delta) & 255;
        expect(verifier.verify(copy).ok).toBe(false);
        expect(verifier.verify(`TS1:${encodeBase45(copy)}`).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('expiry edges: valid until exactly exp + skew, expired from then on', () => {
    const { issuer, verifier } = setup();
    const { qr, token } = issuer.issue({ ttlMs: 5 * 60_000 });
    const edge = token.expiresAt + DEFAULT_CLOCK_SKEW_MS;
    expect(code(verifier.verify(qr, { now: edge - 1 }))).toBe('ok');
    expect(code(verifier.verify(qr, { now: edge }))).toBe('expired');
    const strict = createVerifier({ keys: [ISSUER_KEY], clockSkewMs: 0 });
    expect(code(strict.verify(qr, { now: token.expiresAt - 1 }))).toBe('ok');
    expect(code(strict.verify(qr, { now: token.expiresAt }))).toBe('expired');
  });

  it('not-before and issued-at edges at exactly the skew boundary', () => {
    const { issuer, verifier } = setup();
    const nbf = NOW + 10 * 60_000;
    const { qr } = issuer.issue({ notBefore: nbf, ttlMs: 30 * 60_000 });
    expect(code(verifier.verify(qr, { now: nbf - DEFAULT_CLOCK_SKEW_MS - 1 }))).toBe('not_yet_valid');
    expect(code(verifier.verify(qr, { now: nbf - DEFAULT_CLOCK_SKEW_MS }))).toBe('ok');
    // Issued by a clock ahead of the terminal's by more than the skew.
    const plain = issuer.issue({}).qr;
    expect(code(verifier.verify(plain, { now: NOW - DEFAULT_CLOCK_SKEW_MS }))).toBe('ok');
    expect(code(verifier.verify(plain, { now: NOW - DEFAULT_CLOCK_SKEW_MS - 1 }))).toBe('not_yet_valid');
  });

  it('the injected clock decides when no now is given', () => {
    const { issuer, verifier, clock } = setup();
    const { qr } = issuer.issue({ ttlMs: 60_000 });
    expect(code(verifier.verify(qr))).toBe('ok');
    clock.advance(60_000 + DEFAULT_CLOCK_SKEW_MS);
    expect(code(verifier.verify(qr))).toBe('expired');
    expect(code(verifier.verify(qr, { now: NOW }))).toBe('ok');
  });

  it('audience binding: only the named terminal or group redeems', () => {
    const { issuer } = setup();
    const clock = createManualClock(NOW);
    const keys = [issuer.verificationKey];
    const forGroup = issuer.issue({ audience: 'group-north' }).qr;
    const open = issuer.issue({}).qr;
    expect(code(createVerifier({ keys, clock, audience: ['lane-1', 'group-north'] }).verify(forGroup))).toBe(
      'ok',
    );
    expect(code(createVerifier({ keys, clock, audience: 'lane-1' }).verify(forGroup))).toBe('wrong_audience');
    expect(code(createVerifier({ keys, clock }).verify(forGroup))).toBe('wrong_audience');
    expect(code(createVerifier({ keys, clock, audience: 'lane-1' }).verify(open))).toBe('ok');
  });

  it('unknown key, rotation windows and key revocation', () => {
    const clock = createManualClock(NOW);
    const oldKey = keyFromSeed(0x31);
    const newKey = keyFromSeed(0x32);
    const oldIssuer = createIssuer({ ...oldKey, clock });
    const newIssuer = createIssuer({ ...newKey, clock });
    const rotation = NOW + 3_600_000;
    const keys = [
      { kid: oldKey.kid, publicKey: oldKey.publicKey, notAfter: rotation },
      { kid: newKey.kid, publicKey: newKey.publicKey, notBefore: rotation },
    ];
    const verifier = createVerifier({ keys, clock });
    const beforeOld = oldIssuer.issue({ ttlMs: 2 * 3_600_000 }).qr;
    const beforeNew = newIssuer.issue({}).qr;
    expect(code(verifier.verify(beforeOld))).toBe('ok');
    expect(code(verifier.verify(beforeNew))).toBe('key_inactive');
    clock.advance(3_600_000 + 1000);
    // A token signed just before rotation stays valid until it expires.
    expect(code(verifier.verify(beforeOld))).toBe('ok');
    expect(code(verifier.verify(oldIssuer.issue({}).qr))).toBe('key_inactive');
    expect(code(verifier.verify(newIssuer.issue({}).qr))).toBe('ok');
    expect(code(verifier.verify(createIssuer(generateIssuerKey()).issue({}).qr))).toBe('unknown_key');
    verifier.updateRevocations(RevocationList.create({ kids: [oldKey.kid] }));
    expect(code(verifier.verify(beforeOld))).toBe('revoked');
    verifier.updateKeys([keys[1]!]);
    expect(code(verifier.verify(beforeOld))).toBe('unknown_key');
  });

  it('token-id revocation', () => {
    const { issuer, verifier } = setup();
    const a = issuer.issue({});
    const b = issuer.issue({});
    verifier.updateRevocations(RevocationList.create({ tokenIds: [a.id] }));
    expect(code(verifier.verify(a.qr))).toBe('revoked');
    expect(code(verifier.verify(b.qr))).toBe('ok');
  });

  it('a signature by the wrong key under a known kid is bad_signature', () => {
    const { verifier } = setup();
    // createIssuer refuses a kid that is not its key's, so the forgery is sealed by hand.
    const body = encodeBody({
      kid: ISSUER_KEY.kid,
      id: '44'.repeat(16),
      issuedAt: NOW,
      expiresAt: NOW + 900_000,
      notBefore: undefined,
      amount: undefined,
      audience: 'store-7',
      holder: undefined,
      data: undefined,
      extensions: [],
    });
    const forged = sealToken(body, keyFromSeed(0x44).secretKey, '');
    expect(code(verifier.verify(forged.qr, { now: NOW }))).toBe('bad_signature');
    expect(() => createIssuer({ secretKey: keyFromSeed(0x44).secretKey, kid: ISSUER_KEY.kid })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY' }),
    );
  });

  it('noble and native backends give the same verdicts', () => {
    const { issuer } = setup();
    const clock = createManualClock(NOW);
    const noble = createVerifier({ keys: [issuer.verificationKey], clock, backend: 'noble', audience: 'x' });
    const native = createVerifier({
      keys: [issuer.verificationKey],
      clock,
      backend: 'native',
      audience: 'x',
    });
    const { bytes } = issuer.issue({ audience: 'x' });
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.nat(255), (at, value) => {
        const copy = bytes.slice();
        copy[at] = value;
        expect(code(native.verify(copy))).toBe(code(noble.verify(copy)));
      }),
      { numRuns: 300 },
    );
  });

  it('verifyBatch gives the same verdict as verify for every item', () => {
    const { issuer, verifier } = setup();
    const inputs: (string | Uint8Array)[] = [];
    for (let i = 0; i < 40; i++) {
      const { bytes } = issuer.issue({
        audience: i % 5 === 0 ? 'elsewhere' : 'store-7',
        ttlMs: (i + 1) * 60_000,
      });
      const copy = bytes.slice();
      if (i % 3 === 0) copy[(i * 7) % copy.length]! ^= 1;
      inputs.push(i % 2 ? copy : encodeBase45(copy), copy);
    }
    inputs.push('junk', new Uint8Array(5));
    const now = NOW + 10 * 60_000;
    const batch = verifier.verifyBatch(inputs, { now });
    expect(batch.map(code)).toEqual(inputs.map((input) => code(verifier.verify(input, { now }))));
    expect(new Set(batch.map(code))).toEqual(
      new Set(['ok', 'expired', 'wrong_audience', 'bad_signature', 'malformed', 'unknown_key']),
    );
  });

  it('never throws, whatever it is given', () => {
    const { verifier } = setup();
    const odd: unknown[] = [
      null,
      undefined,
      42,
      {},
      [],
      Symbol('x'),
      new Uint16Array(4),
      new ArrayBuffer(8),
      () => 1,
    ];
    for (const input of odd) {
      expect(verifier.verify(input as string).ok).toBe(false);
      expect(verifier.verifyBatch([input as string])[0]!.ok).toBe(false);
    }
    const { issuer } = setup();
    const qr = issuer.issue({ audience: 'store-7' }).qr;
    for (const options of [{ now: Number.NaN }, { challenge: 'x' }, { presentation: 42 }, 'str', 7]) {
      expect(() => verifier.verify(qr, options as never)).not.toThrow();
    }
  });

  it('a failing spent store yields store_unavailable, never an exception or a false success', async () => {
    const broken = {
      checkAndAdd: () => Promise.reject(new Error('disk full')),
      has: () => Promise.reject(new Error('disk full')),
      prune: async () => 0,
      close: async () => {},
    };
    const { issuer, clock } = setup();
    const verifier = createVerifier({ keys: [issuer.verificationKey], clock, spent: broken });
    const { qr } = issuer.issue({});
    expect(await verifier.redeem(qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
    expect(await verifier.check(qr)).toMatchObject({ ok: false, code: 'store_unavailable' });
    expect(await verifier.redeem('junk')).toMatchObject({ ok: false, code: 'malformed' });
  });

  it('construction validates its options', () => {
    expect(() => createVerifier({ keys: [{ kid: 'XYZ', publicKey: new Uint8Array(32) }] })).toThrow(
      RangeError,
    );
    expect(() => createVerifier({ keys: [{ kid: '00000000', publicKey: new Uint8Array(32) }] })).toThrow(
      /not a valid Ed25519/,
    );
    expect(() => createVerifier({ keys: [ISSUER_KEY, ISSUER_KEY] })).toThrow(/twice/);
    expect(() => createVerifier({ keys: [], audience: 'two words' })).toThrow(RangeError);
    expect(() => createVerifier({ keys: [], clockSkewMs: -1 })).toThrow(RangeError);
  });
});
