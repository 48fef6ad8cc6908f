/**
 * Size targets from issue 3, measured with the `qrcode` package (the version
 * it picks at ECC level M) beside a jose EdDSA JWT carrying the same claims.
 * Sizes are deterministic, so they are asserted exactly; the numbers are the
 * ones in docs/spec/token-format.md.
 */
import { encodeBase64url } from '@tallystick/core';
import { calculateJwkThumbprint, importJWK, SignJWT } from 'jose';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createPresentation } from '../src/index.js';
import { HOLDER_KEY, ISSUER_KEY, NOW, setup, VOUCHER } from './fixtures.js';

const qrVersion = (text: string) => QRCode.create(text, { errorCorrectionLevel: 'M' }).version;

describe('sizes', () => {
  it('a voucher (amount, currency, audience, expiry, holder binding) is 120 bytes and QR version 8', () => {
    const { issuer } = setup();
    const voucher = issuer.issue(VOUCHER);
    expect(voucher.bytes.length).toBe(120);
    expect(voucher.qr.length).toBe(184);
    expect(qrVersion(voucher.qr)).toBe(8);
    expect(voucher.url.length).toBe(160);
    expect(qrVersion(voucher.url)).toBe(9);
    const presented = createPresentation(voucher.qr, { secretKey: HOLDER_KEY.secretKey, now: NOW }).qr;
    expect(presented.length).toBe(336);
    expect(qrVersion(presented)).toBe(11);
  });

  it('smaller tokens: bare (id and expiry only) 92 bytes, v6; without holder binding 104 bytes, v7', () => {
    const { issuer } = setup();
    const bare = issuer.issue({ ttlMs: 15 * 60_000 });
    expect(bare.bytes.length).toBe(92);
    expect(qrVersion(bare.qr)).toBe(6);
    const { holderKey: _bound, ...unboundClaims } = VOUCHER;
    const unbound = issuer.issue(unboundClaims);
    expect(unbound.bytes.length).toBe(104);
    expect(qrVersion(unbound.qr)).toBe(7);
    const longest = issuer.issue({
      ...VOUCHER,
      audience: 'x'.repeat(32),
      notBefore: NOW + 60_000,
      data: new Uint8Array(64),
      amount: { amount: Number.MAX_SAFE_INTEGER, currency: 'EUR' },
    });
    expect(longest.bytes.length).toBe(217);
    expect(qrVersion(longest.qr)).toBe(10);
  });

  it('the same claims as a jose EdDSA JWT: 362 characters, QR version 14', async () => {
    const d = encodeBase64url(ISSUER_KEY.secretKey);
    const key = await importJWK(
      { kty: 'OKP', crv: 'Ed25519', d, x: encodeBase64url(ISSUER_KEY.publicKey) },
      'EdDSA',
    );
    const jkt = await calculateJwkThumbprint({
      kty: 'OKP',
      crv: 'Ed25519',
      x: encodeBase64url(HOLDER_KEY.publicKey),
    });
    const iat = NOW / 1000;
    const jwt = await new SignJWT({ amount: 2500, currency: 'EUR', cnf: { jkt } })
      .setProtectedHeader({ alg: 'EdDSA', kid: ISSUER_KEY.kid })
      .setAudience('store-7')
      .setIssuedAt(iat)
      .setExpirationTime(iat + 900)
      .setJti(encodeBase64url(new Uint8Array(16).fill(0xab)))
      .sign(key);
    expect(jwt.length).toBe(362);
    expect(qrVersion(jwt)).toBe(14);
  });
});
