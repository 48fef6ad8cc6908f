/**
 * The fixtures of bench/verify: one issuer key, a token-sized message and
 * its signature under every contender's key format, a voucher, backlogs for
 * the batch rows, device keys and holder presentations; every contender's
 * verdict is checked once before any timing.
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { createRequire } from 'node:module';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { createManualClock } from '@tallystick/core';
import {
  createIssuer,
  createPresentation,
  createVerifier,
  generateHolderKey,
  generateIssuerKey,
} from '@tallystick/token';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import sodium from 'libsodium-wrappers';
import * as ours from '../../../packages/token/src/crypto/index.js';

ed.hashes.sha512 = sha512;
/** sodium-native ships no types; the one function used here. */
const sodiumNative = createRequire(import.meta.url)('sodium-native') as {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
};
export const NOW = Date.UTC(2026, 0, 1, 12);
export const BATCH = 256;
/** A voucher with amount, currency, audience, expiry and holder binding is at most 120 bytes. */
const MESSAGE_BYTES = 120;
/** Distinct device keys cycled by the one-shot row, so every call meets a key it has not prepared. */
export const DEVICE_KEYS = 64;

export type Fixtures = Awaited<ReturnType<typeof verifyFixtures>>;

/** Builds every fixture and checks every contender's verdict on it once. */
export async function verifyFixtures() {
  // The token and its signed bytes: the message every contender verifies.
  const key = generateIssuerKey();
  const clock = createManualClock(NOW);
  const issuer = createIssuer({ ...key, clock });
  const claims = { amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7', ttlMs: 15 * 60_000 };
  const issued = issuer.issue(claims);
  const message = crypto.getRandomValues(new Uint8Array(MESSAGE_BYTES));
  const signature = ours.sign(message, key.secretKey);
  // A message one bit off: R decodes, the whole equation runs, and fails.
  const badMessage = message.slice();
  badMessage[10]! ^= 1;
  const { publicKey } = key;

  const keyObject = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]),
    format: 'der',
    type: 'spki',
  });
  const jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') };
  const cryptoKey = await crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
  const privateJwk = { ...jwk, d: Buffer.from(key.secretKey).toString('base64url') };
  const jwt = await new SignJWT({ amt: 2500, cur: 'EUR', cnf: { jkt: 'x'.repeat(43) } })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuedAt(NOW / 1000)
    .setNotBefore(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 900)
    .setAudience('store-7')
    .setIssuer(key.kid)
    .setJti(issued.id)
    .sign(await importJWK(privateJwk, 'EdDSA'));
  const joseKey = await importJWK(jwk, 'EdDSA');
  await sodium.ready;
  const sigAb = new Uint8Array(signature);
  const msgAb = new Uint8Array(message);
  const sigBuf = Buffer.from(signature);
  const msgBuf = Buffer.from(message);
  const pkBuf = Buffer.from(publicKey);

  const nobleKey = ours.prepareKey(publicKey, 'noble')!;
  const nativeKey = ours.prepareKey(publicKey, 'native')!;
  const verifiers = {
    noble: createVerifier({ keys: [issuer.verificationKey], audience: 'store-7', clock, backend: 'noble' }),
    native: createVerifier({ keys: [issuer.verificationKey], audience: 'store-7', clock, backend: 'native' }),
  };
  const backlog = Array.from({ length: BATCH }, () => {
    const msg = crypto.getRandomValues(new Uint8Array(message.length));
    return { key: nobleKey, signature: ours.sign(msg, key.secretKey), message: msg };
  });
  const nativeBacklog = backlog.map((item) => ({ ...item, key: nativeKey }));
  const tokens = Array.from({ length: BATCH }, () => issuer.issue(claims).bytes);
  const devices = Array.from({ length: DEVICE_KEYS }, () => {
    const kp = ours.generateKeyPair();
    return { publicKey: kp.publicKey, signature: ours.sign(message, kp.secretKey) };
  });
  // Holder-bound vouchers, each bound to its own device and shown with a presentation.
  const presented = Array.from({ length: DEVICE_KEYS }, () => {
    const device = generateHolderKey();
    const token = issuer.issue({ ...claims, holderKey: device.publicKey });
    return createPresentation(token.qr, { secretKey: device.secretKey, now: NOW }).qr;
  });

  // Every contender must say yes to the valid signature, and the reject paths no.
  const checks: [string, boolean][] = [
    ['noble', ed.verify(signature, message, publicKey)],
    ['curves', ed25519.verify(signature, message, publicKey)],
    ['node', nodeVerify(null, message, keyObject, signature)],
    ['webcrypto', await crypto.subtle.verify('Ed25519', cryptoKey, sigAb, msgAb)],
    ['jose', (await jwtVerify(jwt, joseKey, { currentDate: new Date(NOW) })).payload.amt === 2500],
    ['libsodium', sodium.crypto_sign_verify_detached(signature, message, publicKey)],
    ['sodium-native', sodiumNative.crypto_sign_verify_detached(sigBuf, msgBuf, pkBuf)],
    ['ours noble', ours.verifyPrepared(nobleKey, signature, message)],
    ['ours native', ours.verifyPrepared(nativeKey, signature, message)],
    ['ours reject', !ours.verifyPrepared(nobleKey, signature, badMessage)],
    ['batch', ours.verifyBatch(backlog).every(Boolean)],
    ['token noble', verifiers.noble.verify(issued.bytes).ok],
    ['token native', verifiers.native.verify(issued.bytes).ok],
    ['holder noble', verifiers.noble.verify(presented[0]!).ok],
    ['holder native', verifiers.native.verify(presented[0]!).ok],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([name]) => name);
  if (failed.length > 0) throw new Error(`verify bench: wrong verdict from ${failed.join(', ')}`);

  return {
    key,
    clock,
    issuer,
    claims,
    issued,
    message,
    signature,
    badMessage,
    publicKey,
    keyObject,
    cryptoKey,
    jwt,
    joseKey,
    sigAb,
    msgAb,
    sigBuf,
    msgBuf,
    pkBuf,
    nobleKey,
    nativeKey,
    verifiers,
    backlog,
    nativeBacklog,
    tokens,
    devices,
    presented,
    sodiumNative,
  };
}
