import { sha256 } from '@noble/hashes/sha2.js';
import { assertId } from './lib/assert-id.js';

const DOMAIN = 'tallystick/redemption-id/v1';
const MAX_MS = 2 ** 48 - 1;
const encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The intent id of one terminal's redemption of one token: a lower-case
 * UUIDv7 (RFC 9562 §5.7), so every validator that accepts intent ids accepts
 * it, computed from stable inputs only, so a retry after a crash gets the same
 * id and the outbox and the server's idempotency store each keep one copy.
 *
 * Layout (part of the wire contract, docs/spec/redemption.md in the repository):
 * - `unix_ts_ms` (48 bits): the token's issued-at, epoch ms. Stable across
 *   retries (the redemption time is not) and keeps ids roughly time-ordered.
 * - `ver` = 7; `rand_a` (12 bits) and, after `var` = 0b10, `rand_b` (62 bits):
 *   the first 74 bits of SHA-256(`tallystick/redemption-id/v1` ‖ 0x00 ‖
 *   device ‖ 0x00 ‖ tokenId), strings in UTF-8.
 *
 * One terminal always gets one id for one token; two terminals redeeming one
 * token get different ids, so the server still sees a double spend. Two
 * distinct (device, token) pairs whose tokens were issued in the same
 * millisecond collide with probability 2^-74; a random UUIDv7 of another
 * intent the same.
 *
 * @throws {TypeError} if `device` or `tokenId` is not a string.
 * @throws {RangeError} if `device` is empty, longer than 128 characters,
 * holds a NUL or a lone surrogate, if `tokenId` is not 32 lower-case hex digits, or if `issuedAt`
 * is not an integer from 0 to 2^48 − 1.
 * @example
 * ```ts
 * import { redemptionIntentId } from '@tallystick/token';
 * redemptionIntentId('till-1', '00112233445566778899aabbccddeeff', 1_767_225_600_000);
 * // '019b7714-e000-7…' (the same string every time)
 * ```
 */
export function redemptionIntentId(device: string, tokenId: string, issuedAt: number): string {
  if (typeof device !== 'string') throw new TypeError('device must be a string');
  if (device.length === 0 || device.length > 128 || device.includes('\0')) {
    throw new RangeError('device must be 1 to 128 characters without NUL');
  }
  // UTF-8 encodes every lone surrogate as U+FFFD, so two such devices would share every id.
  if (LONE_SURROGATE.test(device))
    throw new RangeError('device must be well-formed Unicode (no lone surrogate)');
  assertId(tokenId);
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0 || issuedAt > MAX_MS) {
    throw new RangeError('issuedAt must be epoch milliseconds from 0 to 2^48 - 1');
  }
  const h = sha256(encoder.encode(`${DOMAIN}\0${device}\0${tokenId}`));
  const b = new Uint8Array(16);
  // 48-bit big-endian milliseconds: split, since bit operators work on 32 bits.
  const high = Math.floor(issuedAt / 2 ** 32);
  const low = issuedAt >>> 0;
  b[0] = high >>> 8;
  b[1] = high & 0xff;
  b[2] = low >>> 24;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = 0x70 | (h[0]! & 0x0f);
  b[7] = h[1]!;
  b[8] = 0x80 | (h[2]! & 0x3f);
  b.set(h.subarray(3, 10), 9);
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
