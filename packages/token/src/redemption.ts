import type { Redemption } from '@tallystick/core';
import type { VerifyFailure } from './result.js';
import type { Token } from './token.js';

// The record and its intent type belong to the wire contract (`@tallystick/core/protocol`):
// this package produces them, `@tallystick/reconcile` consumes them.
export { REDEMPTION_INTENT_TYPE, type Redemption } from '@tallystick/core';

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
