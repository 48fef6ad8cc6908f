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
 * of the input and the decoded token).
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if a kid, a window or an audience is malformed, or a kid repeats.
 * @throws {TallystickError} `ERR_KEY` if a public key is not a valid Ed25519 key.
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const key = generateIssuerKey();
 * const issuer = createIssuer(key);
 * const verifier = createVerifier({ keys: [issuer.verificationKey], audience: 'store-7' });
 * const { qr } = issuer.issue({ audience: 'store-7', amount: { amount: 500, currency: 'EUR' } });
 * const result = await verifier.redeem(qr);
 * if (result.ok) console.log('redeemed', result.redemption.amount);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return buildVerifier(options, verifyBatch);
}
