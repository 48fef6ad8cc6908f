import type { StoredResponse } from './store.js';

/**
 * Every error the HTTP wrappers answer with, as an RFC 9457 problem type.
 * The `type` URI of each is `urn:tallystick:problem:<kind>`.
 *
 * | kind | status | when |
 * |---|---|---|
 * | `idempotency-key-missing` | 400 | the key is required and absent |
 * | `idempotency-key-invalid` | 400 | empty, over 255 characters, not visible ASCII, or a broken quoted string |
 * | `scope-invalid` | 400 | the scope the request maps to (tenant, device) is missing (not a string), empty, over 255 characters or holds a control character |
 * | `invalid-json` | 400 | the body is not UTF-8 JSON, holds a lone surrogate, or nests more than 63 levels deep |
 * | `unsupported-media-type` | 415 | a body was sent without a JSON Content-Type (`application/json` or `application/*+json`), or with a Content-Encoding other than identity |
 * | `body-too-large` | 413 | the body exceeds `maxBodyBytes` |
 * | `idempotency-key-in-flight` | 409 | the first request with the key is still running; see Retry-After |
 * | `idempotency-key-reused` | 422 | the key was first used with a different request |
 * | `idempotency-quota-exceeded` | 429 | the scope used up its quota of new keys; see Retry-After |
 * | `idempotency-store-unavailable` | 503 | the store failed; the handler did not run; see Retry-After |
 * | `service-unavailable` | 503 | a dependency of the handler is down; the key was freed; see Retry-After |
 * | `server-busy` | 503 | too many request bodies are being read at once; see Retry-After |
 * | `body-timeout` | 408 | the body did not arrive in time; nothing ran |
 * | `handler-failed` | 500 | the handler threw; the key was freed, so a retry runs it again |
 *
 * Every 4xx here is answered before the store is touched, so the corrected
 * request may reuse the key; 409, 503 and 500 are the statuses a sender
 * retries (core's `classifyHttpStatus`).
 *
 * @example
 * ```ts
 * import { type ProblemKind, problemResponse } from '@tallystick/replay';
 * const kind: ProblemKind = 'idempotency-key-reused';
 * problemResponse(kind, 'Send a new key for a new request.').status; // 422
 * ```
 */
export type ProblemKind =
  | 'idempotency-key-missing'
  | 'idempotency-key-invalid'
  | 'scope-invalid'
  | 'invalid-json'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'idempotency-key-in-flight'
  | 'idempotency-key-reused'
  | 'idempotency-quota-exceeded'
  | 'idempotency-store-unavailable'
  | 'service-unavailable'
  | 'server-busy'
  | 'body-timeout'
  | 'handler-failed';

const CATALOGUE: Record<ProblemKind, { status: number; title: string }> = {
  'idempotency-key-missing': { status: 400, title: 'Idempotency-Key header is missing' },
  'idempotency-key-invalid': { status: 400, title: 'Idempotency-Key header is invalid' },
  'scope-invalid': { status: 400, title: 'The request names an invalid scope (tenant or client)' },
  'invalid-json': { status: 400, title: 'Request body is not valid JSON' },
  'unsupported-media-type': { status: 415, title: 'Request body must be application/json' },
  'body-too-large': { status: 413, title: 'Request body is too large' },
  'idempotency-key-in-flight': {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency-Key was already used with a different request',
  },
  'idempotency-quota-exceeded': { status: 429, title: 'Too many new Idempotency-Keys for this client' },
  'idempotency-store-unavailable': { status: 503, title: 'Idempotency store is unavailable' },
  'service-unavailable': { status: 503, title: 'A service the request needs is unavailable' },
  'server-busy': { status: 503, title: 'The server is reading too many requests' },
  'body-timeout': { status: 408, title: 'The request body did not arrive in time' },
  'handler-failed': {
    status: 500,
    title: 'The request failed and can be retried with the same Idempotency-Key',
  },
};

/**
 * The body of a problem response (RFC 9457).
 *
 * @example
 * ```ts
 * import { type ProblemDetails, problemResponse } from '@tallystick/replay';
 * const response = problemResponse('idempotency-key-reused', 'Send a new key for a new request.');
 * const details = JSON.parse(response.body) as ProblemDetails;
 * details.type; // 'urn:tallystick:problem:idempotency-key-reused', with title, status 422 and detail
 * ```
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

/**
 * Builds an `application/problem+json` response for one of the problems the
 * HTTP wrappers raise. Useful to answer the same way from your own code.
 *
 * @example
 * ```ts
 * import { problemResponse } from '@tallystick/replay';
 * const response = problemResponse('idempotency-key-in-flight', 'Retry shortly.', { 'retry-after': '1' });
 * response.status; // 409
 * ```
 */
export function problemResponse(
  kind: ProblemKind,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): StoredResponse {
  const { status, title } = CATALOGUE[kind];
  const body: ProblemDetails = { type: `urn:tallystick:problem:${kind}`, title, status, detail };
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}
