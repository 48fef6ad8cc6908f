import { type Clock, encodeBase45, encodeHex, systemClock, TallystickError } from '@tallystick/core';
import { generateKeyPair, publicKeyFromSecret, sign } from './crypto/index.js';
import { TEXT_PREFIX } from './format.js';
import { copyBytes, isBytes, readInput, TOKEN_START, type TokenInput } from './lib/input.js';
import { AT, SIZE } from './lib/layout.js';
import { parseToken } from './lib/parse.js';
import { assemblePresentation, holderHash, isChallenge, presentationMessage } from './lib/presentation.js';

/**
 * A customer device's key pair, kept on the device (ideally in its secure
 * storage). The issuer only ever sees the public key.
 *
 * @example
 * ```ts
 * import { generateHolderKey, type HolderKey } from '@tallystick/token';
 * const key: HolderKey = generateHolderKey();
 * ```
 */
export interface HolderKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/**
 * Creates a device key pair for holder binding, from `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * import { generateHolderKey } from '@tallystick/token';
 * const device = generateHolderKey();
 * // send device.publicKey to the issuer as claims.holderKey
 * ```
 */
export function generateHolderKey(): HolderKey {
  return generateKeyPair();
}

/**
 * The holder binding a token carries for a device public key: the first 16
 * bytes of SHA-512("tallystick/holder/v1" || publicKey), as 32 hex digits.
 *
 * @throws {TypeError} if `publicKey` is not a Uint8Array.
 * @throws {RangeError} if `publicKey` is not 32 bytes.
 * @example
 * ```ts
 * import { generateHolderKey, holderBinding } from '@tallystick/token';
 * holderBinding(generateHolderKey().publicKey).length; // 32
 * ```
 */
export function holderBinding(publicKey: Uint8Array): string {
  // A private copy through the intrinsics: no getter of the caller's array runs.
  const key = copyBytes(publicKey, 2 ** 31);
  if (!key) throw new TypeError('publicKey must be a Uint8Array');
  if (key.length !== SIZE.publicKey) throw new RangeError(`publicKey must be 32 bytes, got ${key.length}`);
  return encodeHex(holderHash(key));
}

/**
 * Options of {@link createPresentation}.
 *
 * @example
 * ```ts
 * import { createIssuer, createPresentation, generateHolderKey, generateIssuerKey, type PresentationOptions } from '@tallystick/token';
 * const device = generateHolderKey();
 * const { qr } = createIssuer(generateIssuerKey()).issue({ holderKey: device.publicKey });
 * const options: PresentationOptions = { secretKey: device.secretKey };
 * createPresentation(qr, options).qr; // 'TP1:…'
 * ```
 */
export interface PresentationOptions {
  /** The device's 32-byte secret key (the one whose public key the token is bound to). */
  readonly secretKey: Uint8Array;
  /** The presentation time, epoch ms; the clock's time by default. */
  readonly now?: number;
  readonly clock?: Clock;
  /** A challenge the terminal showed, when it uses challenges (0 to 64 bytes). */
  readonly challenge?: Uint8Array;
}

/**
 * A presentation: its 101 `bytes`, and `qr`, the text to show (`TP1:` +
 * base45 of token and presentation; QR version 11 at ECC M for a 120-byte
 * token).
 *
 * @example
 * ```ts
 * import { createIssuer, createPresentation, generateHolderKey, generateIssuerKey, type Presentation } from '@tallystick/token';
 * const device = generateHolderKey();
 * const issuer = createIssuer(generateIssuerKey());
 * const { qr } = issuer.issue({ audience: 'store-7', holderKey: device.publicKey });
 * const shown: Presentation = createPresentation(qr, { secretKey: device.secretKey });
 * shown.qr; // 'TP1:…', what the customer app renders
 * ```
 */
export interface Presentation {
  readonly bytes: Uint8Array;
  readonly qr: string;
}

/**
 * Signs a presentation on the customer's device: proof that the device
 * holding the bound key shows the token now. Regenerate it every few seconds
 * while the code is on screen; the verifier refuses one older than its window
 * (30 s plus skew by default), so a screenshot soon stops working.
 *
 * @throws {TypeError} if `secretKey` is not a Uint8Array.
 * @throws {RangeError} if `secretKey` is not 32 bytes, the challenge is longer than 64 bytes, or the time is
 * outside 1970-2106.
 * @throws {TallystickError} `ERR_TOKEN` if `token` is not a v1 token, is not holder-bound, or is bound to
 * another key.
 * @example
 * ```ts
 * import { createPresentation } from '@tallystick/token';
 * declare const tokenQr: string;
 * declare const device: { secretKey: Uint8Array };
 * const { qr } = createPresentation(tokenQr, { secretKey: device.secretKey });
 * ```
 */
export function createPresentation(token: TokenInput, options: PresentationOptions): Presentation {
  const { secretKey, challenge } = options;
  if (!isBytes(secretKey)) throw new TypeError('secretKey must be a Uint8Array');
  if (!isChallenge(challenge)) throw new RangeError('challenge must be a Uint8Array of at most 64 bytes');
  const raw = readInput(token);
  if (!raw.ok) throw new TallystickError('ERR_TOKEN', `not a token: ${raw.message}`);
  const parsed = parseToken(raw.buf, TOKEN_START);
  if (!parsed.ok) throw new TallystickError('ERR_TOKEN', `not a token: ${parsed.message}`);
  if (parsed.holderAt < 0) throw new TallystickError('ERR_TOKEN', 'token is not bound to a device');
  const publicKey = publicKeyFromSecret(secretKey);
  if (encodeHex(holderHash(publicKey)) !== parsed.token.holder) {
    throw new TallystickError('ERR_TOKEN', 'token is bound to another device key');
  }
  const nowMs = options.now ?? (options.clock ?? systemClock).now();
  const time = Math.floor(nowMs / 1000);
  if (!Number.isSafeInteger(time) || time < 0 || time > 0xffff_ffff)
    throw new RangeError('now must be from 1970 to 2106');
  const message = presentationMessage(raw.buf, TOKEN_START + AT.tokenId, time, challenge);
  const bytes = assemblePresentation(publicKey, time, sign(message, secretKey));
  const combined = new Uint8Array(parsed.token.bytes.length + bytes.length);
  combined.set(parsed.token.bytes, 0);
  combined.set(bytes, parsed.token.bytes.length);
  return { bytes, qr: TEXT_PREFIX.presented + encodeBase45(combined) };
}
