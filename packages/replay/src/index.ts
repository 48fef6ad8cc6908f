/**
 * @packageDocumentation
 * Server-side idempotency for tallystick: run each request's effect once,
 * however often terminals replay it, on one server or many, with the
 * semantics of the IETF Idempotency-Key header draft. Stores live behind
 * subpaths: `./memory`, `./postgres`, `./redis`; HTTP integrations behind
 * `./node` and `./hono`.
 */
export type { ClaimOptions, ClaimResult, IdempotencyKey, IdempotencyStore, StoredResponse } from './store.js';
export {
  checkIdempotencyKey,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MAX_SCOPE_LENGTH,
  parseIdempotencyKeyHeader,
  scopedKey,
  type KeyProblem,
  type ParsedKey,
} from './key.js';
export { fingerprint, fingerprintRequest, type FingerprintOptions } from './fingerprint.js';
export {
  DEFAULT_LEASE_MS,
  DEFAULT_TTL_MS,
  isRetryableResponse,
  runIdempotent,
  type IdempotentOutcome,
  type RunIdempotentOptions,
} from './run.js';
export { problemResponse, type ProblemDetails, type ProblemKind } from './problem.js';
export {
  admitRequest,
  parseJsonBody,
  resolveHttpOptions,
  serveIdempotent,
  type IdempotencyHttpOptions,
  type IdempotentExchange,
  type ResolvedHttpOptions,
  type ServeResult,
} from './http.js';
