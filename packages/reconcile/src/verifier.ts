import type { Money } from '@tallystick/core';

/**
 * One token to check, with the moment and place it was redeemed. Offline
 * redemptions are judged as of `at` (the redemption's HLC wall time), not as of
 * reconciliation: a voucher valid at 10:00 stays validly redeemed at 10:00 even
 * if the till only reports at 18:00, after the voucher expired. Passing the time
 * in is also what keeps reconciliation deterministic.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { fromTokenVerifier, type RedemptionCheck } from '@tallystick/reconcile';
 * const check: RedemptionCheck = { token: issuer.issue({ ttlMs: 60_000 }).qr, at: Date.now(), device: 'till-1' };
 * await fromTokenVerifier(createVerifier({ keys: [issuer.verificationKey] })).verifyBatch([check]); // [{ ok: true, token: … }]
 * ```
 */
export interface RedemptionCheck {
  readonly token: string;
  /** Epoch milliseconds at which the till redeemed the token. */
  readonly at: number;
  /** The till that redeemed it (the audience, for tokens bound to one). */
  readonly device: string;
}

/**
 * What a verified token says about itself: enough to key double spends and to
 * price suggestions.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { fromTokenVerifier, type VerifiedToken } from '@tallystick/reconcile';
 * const check = { token: issuer.issue({ amount: { amount: 1000, currency: 'EUR' } }).qr, at: Date.now(), device: 'till-1' };
 * const [verdict] = await fromTokenVerifier(createVerifier({ keys: [issuer.verificationKey] })).verifyBatch([check]);
 * const token: VerifiedToken | undefined = verdict?.ok ? verdict.token : undefined; // { id, keyId, amount: { amount: 1000, currency: 'EUR' } }
 * ```
 */
export interface VerifiedToken {
  /** The token id: a second redemption of the same id is a double spend. */
  readonly id: string;
  readonly keyId: string;
  readonly amount?: Money;
  readonly audience?: string;
  readonly holder?: string;
}

/**
 * The verdict on one token. Failure codes `unknown_key` and `revoked` (or
 * `revoked_key`) become those conflicts; any other code (bad signature,
 * expired at the time of redemption, malformed) becomes `invalid_token`.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import { fromTokenVerifier, type RedemptionVerdict } from '@tallystick/reconcile';
 * const verifier = fromTokenVerifier(createVerifier({ keys: [] })); // knows no key
 * const verdicts: readonly RedemptionVerdict[] = await verifier.verifyBatch([{ token: issuer.issue({}).qr, at: Date.now(), device: 'till-1' }]);
 * // [{ ok: false, code: 'unknown_key', message: … }]
 * ```
 */
export type RedemptionVerdict =
  | { readonly ok: true; readonly token: VerifiedToken }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Checks redeemed tokens in bulk. Inject one built on `@tallystick/token` (or
 * any other scheme); the engine depends on this shape only. It must answer
 * `checks.length` verdicts in the same order, and the same verdict for the same
 * check every time it is asked, so that reconciliation stays deterministic:
 * change the key set (a revocation) and you change what reconciliation says.
 *
 * @example
 * ```ts
 * import type { RedemptionVerifier } from '@tallystick/reconcile';
 *
 * // Any scheme fits; for @tallystick/token use fromTokenVerifier(createVerifier({ keys })).
 * const allowList = new Set(['T1.voucher-1']);
 * const verifier: RedemptionVerifier = {
 *   verifyBatch: (checks) =>
 *     checks.map((c) =>
 *       allowList.has(c.token)
 *         ? { ok: true, token: { id: c.token, keyId: 'allow-list' } }
 *         : { ok: false, code: 'unknown_key', message: 'not on the list' },
 *     ),
 * };
 * ```
 */
export interface RedemptionVerifier {
  verifyBatch(
    checks: readonly RedemptionCheck[],
  ): Promise<readonly RedemptionVerdict[]> | readonly RedemptionVerdict[];
}
