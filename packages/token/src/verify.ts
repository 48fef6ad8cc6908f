/**
 * @packageDocumentation
 * The verify-only entry point for terminals: decode and verify tokens and
 * presentations, spend them once, and nothing that signs. Kept under a 10 KB
 * min+gzip budget (noble included) so a POS web app or an edge function ships
 * only what verification needs. Issuing and key generation live in the main
 * entry, `@tallystick/token`.
 */

export { isNativeAvailable, type SignatureBackend, verifySignature } from './crypto/index.js';
export { type DecodeResult, decodeToken } from './decode.js';
export type { VerificationKey } from './keys.js';
export type { TokenInput } from './lib/input.js';
export type { RedeemResult, Redemption } from './redemption.js';
export type { VerifyCode, VerifyFailure, VerifyResult } from './result.js';
export type { SpentStore } from './spent-store.js';
export type { Token, TokenExtension } from './token.js';
export { createVerifier } from './verifier-lite.js';
export {
  type BatchItem,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from './verifier-options.js';
