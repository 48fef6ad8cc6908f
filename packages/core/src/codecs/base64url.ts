import { TallystickError } from '../errors.js';
import { assertBytes, assertString } from '../lib/assert.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// 255 marks a character outside the alphabet; one table lookup per character
// keeps decoding branch-light on the token hot path.
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as unpadded base64url (RFC 4648 §5), the form used in URLs and
 * deep links.
 *
 * @throws {TypeError} if `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * import { encodeBase64url } from '@tallystick/core';
 * encodeBase64url(new Uint8Array([251, 255])); // '-_8'
 * ```
 */
export function encodeBase64url(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Decodes unpadded base64url without throwing: returns `undefined` for any
 * character outside the alphabet, padding, an impossible length, or non-zero
 * trailing bits. Rejecting the trailing bits makes the encoding canonical: each
 * byte string has exactly one accepted text.
 *
 * @example
 * ```ts
 * import { tryDecodeBase64url } from '@tallystick/core';
 * tryDecodeBase64url('-_8'); // Uint8Array [251, 255]
 * tryDecodeBase64url('-_9'); // undefined (non-zero trailing bits)
 * ```
 */
export function tryDecodeBase64url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  const len = text.length;
  const rest = len & 3;
  if (rest === 1) return undefined;
  const out = new Uint8Array((len >> 2) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const n = sextets(text, i, 4);
    if (n < 0) return undefined;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const n = sextets(text, i, 2);
    if (n < 0 || (n & 0xf000) !== 0) return undefined;
    out[o] = n >> 16;
  } else if (rest === 3) {
    const n = sextets(text, i, 3);
    if (n < 0 || (n & 0xc0) !== 0) return undefined;
    out[o++] = n >> 16;
    out[o] = (n >> 8) & 255;
  }
  return out;
}

/**
 * Decodes unpadded base64url, throwing on invalid text.
 *
 * @throws {TypeError} if `text` is not a string.
 * @throws {TallystickError} `ERR_INVALID_ENCODING` if the text is not canonical base64url.
 * @example
 * ```ts
 * import { decodeBase64url } from '@tallystick/core';
 * decodeBase64url('AQID'); // Uint8Array [1, 2, 3]
 * ```
 */
export function decodeBase64url(text: string): Uint8Array {
  assertString(text, 'text');
  const bytes = tryDecodeBase64url(text);
  if (!bytes) throw new TallystickError('ERR_INVALID_ENCODING', 'invalid base64url text');
  return bytes;
}

/** Packs `count` characters (2..4) into a 24-bit value, left-aligned; -1 if any is invalid. */
function sextets(text: string, at: number, count: number): number {
  let n = 0;
  for (let k = 0; k < 4; k++) {
    let v = 0;
    if (k < count) {
      const c = text.charCodeAt(at + k);
      v = c < 128 ? DECODE[c]! : 255;
      if (v === 255) return -1;
    }
    n = (n << 6) | v;
  }
  return n;
}
