import {
  type Clock,
  encodeHex,
  type Money,
  money,
  newTokenId,
  systemClock,
  TallystickError,
} from '@tallystick/core';
import { publicKeyFromSecret } from './crypto/index.js';
import { kidFromPublicKey, type VerificationKey } from './keys.js';
import { encodeBody, hexOf } from './lib/encode.js';
import { isBytes } from './lib/input.js';
import { SIZE } from './lib/layout.js';
import { holderHash } from './lib/presentation.js';
import { sealToken } from './lib/seal.js';
import type { Token, TokenExtension } from './token.js';

/**
 * Options of {@link createIssuer}.
 *
 * @example
 * ```ts
 * import { generateIssuerKey, type IssuerOptions } from '@tallystick/token';
 * const { secretKey, kid } = generateIssuerKey();
 * const options: IssuerOptions = { secretKey, kid, defaultTtlMs: 10 * 60_000 };
 * ```
 */
export interface IssuerOptions {
  /** The 32-byte Ed25519 seed. */
  readonly secretKey: Uint8Array;
  /**
   * Key id as published in the terminals' key set: {@link kidFromPublicKey} of
   * the secret key's public key, which is the default. Any other kid is refused.
   */
  readonly kid?: string;
  /** The public key, if the caller holds it (an `IssuerKey` does): checked against the secret key. */
  readonly publicKey?: Uint8Array;
  /** Earliest issued-at (epoch ms) this key may sign: `issue` refuses before it, as every terminal would. */
  readonly notBefore?: number;
  /** Latest issued-at (epoch ms) this key may sign: `issue` refuses after it, as every terminal would. */
  readonly notAfter?: number;
  /** Source of issued-at; defaults to the system clock. */
  readonly clock?: Clock;
  /** Lifetime when a claim names neither `ttlMs` nor `expiresAt`; 15 minutes by default. */
  readonly defaultTtlMs?: number;
  /** Prepended to the base64url form to make `url`, e.g. 'https://shop.example/t/'; '' by default. */
  readonly urlPrefix?: string;
}

/**
 * What a token says. Times are epoch ms; the wire keeps whole seconds, so
 * issued-at and expiry round down and not-before rounds up (never widening
 * the window).
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { TokenClaims } from '@tallystick/token';
 * const voucher: TokenClaims = { amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7', ttlMs: 15 * 60_000 };
 * issuer.issue(voucher).qr; // 'TS1:…'
 * ```
 */
export interface TokenClaims {
  /** Lifetime from issuance (at least 1 s, at most 400 days). Exclusive with `expiresAt`. */
  readonly ttlMs?: number;
  /** Absolute expiry, epoch ms. */
  readonly expiresAt?: number;
  /** Not valid before, epoch ms; must fall strictly between issuance and expiry. */
  readonly notBefore?: number;
  /** Value in integer minor units of an ISO 4217 currency; amount >= 0. */
  readonly amount?: Money;
  /** Terminal or terminal group allowed to redeem: 1 to 32 visible ASCII characters. */
  readonly audience?: string;
  /** The customer device's 32-byte Ed25519 public key; the token carries its 16-byte hash. */
  readonly holderKey?: Uint8Array;
  /** Application data, 1 to 64 bytes. */
  readonly data?: Uint8Array;
  /** Optional extension fields (even tags only: odd tags are mandatory and no v1 verifier knows one). */
  readonly extensions?: readonly TokenExtension[];
  /** A fixed 16-byte token id. Only for test vectors: ids must be random and never reused. */
  readonly id?: Uint8Array;
}

/**
 * An issued token in every form: `qr` (`TS1:` + base45, for QR alphanumeric
 * mode), `url` (the prefix + base64url, for links), the raw `bytes`, and the
 * decoded `token`. `id` is the spent-store key.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { IssuedToken } from '@tallystick/token';
 * const issued: IssuedToken = issuer.issue({ audience: 'store-7', ttlMs: 60_000 });
 * issued.qr; // the text to render as a QR code; issued.bytes is the binary token
 * ```
 */
export interface IssuedToken {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly qr: string;
  readonly url: string;
  readonly token: Token;
}

/**
 * Signs tokens with one key. See {@link createIssuer}.
 *
 * @example
 * ```ts
 * import { createIssuer, generateIssuerKey, type Issuer } from '@tallystick/token';
 * const issuer: Issuer = createIssuer(generateIssuerKey());
 * ```
 */
export interface Issuer {
  readonly kid: string;
  readonly publicKey: Uint8Array;
  /** The entry to publish in terminals' key sets, with the issuer's window (see `encodeKeySet`). */
  readonly verificationKey: VerificationKey;
  /**
   * Signs a new token.
   *
   * @throws {TypeError} for a claim of the wrong type.
   * @throws {RangeError} for a claim out of range (see {@link TokenClaims}).
   * @throws {TallystickError} `ERR_MONEY_INVALID` or `ERR_CURRENCY_UNKNOWN` for a bad amount;
   * `ERR_KEY` when the clock is outside the key's window (terminals would refuse the token as `key_inactive`).
   */
  issue(claims?: TokenClaims): IssuedToken;
}

