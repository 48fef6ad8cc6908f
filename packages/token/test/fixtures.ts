/** Shared fixed keys and times: deterministic, so failures reproduce. */
import { createManualClock } from '@tallystick/core';
import { publicKeyFromSecret } from '../src/crypto/index.js';
import { createIssuer, createVerifier, kidFromPublicKey, type VerifierOptions } from '../src/index.js';

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

export function seed(byte: number): Uint8Array {
  return new Uint8Array(32).fill(byte);
}

export function keyFromSeed(byte: number) {
  const secretKey = seed(byte);
  const publicKey = publicKeyFromSecret(secretKey);
  return { secretKey, publicKey, kid: kidFromPublicKey(publicKey) };
}

export const ISSUER_KEY = keyFromSeed(0x11);
export const HOLDER_KEY = keyFromSeed(0x22);
export const OTHER_HOLDER_KEY = keyFromSeed(0x23);

export function setup(options: Partial<VerifierOptions> = {}) {
  const clock = createManualClock(NOW);
  const issuer = createIssuer({ secretKey: ISSUER_KEY.secretKey, kid: ISSUER_KEY.kid, clock });
  const verifier = createVerifier({ keys: [issuer.verificationKey], audience: 'store-7', clock, ...options });
  return { clock, issuer, verifier };
}

export const VOUCHER = {
  amount: { amount: 2500, currency: 'EUR' },
  audience: 'store-7',
  holderKey: HOLDER_KEY.publicKey,
  ttlMs: 15 * 60_000,
} as const;
