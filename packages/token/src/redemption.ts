import type { VerifyFailure } from './result.js';
import type { Token } from './token.js';

/**
 * The intent type a redemption travels under in the reconciliation queue.
 *
 * @example
 * ```ts
 * import { REDEMPTION_INTENT_TYPE } from '@tallystick/token';
 * REDEMPTION_INTENT_TYPE; // 'token.redeemed'
 * ```
 */
export const REDEMPTION_INTENT_TYPE = 'token.redeemed';

/**
 * One redemption, as a plain JSON object ready to be an intent payload
 * (`{ type: REDEMPTION_INTENT_TYPE, partitionKey: tokenId, payload: redemption }`).
 * Terminals that were offline cannot stop a token being redeemed on two of
 * them; the server sees two records with one `tokenId` and flags the second.
 * `token` carries the signed bytes, so the server re-verifies instead of
 * trusting the terminal. Absent fields are omitted (canonical JSON has no
 * `undefined`).
 *
 * @example
 * ```ts
 * import type { Redemption } from '@tallystick/token';
 * const total = (rs: Redemption[]) => rs.reduce((sum, r) => sum + (r.amount ?? 0), 0);
 * ```
 */
export interface Redemption {
  readonly tokenId: string;
  readonly kid: string;
  /** Minor units, when the token carries a value. */
  readonly amount?: number;
  readonly currency?: string;
  /** The audience the token named. */
  readonly audience?: string;
  /** The terminal that redeemed it (the verifier's `terminal` option). */
  readonly terminal?: string;
  /** The holder binding (hex), when the token was device-bound. */
  readonly holder?: string;
  /** When the terminal redeemed it, epoch ms, by the terminal's clock. */
  readonly redeemedAt: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** The token's bytes, base64url. */
  readonly token: string;
}

/**
 * The outcome of `verifier.redeem`: the token and its redemption record, or
 * why not. Never thrown.
 *
 * @example
 * ```ts
 * import type { RedeemResult } from '@tallystick/token';
 * const recordOf = (r: RedeemResult) => (r.ok ? r.redemption : undefined);
 * ```
 */
export type RedeemResult =
  | { readonly ok: true; readonly token: Token; readonly redemption: Redemption }
  | VerifyFailure;
