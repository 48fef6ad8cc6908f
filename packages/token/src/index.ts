/**
 * @packageDocumentation
 * Single-use signed QR tokens for offline checkout: a compact, canonical,
 * versioned binary format signed with Ed25519 (one strict verification rule
 * on every backend), key rotation and revocation, holder and audience
 * binding, and spent stores for single use.
 * Format: docs/spec/token-format.md. Threat model: docs/security/threat-model.md.
 */
export { DOMAIN, LIMITS, TEXT_PREFIX, TOKEN_VERSION } from './format.js';
export type { Token, TokenExtension } from './token.js';
export type { VerifyCode, VerifyFailure, VerifyResult } from './result.js';
export type { TokenInput } from './lib/input.js';
export { decodeToken, type DecodeResult } from './decode.js';
export { generateIssuerKey, kidFromPublicKey, type IssuerKey, type VerificationKey } from './keys.js';
export {
  createIssuer,
  type IssuedToken,
  type Issuer,
  type IssuerOptions,
  type TokenClaims,
} from './issuer.js';
export {
  createVerifier,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type BatchItem,
  type Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from './verifier.js';
export {
  createPresentation,
  generateHolderKey,
  holderBinding,
  type HolderKey,
  type Presentation,
  type PresentationOptions,
} from './holder.js';
export { RevocationList } from './revocation.js';
export { createMemorySpentStore, type SpentStore } from './spent-store.js';
export { REDEMPTION_INTENT_TYPE, type RedeemResult, type Redemption } from './redemption.js';
export { verifySignature, isNativeAvailable, type SignatureBackend } from './crypto/index.js';
