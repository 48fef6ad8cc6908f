import { isTallystickError, type JsonValue } from '@tallystick/core';
import { fingerprintRequest } from './fingerprint.js';
import type { ResolvedHttpOptions } from './http-admit.js';
import { checkIdempotencyKey, scopedKey } from './key.js';
import { readJsonInput } from './lib/json-input.js';
import { type ProblemKind, problemResponse } from './problem.js';
import { type IdempotentOutcome, runIdempotent } from './run.js';
import type { StoredResponse } from './store.js';

/**
 * Input to {@link serveIdempotent}, once the key is admitted and the body read.
 *
 * @example
 * ```ts
 * const exchange: IdempotentExchange = {
 *   method: 'POST',
 *   path: '/sales',
 *   scope: 'merchant-42',
 *   key: 'order-1',
 *   body: new TextEncoder().encode('{"amount":1250}'),
 * };
 * ```
 */
export interface IdempotentExchange {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly path: string;
  readonly scope: string;
  readonly key: string;
  /** The raw body, or `'too_large'` when it exceeded `maxBodyBytes`. */
  readonly body: Uint8Array | 'too_large';
  /**
   * The Content-Type header, `null` when absent: a non-empty body must be
   * JSON (415 otherwise). Leave it out only if your framework checked it.
   */
  readonly contentType?: string | null;
  /** The Content-Encoding header, `null` when absent: a coding other than identity gets 415. */
  readonly contentEncoding?: string | null;
}

/**
 * What {@link serveIdempotent} decided: `executed` means the handler ran in
 * this request and `response` is its full response (the framework may send
 * its own object instead); `answered` is a replay or a problem to send as is.
 *
 * @example
 * ```ts
 * import { resolveHttpOptions, type ServeResult, serveIdempotent } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options = resolveHttpOptions({ store: createMemoryStore() });
 * const body = new TextEncoder().encode('{"amount":1250}');
 * const result: ServeResult = await serveIdempotent(options, { method: 'POST', path: '/sales', scope: 'm-1', key: 'k-1', body },
 *   async () => ({ status: 201, headers: {}, body: 'sold' }));
 * ```
 */
export type ServeResult =
  | { readonly kind: 'executed'; readonly response: StoredResponse }
  | { readonly kind: 'answered'; readonly response: StoredResponse };

/**
 * Runs a protected request: validates the scope and body, fingerprints it,
 * then runs `run` at most once for the key and maps the outcome to HTTP.
 * Bad input (an invalid scope, a body that is too large, not JSON, not sent
 * as JSON, nested too deep, or refused by `options.validate`) gets a 4xx
 * before the store is touched, so the corrected request can reuse the key.
 *
 * @throws whatever `run` throws (after the key is freed), so each framework answers it its own way.
 * @throws {RangeError} if `options.validate` returns a response that is not a 4xx.
 * @example
 * ```ts
 * import { resolveHttpOptions, serveIdempotent } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options = resolveHttpOptions({ store: createMemoryStore() });
 * const body = new TextEncoder().encode('{"amount":1250}');
 * const reply = await serveIdempotent(options, { method: 'POST', path: '/sales', scope: 'm-1', key: 'k-1', body },
 *   async () => ({ status: 201, headers: {}, body: 'sold' }));
 * ```
 */
export async function serveIdempotent(
  options: ResolvedHttpOptions,
  exchange: IdempotentExchange,
  run: (body: JsonValue | undefined) => Promise<StoredResponse>,
): Promise<ServeResult> {
  if (!checkIdempotencyKey(exchange.key).ok)
    return answer('idempotency-key-invalid', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
  // A scope function that found nothing in the request (a missing tenant header) is the client's to fix.
  if (typeof exchange.scope !== 'string') return answer('scope-invalid', 'The request names no scope.');
  let key: ReturnType<typeof scopedKey>;
  try {
    key = scopedKey(exchange.scope, exchange.key);
  } catch (error) {
    // The key is fine, so it is the scope, which comes from the request (a tenant or device header).
    if (isTallystickError(error, 'ERR_IDEMPOTENCY_KEY_INVALID'))
      return answer('scope-invalid', error.message);
    throw error;
  }
  const parsed = readJsonInput(
    exchange.body,
    exchange.contentType,
    options.maxBodyBytes,
    exchange.contentEncoding,
  );
  if (!parsed.ok) return { kind: 'answered', response: parsed.response };
  const refusal = options.validate?.(parsed.value);
  if (refusal !== undefined) {
    if (!(refusal.status >= 400 && refusal.status < 500)) {
      throw new RangeError(`validate must return a 4xx response or undefined, got status ${refusal.status}`);
    }
    return { kind: 'answered', response: refusal };
  }
  let fingerprint: string;
  try {
    fingerprint = fingerprintRequest(exchange.method, exchange.path, parsed.value, fieldsOption(options));
  } catch (error) {
    if (error instanceof TypeError) return answer('invalid-json', 'The body must be a JSON object.');
    if (isTallystickError(error, 'ERR_NOT_CANONICAL_JSON')) return answer('invalid-json', error.message);
    throw error;
  }

  let outcome: IdempotentOutcome;
  // The first caller gets every header the handler set; only replayHeaders are stored for retries.
  let full: StoredResponse | undefined;
  let started = false;
  try {
    outcome = await runIdempotent({
      store: options.store,
      key,
      fingerprint,
      handler: async () => {
        started = true;
        full = await run(parsed.value);
        return keepHeaders(full, options.replayHeaders);
      },
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.isRetryable === undefined ? {} : { isRetryable: options.isRetryable }),
    });
  } catch (error) {
    if (
      !started &&
      (isTallystickError(error, 'ERR_STORE') || isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE'))
    ) {
      return answer('idempotency-store-unavailable', 'The request did not run; retry it with the same key.', {
        'retry-after': String(options.retryAfterSeconds),
      });
    }
    throw error;
  }
  if (outcome.kind === 'executed') return { kind: 'executed', response: full ?? outcome.response };
  return { kind: 'answered', response: toHttp(outcome, options) };
}

function answer(kind: ProblemKind, detail: string, headers?: Record<string, string>): ServeResult {
  return { kind: 'answered', response: problemResponse(kind, detail, headers) };
}

function fieldsOption(options: ResolvedHttpOptions): { fields: readonly string[] } | undefined {
  return options.fields === undefined ? undefined : { fields: options.fields };
}

function keepHeaders(response: StoredResponse, names: readonly string[]): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (names.includes(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  return { ...response, headers };
}

function toHttp(
  outcome: Exclude<IdempotentOutcome, { kind: 'executed' }>,
  options: ResolvedHttpOptions,
): StoredResponse {
  switch (outcome.kind) {
    case 'replayed':
      // Stripe's header name; lets clients and logs tell a replay from a first answer.
      return { ...outcome.response, headers: { ...outcome.response.headers, 'idempotent-replayed': 'true' } };
    case 'in_flight': {
      const seconds = Math.max(
        1,
        Math.min(options.retryAfterSeconds, Math.ceil(outcome.retryAfterMs / 1000)),
      );
      return problemResponse('idempotency-key-in-flight', 'Retry after the first request finishes.', {
        'retry-after': String(seconds),
      });
    }
    case 'mismatch':
      return problemResponse('idempotency-key-reused', 'Use a new Idempotency-Key for a different request.');
    case 'over_quota':
      return problemResponse('idempotency-quota-exceeded', 'Nothing ran or was stored; retry later.', {
        'retry-after': String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))),
      });
  }
}
