import type { Money } from '@tallystick/core';

/**
 * An extension field: a tag and opaque bytes, carried after the v1 fields.
 * Even tags are optional (a verifier that does not know them ignores them but
 * keeps them, so re-encoding gives the same bytes); odd tags are mandatory (a
 * verifier that does not know them refuses the token). v1 defines no tag.
 *
 * @example
 * ```ts
 * import type { TokenExtension } from '@tallystick/token';
 * const ext: TokenExtension = { tag: 2, value: new Uint8Array([1]) };
 * ```
 */
export interface TokenExtension {
  readonly tag: number;
  readonly value: Uint8Array;
}

/**
 * A decoded v1 token. Every property is always present (`undefined` when the
 * token lacks the field), so all tokens share one shape. Times are epoch
 * milliseconds (whole seconds on the wire). Decoding alone proves nothing:
 * only a token returned by a verifier has a checked signature.
 *
 * @example
 * ```ts
 * import { decodeToken } from '@tallystick/token';
 * const result = decodeToken('TS1:...');
 * if (result.ok) console.log(result.token.kid, result.token.expiresAt);
 * ```
 */
export interface Token {
  /** Format version; 1. */
  readonly version: 1;
  /** Key id: 4 bytes as 8 lower-case hex digits. */
  readonly kid: string;
  /** Token id: 16 random bytes as 32 lower-case hex digits; the spent-store key. */
  readonly id: string;
  /** Issued-at, epoch ms. */
  readonly issuedAt: number;
  /** Expiry, epoch ms (exclusive: the token is expired from this instant, plus skew). */
  readonly expiresAt: number;
  /** Not-before, epoch ms, when set. */
  readonly notBefore: number | undefined;
  /** Value in integer minor units, when set. */
  readonly amount: Money | undefined;
  /** The terminal or terminal group allowed to redeem it, when set. */
  readonly audience: string | undefined;
  /** Holder binding: 16-byte hash of the customer device public key, as 32 hex digits. */
  readonly holder: string | undefined;
  /** Application data (1 to 64 bytes), when set. */
  readonly data: Uint8Array | undefined;
  /** Extension fields, in ascending tag order; empty when none. */
  readonly extensions: readonly TokenExtension[];
  /** The whole canonical encoding, signature included. */
  readonly bytes: Uint8Array;
}
