import { verifyPrepared } from './crypto/index.js';
import { type BatchCheck, buildVerifier } from './lib/build-verifier.js';
import type { Verifier, VerifierOptions } from './verifier-options.js';

// One by one: the same verdicts as the batch equation, without its code.
const verifyEach: BatchCheck = (items) => items.map((i) => verifyPrepared(i.key, i.signature, i.message));

/**
 * The terminal's verifier from the verify-only entry point
 * (`@tallystick/token/verify`). It is the verifier of `@tallystick/token` in
 * every respect but one: `verifyBatch` checks signatures one at a time, which
 * gives the same verdicts and keeps the multi-scalar batch code (about 1 KB
 * gzipped) out of a terminal's bundle. Servers verifying backlogs should use
 * `createVerifier` from `@tallystick/token`.
 *
 * @throws {TypeError} if an option has the wrong type.
 * @throws {RangeError} if a kid, a window or an audience is malformed, or a kid repeats.
 * @throws {TallystickError} `ERR_KEY` if a public key is not a canonical Ed25519 point of prime order.
 * @example
 * ```ts
 * import { createVerifier } from '@tallystick/token/verify';
 * import { generateIssuerKey } from '@tallystick/token';
 * const { kid, publicKey } = generateIssuerKey();
 * const verifier = createVerifier({ keys: [{ kid, publicKey }], audience: 'stall-a' });
 * verifier.verify('TS1:not-a-token').ok; // false
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return buildVerifier(options, verifyEach);
}
