/**
 * The first half of the HTTP flow the Node wrapper and the Hono middleware
 * share: options, and what to do with a request before its body is read.
 */
import { type JsonValue, MAX_INTENT_PAYLOAD_BYTES } from '@tallystick/core';
import { parseIdempotencyKeyHeader } from './key.js';
import { settleRetrying } from './lib/settle-retry.js';
import { problemResponse } from './problem.js';
import type { IdempotencyStore, StoredResponse } from './store.js';

/**
 * A payload at core's bound, plus its envelope: id, type, device and hlc are
 * bounded by the schema to well under 1 KiB, a partition key of 128
 * characters escapes to at most 768 bytes; 4 KiB leaves room for both.
 */
const DEFAULT_MAX_BODY_BYTES = MAX_INTENT_PAYLOAD_BYTES + 4096;

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
  /**
   * Largest body read, in bytes. Larger gets 413. Default 69,632: core's
   * `MAX_INTENT_PAYLOAD_BYTES` plus 4 KiB for the envelope around the payload,
   * so the largest intent a queue accepts is never refused here.
   */
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
  /**
   * Checks the parsed body of a protected request before the store is
   * touched: return a 4xx response (e.g. from `problemResponse`) to refuse
   * input that can never succeed, undefined to go on. A refusal stores
   * nothing, so the client may send the corrected request with the same key;
   * a refusal from the handler instead is stored like any 4xx answer.
   */
  readonly validate?: (body: JsonValue | undefined) => StoredResponse | undefined;
  /** Ceiling of the Retry-After sent with 409 (default 1 s): a hint, not the lease. */
  readonly retryAfterSeconds?: number;
}

/**
 * {@link IdempotencyHttpOptions} with every default filled in, as
 * {@link resolveHttpOptions} returns them. For integrations you write yourself.
 *
 * @example
 * ```ts
 * import { resolveHttpOptions } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const resolved: ResolvedHttpOptions = resolveHttpOptions({ store: createMemoryStore() });
 * resolved.methods; // ['POST', 'PATCH']
 * ```
 */
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
 * @throws {TypeError} if `store` is not a store, or `validate` is given and not a function.
 * @throws {RangeError} if `maxBodyBytes` or `retryAfterSeconds` is not a positive integer.
 * @example
 * ```ts
 * import { resolveHttpOptions } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * resolveHttpOptions({ store: createMemoryStore() }).maxBodyBytes; // 69632
 * ```
 */
export function resolveHttpOptions(options: IdempotencyHttpOptions): ResolvedHttpOptions {
  const { store } = options;
  if (store === null || typeof store !== 'object' || typeof store.claim !== 'function') {
    throw new TypeError('store must be an IdempotencyStore');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
  }
  if (options.validate !== undefined && typeof options.validate !== 'function') {
    throw new TypeError('validate must be a function of the body');
  }
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 1) {
    throw new RangeError(`retryAfterSeconds must be a positive integer, got ${retryAfterSeconds}`);
  }
  return {
    ...options,
    // A response the store failed to save, or a key it failed to free, is settled at the key's next claim.
    store: settleRetrying(store),
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
    return {
      kind: 'refuse',
      response: problemResponse('idempotency-key-missing', `${method} requires an Idempotency-Key header.`),
    };
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
    return {
      ok: true,
      value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as JsonValue,
    };
  } catch {
    return { ok: false };
  }
}
