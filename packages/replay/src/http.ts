import { isTallystickError, type JsonValue, MAX_INTENT_PAYLOAD_BYTES } from '@tallystick/core';
import { fingerprintRequest } from './fingerprint.js';
import { parseIdempotencyKeyHeader, scopedKey } from './key.js';
import { type ProblemKind, problemResponse } from './problem.js';
import { type IdempotentOutcome, runIdempotent } from './run.js';
import type { IdempotencyStore, StoredResponse } from './store.js';

/**
 * What the Node wrapper and the Hono middleware share. Each adds how to find
 * the scope (tenant or client) of a request.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options: IdempotencyHttpOptions = { store: createMemoryStore(), maxBodyBytes: 16_384 };
 * ```
 */
export interface IdempotencyHttpOptions {
  readonly store: IdempotencyStore;
  /** Answer 400 when the key is missing (default true); when false, keyless requests run unprotected. */
  readonly required?: boolean;
  /** Methods protected (default POST and PATCH, the non-idempotent ones); others pass straight through. */
  readonly methods?: readonly string[];
  /** Largest body read, in bytes (default 65,536, core's `MAX_INTENT_PAYLOAD_BYTES`). Larger gets 413. */
  readonly maxBodyBytes?: number;
  /** Body fields that define "the same request" (default: the whole body). */
  readonly fields?: readonly string[];
  /** Default 60 s. Must exceed the handler's running time. */
  readonly leaseMs?: number;
  /** Default 24 h. */
  readonly ttlMs?: number;
  /** Response headers stored and replayed (default content-type and location). */
  readonly replayHeaders?: readonly string[];
  /** Which returned responses free the key instead of being stored (default `isRetryableResponse`). */
  readonly isRetryable?: (response: StoredResponse) => boolean;
  /** Ceiling of the Retry-After sent with 409 (default 1 s): a hint, not the lease. */
  readonly retryAfterSeconds?: number;
}

/** Resolved options; internal to the wrappers but exported for them. */
export interface ResolvedHttpOptions extends IdempotencyHttpOptions {
  readonly required: boolean;
  readonly methods: readonly string[];
  readonly maxBodyBytes: number;
  readonly replayHeaders: readonly string[];
  readonly retryAfterSeconds: number;
}

/**
 * Checks and fills in {@link IdempotencyHttpOptions}. The wrappers call it once, at setup.
 *
 * @throws {TypeError} if `store` is not a store.
 * @throws {RangeError} if `maxBodyBytes` or `retryAfterSeconds` is not a positive integer.
 * @example
 * ```ts
 * import { resolveHttpOptions } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * resolveHttpOptions({ store: createMemoryStore() }).maxBodyBytes; // 65536
 * ```
 */
export function resolveHttpOptions(options: IdempotencyHttpOptions): ResolvedHttpOptions {
  const { store } = options;
  if (store === null || typeof store !== 'object' || typeof store.claim !== 'function') {
    throw new TypeError('store must be an IdempotencyStore');
  }
  const maxBodyBytes = options.maxBodyBytes ?? MAX_INTENT_PAYLOAD_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 1) {
    throw new RangeError(`retryAfterSeconds must be a positive integer, got ${retryAfterSeconds}`);
  }
  return {
    ...options,
    required: options.required ?? true,
    methods: (options.methods ?? ['POST', 'PATCH']).map((m) => m.toUpperCase()),
    maxBodyBytes,
    replayHeaders: (options.replayHeaders ?? ['content-type', 'location']).map((h) => h.toLowerCase()),
    retryAfterSeconds,
  };
}

/**
 * The first step for a request, before its body is read: pass it through
 * unprotected, refuse it, or protect it under `key`.
 *
 * @example
 * ```ts
 * import { admitRequest, resolveHttpOptions } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options = resolveHttpOptions({ store: createMemoryStore() });
 * admitRequest(options, 'POST', undefined); // { kind: 'refuse', response: 400 problem }
 * ```
 */
