/**
 * Signing and key generation, for issuers and tests. These delegate to
 * @noble/ed25519, whose signing path is written to resist timing leaks of the
 * secret scalar; the fast verification code in this folder is variable-time
 * and must only ever see public data.
 */
import { getPublicKey, hashes, sign as nobleSign } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

function ensureHash(): void {
  // Set on first use rather than at import, so merely importing the verify
  // path stays free of side effects and tree-shakes.
  if (!hashes.sha512) hashes.sha512 = sha512;
}

export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** RFC 8032 signature of `message` under a 32-byte seed. */
export function signMessage(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  assertBytes(message, 'message');
  assertBytes(secretKey, 'secretKey', 32);
  ensureHash();
  return nobleSign(message, secretKey);
}

/** The public key of a 32-byte seed. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  assertBytes(secretKey, 'secretKey', 32);
  ensureHash();
  return getPublicKey(secretKey);
}
