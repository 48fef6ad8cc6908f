/**
 * The constants of token format v1, as published in docs/spec/token-format.md.
 * A POS vendor reimplementing verification needs exactly these numbers.
 */

/**
 * The version byte of every v1 token; one algorithm (Ed25519) per version, so
 * no `alg` field exists to confuse.
 *
 * @example
 * ```ts
 * import { decodeToken, TOKEN_VERSION } from '@tallystick/token';
 * const result = decodeToken('TS1:...');
 * if (result.ok) console.log(result.token.version === TOKEN_VERSION); // true
 * ```
 */
export const TOKEN_VERSION = 1;

/**
 * Context strings prepended to every signed message. Each is unique and none is
 * a prefix of another, so a signature made for one purpose can never verify for
 * another (a presentation can never pass as a token, nor a revocation list).
 *
 * @example
 * ```ts
 * import { DOMAIN } from '@tallystick/token';
 * // Every signature covers a domain string first, so a token signature can never pass as a presentation's.
 * new TextEncoder().encode(DOMAIN.token); // the bytes of 'tallystick/token/v1'
 * ```
 */
export const DOMAIN = {
  token: 'tallystick/token/v1',
  presentation: 'tallystick/presentation/v1',
  holder: 'tallystick/holder/v1',
  revocation: 'tallystick/revocation/v1',
} as const;

/**
 * Text prefixes. Every character of base45 is a QR alphanumeric character, so
 * the prefix (not a separator) tells a lone token from a token followed by a
 * holder presentation.
 *
 * @example
 * ```ts
 * import { TEXT_PREFIX } from '@tallystick/token';
 * 'TS1:NCF...'.startsWith(TEXT_PREFIX.token); // true
 * ```
 */
export const TEXT_PREFIX = {
  token: 'TS1:',
  presented: 'TP1:',
} as const;

/**
 * Limits of the v1 format and of the inputs `decodeToken` and `verify` accept.
 * Anything longer is refused before any decoding work, which bounds the work
 * a hostile input can cause.
 *
 * @example
 * ```ts
 * import { createVerifier, LIMITS } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [] });
 * verifier.verify('TS1:'.padEnd(LIMITS.maxInputChars + 1, 'A')).ok; // false: 'malformed', refused unread
 * ```
 */
export const LIMITS = {
  /** Largest encoded token, signature included. */
  maxTokenBytes: 512,
  /** Longest text input (any form, presentation included); longer strings are refused unread. */
  maxInputChars: 1024,
  /** Earliest issued-at: 2020-01-01T00:00:00Z, in seconds. Earlier values are out of range. */
  minIssuedAtSeconds: 1_577_836_800,
  /** Latest expiry: the largest u32, 2106-02-07T06:28:15Z, in seconds. */
  maxExpirySeconds: 0xffff_ffff,
  /** Longest lifetime (expiry − issued-at): 400 days, in seconds. */
  maxLifetimeSeconds: 400 * 86_400,
  /** Audience: 1 to 32 bytes of visible ASCII (0x21–0x7e). */
  maxAudienceBytes: 32,
  /** Application data: 1 to 64 bytes. */
  maxDataBytes: 64,
  /** Extensions: 1 to 4 per token, each value 0 to 64 bytes. */
  maxExtensions: 4,
  maxExtensionBytes: 64,
  /** Verifier challenge bound into a presentation: 0 to 64 bytes. */
  maxChallengeBytes: 64,
} as const;