/**
 * Creates an issuer: the server side that signs vouchers, pre-paid orders and
 * claims. Each token gets a fresh 128-bit random id.
 *
 * @throws {TypeError} if `secretKey` or `publicKey` is not a Uint8Array, or `kid` not a string.
 * @throws {RangeError} if `secretKey` is not 32 bytes, or the window is not safe integers in order.
 * @throws {TallystickError} `ERR_KEY` if `kid` or `publicKey` is not the secret key's: tokens
 * under a kid that is not their key's fail on every terminal (`bad_signature`), or worse, name
 * another key.
 * @example
 * ```ts
 * import { createIssuer, generateIssuerKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * const issuer = createIssuer({ secretKey: key.secretKey, kid: key.kid });
 * const { qr } = issuer.issue({ amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7' });
 * ```
 */
export function createIssuer(options: IssuerOptions): Issuer {
  const { secretKey } = options;
  if (!isBytes(secretKey)) throw new TypeError('secretKey must be a Uint8Array');
  if (secretKey.length !== 32) throw new RangeError(`secretKey must be 32 bytes, got ${secretKey.length}`);
  const clock = options.clock ?? systemClock;
  const defaultTtlMs = options.defaultTtlMs ?? 15 * 60_000;
  const urlPrefix = options.urlPrefix ?? '';
  if (typeof urlPrefix !== 'string') throw new TypeError('urlPrefix must be a string');
  const key = secretKey.slice();
  const publicKey = publicKeyFromSecret(key);
  const kid = checkedKid(options, publicKey);
  const window = windowOf(options);

  function issue(claims: TokenClaims = {}): IssuedToken {
    const issuedAt = Math.floor(clock.now() / 1000) * 1000;
    if (issuedAt < (window.notBefore ?? -Infinity) || issuedAt > (window.notAfter ?? Infinity)) {
      throw new TallystickError(
        'ERR_KEY',
        `key ${kid} may sign from ${window.notBefore ?? '-'} to ${window.notAfter ?? '-'} (epoch ms), not at ${issuedAt}`,
      );
    }
    if (claims.ttlMs !== undefined && claims.expiresAt !== undefined) {
      throw new RangeError('give ttlMs or expiresAt, not both');
    }
    const expiresAt = claims.expiresAt ?? issuedAt + (claims.ttlMs ?? defaultTtlMs);
    if (typeof expiresAt !== 'number') throw new TypeError('expiresAt and ttlMs must be numbers');
    let amount: Money | undefined;
    if (claims.amount !== undefined) {
      amount = money(claims.amount.amount, claims.amount.currency);
      if (amount.amount < 0) throw new RangeError('amount.amount must be >= 0');
    }
    if (claims.holderKey !== undefined && (!isBytes(claims.holderKey) || claims.holderKey.length !== 32)) {
      throw new RangeError('holderKey must be a 32-byte Ed25519 public key');
    }
    if (claims.extensions?.some((e) => e.tag % 2 === 1)) {
      throw new RangeError('odd extension tags are mandatory and unknown to every v1 verifier');
    }
    if (claims.id !== undefined && (!isBytes(claims.id) || claims.id.length !== SIZE.tokenId)) {
      throw new RangeError('id must be 16 bytes');
    }
    const body = encodeBody({
      kid,
      id: encodeHex(claims.id ?? newTokenId()),
      issuedAt,
      expiresAt: Math.floor(expiresAt / 1000) * 1000,
      notBefore: claims.notBefore === undefined ? undefined : Math.ceil(claims.notBefore / 1000) * 1000,
      amount,
      audience: claims.audience,
      holder: claims.holderKey === undefined ? undefined : encodeHex(holderHash(claims.holderKey)),
      data: claims.data,
      extensions: claims.extensions ?? [],
    });
    return sealToken(body, key, urlPrefix);
  }

  return { kid, publicKey, verificationKey: { kid, publicKey: publicKey.slice(), ...window }, issue };
}

function checkedKid(options: IssuerOptions, publicKey: Uint8Array): string {
  const derived = kidFromPublicKey(publicKey);
  const given = options.publicKey;
  if (given !== undefined) {
    if (!isBytes(given)) throw new TypeError('publicKey must be a Uint8Array');
    if (given.length !== publicKey.length || given.some((b, i) => b !== publicKey[i])) {
      throw new TallystickError('ERR_KEY', 'publicKey is not the public key of secretKey');
    }
  }
  if (options.kid === undefined) return derived;
  hexOf(options.kid, SIZE.kid, 'kid');
  if (options.kid !== derived) {
    throw new TallystickError(
      'ERR_KEY',
      `kid "${options.kid}" is not this key's: its kid is "${derived}" (kidFromPublicKey)`,
    );
  }
  return derived;
}

function windowOf(options: IssuerOptions): { notBefore?: number; notAfter?: number } {
  const out: { notBefore?: number; notAfter?: number } = {};
  for (const name of ['notBefore', 'notAfter'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw new TypeError(`${name} must be epoch milliseconds`);
    if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer`);
    out[name] = value;
  }
  if (out.notBefore !== undefined && out.notAfter !== undefined && out.notBefore > out.notAfter) {
    throw new RangeError('notBefore is after notAfter');
  }
  return out;
}
