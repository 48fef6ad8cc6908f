import type { Money } from '@tallystick/core';
import type { RedemptionVerdict, RedemptionVerifier } from './verifier.js';

/**
 * The part of an `@tallystick/token` verifier the adapter uses, stated
 * structurally so this package needs no dependency on the token package.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token';
 * import type { TokenBatchVerifier } from '@tallystick/reconcile';
 * const v: TokenBatchVerifier = createVerifier({ keys: [] });
 * ```
 */
export interface TokenBatchVerifier {
  verifyBatch(items: ReadonlyArray<{ readonly input: string; readonly now: number }>): ReadonlyArray<
    | {
        readonly ok: true;
        readonly token: {
          readonly id: string;
          readonly kid: string;
          readonly amount: Money | undefined;
          readonly audience: string | undefined;
          readonly holder: string | undefined;
        };
      }
    | { readonly ok: false; readonly code: string; readonly message: string }
  >;
}

/**
 * Adapts an `@tallystick/token` verifier (`createVerifier`) to the engine's
 * {@link RedemptionVerifier}: each token is checked, in one batch, as of the
 * moment the till redeemed it (its HLC wall time), so expiry is judged at the
 * redemption and not at reconciliation. Failure codes pass through (`unknown_key`,
 * `revoked`, `expired`, `bad_signature`, ...).
 *
 * @throws {TypeError} if `verifier` has no `verifyBatch` method.
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token';
 * import { createMemoryLedger, createReconciler, fromTokenVerifier } from '@tallystick/reconcile';
 * const verifier = fromTokenVerifier(createVerifier({ keys: [] }));
 * const reconciler = createReconciler({ ledger: createMemoryLedger(), verifier });
 * ```
 */
export function fromTokenVerifier(verifier: TokenBatchVerifier): RedemptionVerifier {
  if (typeof verifier?.verifyBatch !== 'function')
    throw new TypeError('verifier must have a verifyBatch method');
  return {
    verifyBatch(checks) {
      const results = verifier.verifyBatch(checks.map((c) => ({ input: c.token, now: c.at })));
      return results.map((r): RedemptionVerdict => {
        if (!r.ok) return { ok: false, code: r.code, message: r.message };
        const { id, kid, amount, audience, holder } = r.token;
        return {
          ok: true,
          token: {
            id,
            keyId: kid,
            ...(amount ? { amount } : {}),
            ...(audience !== undefined ? { audience } : {}),
            ...(holder !== undefined ? { holder } : {}),
          },
        };
      });
    },
  };
}