export function admitRequest(
  options: ResolvedHttpOptions,
  method: string,
  keyHeader: string | null | undefined,
): { kind: 'pass' } | { kind: 'refuse'; response: StoredResponse } | { kind: 'protect'; key: string } {
  if (!options.methods.includes(method.toUpperCase())) return { kind: 'pass' };
  const parsed = parseIdempotencyKeyHeader(keyHeader);
  if (parsed.ok) return { kind: 'protect', key: parsed.key };
  if (parsed.problem === 'missing') {
    if (!options.required) return { kind: 'pass' };
    return { kind: 'refuse', response: problemResponse('idempotency-key-missing', `${method} requires an Idempotency-Key header.`) };
  }
  const detail = `Idempotency-Key must be 1 to 255 visible ASCII characters, optionally as a quoted string (${parsed.problem.replace('_', ' ')}).`;
  return { kind: 'refuse', response: problemResponse('idempotency-key-invalid', detail) };
}

/**
 * Parses a request body as JSON: an empty body is `undefined`, anything that
 * is not JSON (or that canonical JSON cannot carry) is `invalid`.
 *
 * @example
 * ```ts
 * import { parseJsonBody } from '@tallystick/replay';
 * parseJsonBody(new TextEncoder().encode('{"a":1}')); // { ok: true, value: { a: 1 } }
 * ```
 */
export function parseJsonBody(bytes: Uint8Array): { ok: true; value: JsonValue | undefined } | { ok: false } {
  if (bytes.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as JsonValue };
  } catch {
    return { ok: false };
  }
}

/** Input to {@link serveIdempotent}, once the key is admitted and the body read. */
export interface IdempotentExchange {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly path: string;
  readonly scope: string;
  readonly key: string;
  /** The raw body, or `'too_large'` when it exceeded `maxBodyBytes`. */
  readonly body: Uint8Array | 'too_large';
}

/**
 * What {@link serveIdempotent} decided: `executed` means the handler ran in
 * this request and `response` is its full response (the framework may send
 * its own object instead); `answered` is a replay or a problem to send as is.
 *
 * @example
 * ```ts
 * const result: ServeResult = { kind: 'answered', response: { status: 409, headers: {}, body: '' } };
 * ```
 */
export type ServeResult =
  | { readonly kind: 'executed'; readonly response: StoredResponse }
  | { readonly kind: 'answered'; readonly response: StoredResponse };

/**
 * Runs a protected request: validates the body, fingerprints it, then runs
 * `run` at most once for the key and maps the outcome to HTTP. Bad input is
 * answered before the store is touched.
 *
 * @throws whatever `run` throws (after the key is freed), so each framework answers it its own way.
 * @throws {TallystickError} `ERR_IDEMPOTENCY_KEY_INVALID` if `scope` is not a valid scope.
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
  const key = scopedKey(exchange.scope, exchange.key);
  if (exchange.body === 'too_large') {
    return answer('body-too-large', `The body must be at most ${options.maxBodyBytes} bytes.`, { connection: 'close' });
  }
  const parsed = parseJsonBody(exchange.body);
  if (!parsed.ok) return answer('invalid-json', 'The body must be UTF-8 JSON.');
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
    if (!started && isTallystickError(error, 'ERR_STORE')) {
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

function toHttp(outcome: Exclude<IdempotentOutcome, { kind: 'executed' }>, options: ResolvedHttpOptions): StoredResponse {
  switch (outcome.kind) {
    case 'replayed':
      // Stripe's header name; lets clients and logs tell a replay from a first answer.
      return { ...outcome.response, headers: { ...outcome.response.headers, 'idempotent-replayed': 'true' } };
    case 'in_flight': {
      const seconds = Math.max(1, Math.min(options.retryAfterSeconds, Math.ceil(outcome.retryAfterMs / 1000)));
      return problemResponse('idempotency-key-in-flight', 'Retry after the first request finishes.', {
        'retry-after': String(seconds),
      });
    }
    case 'mismatch':
      return problemResponse('idempotency-key-reused', 'Use a new Idempotency-Key for a different request.');
  }
}
