import { sha256 } from '@noble/hashes/sha2.js';
import { encodeHex } from '@tallystick/core';
import { generateKeyPair } from './crypto/index.js';
import { isBytes } from './lib/input.js';

/**
 * An issuer signing key. Keep `secretKey` (a 32-byte Ed25519 seed) on the
 * issuing server only; give terminals `{ kid, publicKey }` and the window
 * (`encodeKeySet`). Stored as a file by `encodeIssuerKey`.
 *
 * @example
 * ```ts
 * import { generateIssuerKey, type IssuerKey } from '@tallystick/token';
 * const key: IssuerKey = generateIssuerKey();
 * ```
 */
export interface IssuerKey {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** 8 lower-case hex digits (4 bytes on the wire): always {@link kidFromPublicKey} of `publicKey`. */
  readonly kid: string;
  /** Earliest issued-at (epoch ms, inclusive) this key may sign; unbounded when absent. */
  readonly notBefore?: number;
  /** Latest issued-at (epoch ms, inclusive) this key may sign; unbounded when absent. */
  readonly notAfter?: number;
}

/**
 * A public key in a verifier's key set, with its validity window. Rotation is
 * several entries at once: the verifier accepts a token when its issued-at
 * lies in its key's window, so tokens signed just before a key retires stay
 * valid until they expire, and a new key can be published before first use.
 *
 * @example
 * ```ts
 * import type { VerificationKey } from '@tallystick/token';
 * const entry: VerificationKey = { kid: '0a1b2c3d', publicKey: new Uint8Array(32), notAfter: Date.UTC(2027, 0, 1) };
 * ```
 */
export interface VerificationKey {
  /** 8 lower-case hex digits. */
  readonly kid: string;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Earliest issued-at (epoch ms, inclusive) this key may sign; unbounded when absent. */
  readonly notBefore?: number;
  /** Latest issued-at (epoch ms, inclusive) this key may sign; unbounded when absent. */
  readonly notAfter?: number;
}

/**
 * Creates a fresh Ed25519 issuer key from `crypto.getRandomValues`. Its key id
 * is derived from the public key ({@link kidFromPublicKey}), so a terminal can
 * recompute it and two keys rarely share one. Derived kids are the only kind:
 * `createIssuer` and the key file codecs refuse any other.
 *
 * @example
 * ```ts
 * import { createIssuer, generateIssuerKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * const issuer = createIssuer({ secretKey: key.secretKey, kid: key.kid });
 * ```
 */
export function generateIssuerKey(): IssuerKey {
  const { secretKey, publicKey } = generateKeyPair();
  return { secretKey, publicKey, kid: kidFromPublicKey(publicKey) };
}

/**
 * The default key id of a public key: the first 4 bytes of its SHA-256, as
 * 8 lower-case hex digits (the EU COVID certificate uses 8 bytes of the
 * certificate hash the same way).
 *
 * @throws {TypeError} if `publicKey` is not a Uint8Array.
 * @throws {RangeError} if `publicKey` is not 32 bytes.
 * @example
 * ```ts
 * import { generateIssuerKey, kidFromPublicKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * kidFromPublicKey(key.publicKey) === key.kid; // true
 * ```
 */
export function kidFromPublicKey(publicKey: Uint8Array): string {
  if (!isBytes(publicKey)) throw new TypeError('publicKey must be a Uint8Array');
  if (publicKey.length !== 32) throw new RangeError(`publicKey must be 32 bytes, got ${publicKey.length}`);
  return encodeHex(sha256(publicKey).subarray(0, 4));
}
