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
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { createMemorySpentStore, type RedeemResult } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey], spent: createMemorySpentStore() });
 * const { qr } = issuer.issue({ ttlMs: 60_000 });
 * const first: RedeemResult = await verifier.redeem(qr); // ok
 * const second: RedeemResult = await verifier.redeem(qr); // { ok: false, code: 'already_spent', ... }
 * ```
 */
export type RedeemResult =
  | { readonly ok: true; readonly token: Token; readonly redemption: Redemption }
  | VerifyFailure;
