/**
 * @packageDocumentation
 * Server-side idempotency for tallystick: run each request's effect once,
 * however often terminals replay it, on one server or many, with the
 * semantics of the IETF Idempotency-Key header draft. Stores live behind
 * subpaths: `./memory`, `./postgres`, `./redis`; HTTP integrations behind
 * `./node` and `./hono`.
 */

export { type FingerprintOptions, fingerprint, fingerprintRequest } from './fingerprint.js';
export { type IdempotentExchange, type ServeResult, serveIdempotent } from './http.js';
export {
  admitRequest,
  type IdempotencyHttpOptions,
  parseJsonBody,
  type ResolvedHttpOptions,
  resolveHttpOptions,
} from './http-admit.js';
export {
  checkIdempotencyKey,
  type KeyProblem,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_SCOPE_LENGTH,
  type ParsedKey,
  parseIdempotencyKeyHeader,
  scopedKey,
} from './key.js';
export { type ProblemDetails, type ProblemKind, problemResponse } from './problem.js';
export {
  DEFAULT_LEASE_MS,
  DEFAULT_TTL_MS,
  type IdempotentOutcome,
  isRefusedResponse,
  isRetryableResponse,
  isUnstoredResponse,
  type RunIdempotentOptions,
  runIdempotent,
} from './run.js';
export type {
  ClaimOptions,
  ClaimResult,
  IdempotencyKey,
  IdempotencyStore,
  ScopeQuota,
  StoredResponse,
} from './store.js';
