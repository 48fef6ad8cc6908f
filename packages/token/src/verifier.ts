import { verifyBatch } from './crypto/index.js';
import { buildVerifier } from './lib/build-verifier.js';
import type { Verifier, VerifierOptions } from './verifier-options.js';

export {
  type BatchItem,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from './verifier-options.js';

/**
 * Creates an offline verifier for a terminal. `verifyBatch` uses batch
 * verification (random linear combinations, one multi-scalar multiplication)
 * for backlogs; keys are prepared once per key
 * id, and `verify` is synchronous, never throws, and allocates little (a copy
 * of the input and the decoded token). `verify`, `verifyBatch`, `check` and
 * `redeem` never throw and never reject, whatever they are given.
 *
 * `redeem` and `check` need `spent`, the store that makes each token single
 * use; without one they refuse every token with `store_unavailable` (there is
 * no default store: a memory store would forget on restart). Pass
 * `createMemorySpentStore()` only where forgetting is what you mean.
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if a kid, a window or an audience is malformed, or a kid repeats.
 * @throws {TallystickError} `ERR_KEY` if a public key is not a canonical Ed25519 point of prime order
 * (small-order and mixed-order keys are refused, docs/spec/token-format.md §4).
 * @example
 * ```ts
 * import { createIssuer, createMemorySpentStore, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * const issuer = createIssuer(key);
 * // Name the store: a terminal opens a durable one (@tallystick/token/spent-file).
 * const verifier = createVerifier({ keys: [issuer.verificationKey], audience: 'store-7', spent: createMemorySpentStore() });
 * const { qr } = issuer.issue({ audience: 'store-7', amount: { amount: 500, currency: 'EUR' } });
 * const result = await verifier.redeem(qr);
 * if (result.ok) console.log('redeemed', result.redemption.amount);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return buildVerifier(options, verifyBatch);
}
