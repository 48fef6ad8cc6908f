import { TallystickError } from '../errors.js';
import { assertBytes, assertString } from '../lib/assert.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Encodes bytes as lower-case hexadecimal.
 *
 * @throws {TypeError} if `bytes` is not a Uint8Array.
 * @example
 * ```ts
 * import { encodeHex } from '@tallystick/core';
 * encodeHex(new Uint8Array([0, 255])); // '00ff'
 * ```
 */
export function encodeHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

/**
 * Decodes hexadecimal (either case) without throwing; `undefined` on an odd
 * length or a non-hex character.
 *
 * @example
 * ```ts
 * import { tryDecodeHex } from '@tallystick/core';
 * tryDecodeHex('00ff'); // Uint8Array [0, 255]
 * tryDecodeHex('0g'); // undefined
 * ```
 */
export function tryDecodeHex(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(text.charCodeAt(2 * i));
    const lo = nibble(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Decodes hexadecimal, throwing on invalid text.
 *
 * @throws {TypeError} if `text` is not a string.
 * @throws {TallystickError} `ERR_INVALID_ENCODING` on an odd length or a non-hex character.
 * @example
 * ```ts
 * import { decodeHex } from '@tallystick/core';
 * decodeHex('0102'); // Uint8Array [1, 2]
 * ```
 */
export function decodeHex(text: string): Uint8Array {
  assertString(text, 'text');
  const bytes = tryDecodeHex(text);
  if (!bytes) throw new TallystickError('ERR_INVALID_ENCODING', 'invalid hex text');
  return bytes;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
