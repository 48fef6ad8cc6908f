import { v7 as uuidv7 } from 'uuid';
import { encodeBase64url } from './codecs/base64url.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A new UUIDv7: time-ordered, so intents sort roughly by creation, and random
 * enough (74 bits) to double as an idempotency key.
 *
 * @example
 * ```ts
 * import { newIntentId } from '@tallystick/core';
 * newIntentId(); // e.g. '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f'
 * ```
 */
export function newIntentId(): string {
  return uuidv7();
}

/**
 * Tells whether a string is a lower-case UUIDv7, the form {@link newIntentId} makes.
 *
 * @example
 * ```ts
 * import { isIntentId, newIntentId } from '@tallystick/core';
 * isIntentId(newIntentId()); // true
 * isIntentId('not-an-id'); // false
 * ```
 */
export function isIntentId(value: unknown): value is string {
  return typeof value === 'string' && UUID_V7.test(value);
}

/**
 * `byteLength` bytes from `crypto.getRandomValues`, the only randomness source
 * tallystick uses.
 *
 * @throws {RangeError} if `byteLength` is not an integer from 1 to 65536.
 * @example
 * ```ts
 * import { randomBytes } from '@tallystick/core';
 * randomBytes(16).length; // 16
 * ```
 */
export function randomBytes(byteLength: number): Uint8Array {
  if (!Number.isInteger(byteLength) || byteLength < 1 || byteLength > 65536) {
    throw new RangeError(`byteLength must be an integer from 1 to 65536, got ${byteLength}`);
  }
  return crypto.getRandomValues(new Uint8Array(byteLength));
}

/**
 * A new 128-bit random token id as raw bytes: unguessable, so a token id alone
 * reveals nothing and cannot be enumerated.
 *
 * @example
 * ```ts
 * import { newTokenId } from '@tallystick/core';
 * newTokenId().length; // 16
 * ```
 */
export function newTokenId(): Uint8Array {
  return randomBytes(16);
}

/**
 * A new 128-bit random id as 22 characters of base64url, for places that need text.
 *
 * @example
 * ```ts
 * import { newRandomId } from '@tallystick/core';
 * newRandomId().length; // 22
 * ```
 */
export function newRandomId(): string {
  return encodeBase64url(randomBytes(16));
}
