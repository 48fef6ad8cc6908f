/**
 * @packageDocumentation
 * Single-use signed QR tokens for offline checkout: a compact, canonical,
 * versioned binary format signed with Ed25519 (one strict verification rule
 * on every backend), key rotation and revocation, holder and audience
 * binding, and spent stores for single use.
 * Format: docs/spec/token-format.md. Threat model: docs/security/threat-model.md.
 */

export { isNativeAvailable, type SignatureBackend, verifySignature } from './crypto/index.js';
export { type DecodeResult, decodeToken } from './decode.js';
export { DOMAIN, LIMITS, TEXT_PREFIX, TOKEN_VERSION } from './format.js';
export {
  createPresentation,
  generateHolderKey,
  type HolderKey,
  holderBinding,
  type Presentation,
  type PresentationOptions,
} from './holder.js';
export {
  createIssuer,
  type IssuedToken,
  type Issuer,
  type IssuerOptions,
  type TokenClaims,
} from './issuer.js';
export {
  decodeIssuerKey,
  decodeKeySet,
  encodeIssuerKey,
  encodeKeySet,
  ISSUER_KEY_TYPE,
  type IssuerKeyResult,
  KEY_SET_TYPE,
  type KeyFileCode,
  type KeyFileFailure,
  type KeySetResult,
} from './key-file.js';
export { generateIssuerKey, type IssuerKey, kidFromPublicKey, type VerificationKey } from './keys.js';
export type { TokenInput } from './lib/input.js';
export {
  openRedeemer,
  type RecoveryReport,
  type RedeemAndRecordResult,
  type Redeemer,
  type RedeemerOptions,
  type RedemptionOutbox,
} from './redeemer.js';
export { REDEMPTION_INTENT_TYPE, type RedeemResult, type Redemption } from './redemption.js';
export { redemptionIntentId } from './redemption-id.js';
export type { VerifyCode, VerifyFailure, VerifyResult } from './result.js';
export { RevocationList } from './revocation.js';
export { createMemorySpentStore, type SpentStore } from './spent-store.js';
export type { Token, TokenExtension } from './token.js';
export { createVerifier } from './verifier.js';
export {
  type BatchItem,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  type Verifier,
  type VerifierOptions,
  type VerifyOptions,
} from './verifier-options.js';
