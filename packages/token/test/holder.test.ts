import { encodeBase64url } from '@tallystick/core';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  createPresentation,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  generateHolderKey,
  holderBinding,
  type VerifyResult,
} from '../src/index.js';
import { HOLDER_KEY, NOW, OTHER_HOLDER_KEY, setup, VOUCHER } from './fixtures.js';

const code = (r: VerifyResult) => (r.ok ? 'ok' : r.code);

describe('holder binding', () => {
  it('a bound token needs a fresh presentation from the bound device', () => {
    const { issuer, verifier } = setup();
    const { qr, token } = issuer.issue(VOUCHER);
    expect(token.holder).toBe(holderBinding(HOLDER_KEY.publicKey));
    expect(code(verifier.verify(qr))).toBe('binding_required');
    const presented = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW });
    expect(code(verifier.verify(presented.qr))).toBe('ok');
    // The presentation may also travel beside the token, as bytes or base64url.
    expect(code(verifier.verify(qr, { presentation: presented.bytes }))).toBe('ok');
    expect(code(verifier.verify(qr, { presentation: encodeBase64url(presented.bytes) }))).toBe('ok');
    expect(code(verifier.verify(presented.qr, { presentation: presented.bytes }))).toBe('bad_presentation');
    expect(code(verifier.verify(qr, { presentation: new Uint8Array(10) }))).toBe('bad_presentation');
  });

  it('a presentation from another device is refused, even one signed correctly', () => {
    const { issuer, verifier } = setup();
    const { qr, bytes } = issuer.issue(VOUCHER);
    expect(() => createPresentation(qr, { secretKey: OTHER_HOLDER_KEY.secretKey })).toThrow(/another device/);
    // Forge the pairing by hand: another device's key and a valid signature over the same token id.
    const honest = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW }).bytes;
    const forged = honest.slice();
    forged.set(OTHER_HOLDER_KEY.publicKey, 1);
    expect(code(verifier.verify(bytes, { presentation: forged }))).toBe('bad_presentation');
    const tampered = honest.slice();
    tampered[40]! ^= 1;
    expect(code(verifier.verify(bytes, { presentation: tampered }))).toBe('bad_presentation');
  });

  it('a screenshot replayed after the window is refused (stale_presentation)', () => {
    const { issuer, verifier } = setup();
    const { qr } = issuer.issue(VOUCHER);
    const shot = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW }).qr;
    const limit = DEFAULT_PRESENTATION_WINDOW_MS + DEFAULT_CLOCK_SKEW_MS;
    expect(code(verifier.verify(shot, { now: NOW + limit }))).toBe('ok');
    expect(code(verifier.verify(shot, { now: NOW + limit + 1 }))).toBe('stale_presentation');
    // From the future by more than the skew: the device clock runs ahead.
    const later = NOW + 10 * 60_000;
    const ahead = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: later }).qr;
    expect(code(verifier.verify(ahead, { now: later - DEFAULT_CLOCK_SKEW_MS }))).toBe('ok');
    expect(code(verifier.verify(ahead, { now: later - DEFAULT_CLOCK_SKEW_MS - 1 }))).toBe(
      'stale_presentation',
    );
    const fresh = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW + limit + 1 }).qr;
    expect(code(verifier.verify(fresh, { now: NOW + limit + 1 }))).toBe('ok');
  });

  it('a verifier challenge binds the presentation to this terminal and moment', () => {
    const { issuer, verifier } = setup();
    const { qr } = issuer.issue(VOUCHER);
    const challenge = new Uint8Array([7, 7, 7, 7, 7, 7, 7, 7]);
    const answered = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW, challenge }).qr;
    expect(code(verifier.verify(answered, { challenge }))).toBe('ok');
    expect(code(verifier.verify(answered, { challenge: new Uint8Array(8) }))).toBe('bad_presentation');
    expect(code(verifier.verify(answered))).toBe('bad_presentation');
  });

  it('an unbound token ignores a presentation', () => {
    const { issuer, verifier } = setup();
    const { qr } = issuer.issue({ audience: 'store-7' });
    expect(() => createPresentation(qr, { secretKey: HOLDER_KEY.secretKey })).toThrow(/not bound/);
    expect(code(verifier.verify(qr, { presentation: new Uint8Array(101) }))).toBe('ok');
  });

  it('the presented QR (token + presentation) fits QR version 11 at ECC M', () => {
    const { issuer } = setup();
    const { qr } = issuer.issue(VOUCHER);
    const presented = createPresentation(qr, { secretKey: HOLDER_KEY.secretKey, now: NOW }).qr;
    expect(presented.length).toBe(336);
    expect(QRCode.create(presented, { errorCorrectionLevel: 'M' }).version).toBe(11);
  });

  it('device keys are fresh and binding is 16 bytes', () => {
    const a = generateHolderKey();
    const b = generateHolderKey();
    expect(holderBinding(a.publicKey)).not.toBe(holderBinding(b.publicKey));
    expect(holderBinding(a.publicKey)).toMatch(/^[0-9a-f]{32}$/);
    expect(() => holderBinding(new Uint8Array(31))).toThrow(RangeError);
  });
});
