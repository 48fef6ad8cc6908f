import type { Token } from './token.js';

/**
 * Why a token was refused. Stable: switch on these, never on messages.
 *
 * - `malformed`: not a v1 token (bad text, bad encoding, non-canonical bytes, too long).
 * - `unsupported_version`: a well-formed prefix of a version this library does not know.
 * - `unknown_key`: no key in the verifier's key set has this key id.
 * - `bad_signature`: the issuer signature does not verify.
 * - `revoked`: the key or the token id is on the revocation list.
 * - `key_inactive`: the token's issued-at lies outside its key's validity window.
 * - `not_yet_valid`: before not-before (or issued-at) minus the skew.
 * - `expired`: at or after expiry plus the skew.
 * - `wrong_audience`: the token names an audience this verifier is not.
 * - `binding_required`: the token is holder-bound and no presentation came with it.
 * - `bad_presentation`: the presentation is malformed, from another device, or its signature fails.
 * - `stale_presentation`: the presentation's time is outside the accepted window (a replayed screenshot).
 * - `already_spent`: the spent store has this token id (redeem and check only).
 * - `store_unavailable`: the spent store failed, so single use cannot be guaranteed (redeem and check only).
 *
 * @example
 * ```ts
 * import { createVerifier, type VerifyCode } from '@tallystick/token';
 * const result = createVerifier({ keys: [] }).verify('TS1:not-a-token');
 * const code: VerifyCode | undefined = result.ok ? undefined : result.code; // 'malformed'
 * ```
 */
export type VerifyCode =
  | 'malformed'
  | 'unsupported_version'
  | 'unknown_key'
  | 'bad_signature'
  | 'revoked'
  | 'key_inactive'
  | 'not_yet_valid'
  | 'expired'
  | 'wrong_audience'
  | 'binding_required'
  | 'bad_presentation'
  | 'stale_presentation'
  | 'already_spent'
  | 'store_unavailable';

/**
 * A refusal: a stable `code` and a human-readable `message` for logs.
 *
 * @example
 * ```ts
 * import { createVerifier, type VerifyFailure } from '@tallystick/token';
 * const result = createVerifier({ keys: [] }).verify('hello');
 * const failure: VerifyFailure | undefined = result.ok ? undefined : result; // { ok: false, code: 'malformed', message: … }
 * ```
 */
export interface VerifyFailure {
  readonly ok: false;
  readonly code: VerifyCode;
  readonly message: string;
}

/**
 * The outcome of `verifier.verify`: the token, or why not. Never thrown.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { VerifyResult } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey] });
 * const r: VerifyResult = verifier.verify(issuer.issue({ ttlMs: 60_000 }).qr);
 * console.log(r.ok ? `ok ${r.token.id}` : `refused: ${r.code}`);
 * ```
 */
export type VerifyResult = { readonly ok: true; readonly token: Token } | VerifyFailure;
