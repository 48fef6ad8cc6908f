import { isRetryableStatus } from '@tallystick/core';
import { assertClaimOptions, assertResponse } from './lib/validate.js';
import type { IdempotencyKey, IdempotencyStore, StoredResponse } from './store.js';

/**
 * 24 hours, as Stripe keeps keys: long enough for a terminal offline overnight to retry.
 *
 * @example
 * ```ts
 * import { fingerprint, runIdempotent, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { DEFAULT_TTL_MS } from '@tallystick/replay';
 * await runIdempotent({
 *   store: createMemoryStore(),
 *   key: scopedKey('merchant-42', 'k-1'),
 *   fingerprint: fingerprint({ amount: 1250 }),
 *   ttlMs: 3 * DEFAULT_TTL_MS, // keep keys for three days instead of one
 *   handler: async () => ({ status: 201, headers: {}, body: 'ok' }),
 * });
 * ```
 */
export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A minute: far above a checkout handler's running time, short enough that a
 * crash frees the key soon.
 *
 * @example
 * ```ts
 * import { fingerprint, runIdempotent, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { DEFAULT_LEASE_MS } from '@tallystick/replay';
 * await runIdempotent({
 *   store: createMemoryStore(),
 *   key: scopedKey('merchant-42', 'k-1'),
 *   fingerprint: fingerprint({ amount: 1250 }),
 *   leaseMs: 5 * DEFAULT_LEASE_MS, // a handler that may take minutes
 *   handler: async () => ({ status: 201, headers: {}, body: 'ok' }),
 * });
 * ```
 */
export const DEFAULT_LEASE_MS = 60 * 1000;

// Refusals: the handler turned the request away before doing anything.
const REFUSED_STATUSES = new Set([400, 401, 403, 404, 405, 406, 411, 413, 414, 415, 431]);

/**
 * The `retry` class of core's `classifyHttpStatus` (the table the queue's
 * sender uses too): 408, 409, 425, 429 and every 5xx free the key instead of
 * being stored, so the client's retry runs the handler again. A handler must
 * therefore answer 5xx only when nothing took effect, and answer a partial
 * success with a 2xx naming each outcome. With {@link isRefusedResponse} it
 * makes the default policy, {@link isUnstoredResponse}:
 *
 * | status | stored? | the queue's sender |
 * |---|---|---|
 * | 2xx | stored, replayed | acked |
 * | 408, 409, 425, 429, 5xx | not stored, key freed | retries |
 * | refusals: 400, 401, 403, 404, 405, 406, 411, 413, 414, 415, 431 | not stored, key freed (a retry is refused again) | gives up (permanent) |
 * | 1xx, 3xx, other 4xx (402, 422, …) | stored, replayed | gives up (permanent) |
 *
 * @example
 * ```ts
 * import { isRetryableResponse } from '@tallystick/replay';
 * isRetryableResponse({ status: 503, headers: {}, body: '' }); // true
 * isRetryableResponse({ status: 500, headers: {}, body: '' }); // true: a 5xx is never final
 * isRetryableResponse({ status: 402, headers: {}, body: 'declined' }); // false
 * ```
 */
export function isRetryableResponse(response: StoredResponse): boolean {
  return isRetryableStatus(response.status);
}

/**
 * Tells whether a response is a refusal: the handler turned the request away
 * before doing anything (400 malformed, 401/403 not allowed, 404/405 no such
 * thing, 406/411/413/414/415/431 unacceptable framing). The default policy
 * frees the key for these instead of keeping them for the TTL: storing them
 * would cost nothing to send and a day to forget, so a client could fill the
 * store with junk keys. A retry simply gets refused again. Business answers
 * (402 declined, 409, 422 rejected) are not refusals and are stored.
 *
 * @example
 * ```ts
 * import { isRefusedResponse } from '@tallystick/replay';
 * isRefusedResponse({ status: 400, headers: {}, body: '' }); // true
 * isRefusedResponse({ status: 422, headers: {}, body: 'rejected' }); // false
 * ```
 */
export function isRefusedResponse(response: StoredResponse): boolean {
  return REFUSED_STATUSES.has(response.status);
}

/**
 * The default `isRetryable` policy of {@link runIdempotent}: free the key for
 * retryable statuses ({@link isRetryableResponse}) and refusals
 * ({@link isRefusedResponse}); store everything else for the TTL.
 *
 * @example
 * ```ts
 * import { isUnstoredResponse } from '@tallystick/replay';
 * isUnstoredResponse({ status: 401, headers: {}, body: '' }); // true
 * isUnstoredResponse({ status: 201, headers: {}, body: 'sold' }); // false
 * ```
 */
export function isUnstoredResponse(response: StoredResponse): boolean {
  return isRetryableResponse(response) || isRefusedResponse(response);
}

/**
 * Options for {@link runIdempotent}.
 *
 * @example
 * ```ts
 * import { fingerprint, scopedKey, type RunIdempotentOptions } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 *
 * const options: RunIdempotentOptions = {
 *   store: createMemoryStore(),
 *   key: scopedKey('merchant-42', 'order-1'),
 *   fingerprint: fingerprint({ amount: 1250 }),
 *   handler: () => ({ status: 201, headers: {}, body: 'sold' }),
 * };
 * ```
 */
export interface RunIdempotentOptions {
  readonly store: IdempotencyStore;
  readonly key: IdempotencyKey;
  /** From {@link fingerprint} or {@link fingerprintRequest}. */
  readonly fingerprint: string;
  /**
   * Does the work once. Return a response to finish (it is stored unless
   * `isRetryable` says otherwise); throw to report a retryable failure, which
   * frees the key and rethrows. Make the handler's effect commit atomically,
   * so a throw means nothing happened.
   */
  readonly handler: () => StoredResponse | Promise<StoredResponse>;
  /** Default {@link DEFAULT_LEASE_MS}. Must exceed the handler's running time. */
  readonly leaseMs?: number;
  /** Default {@link DEFAULT_TTL_MS}. */
  readonly ttlMs?: number;
  /** Which responses free the key instead of being stored. Default {@link isUnstoredResponse}. */
  readonly isRetryable?: (response: StoredResponse) => boolean;
}

/**
 * What {@link runIdempotent} did.
 *
 * - `executed`: the handler ran in this call. `disposition` says what became
 *   of its response: `stored` for replay, `released` (retryable: the key is
 *   free again), `lease_lost` (the handler outran its lease and another
 *   request took the key over) or `store_failed` (the store failed while
 *   saving; `storeError` holds why). The last two deserve an alert.
 * - `replayed`: an earlier call's stored response.
 * - `in_flight`: another call holds the key; retry after `retryAfterMs`.
 * - `mismatch`: the key was used with a different payload.
 * - `over_quota`: the key is new and its scope used up its quota; retry after `retryAfterMs`.
 *
 * @example
 * ```ts
 * import { fingerprint, runIdempotent, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import type { IdempotentOutcome } from '@tallystick/replay';
 * const outcome: IdempotentOutcome = await runIdempotent({
 *   store: createMemoryStore(),
 *   key: scopedKey('merchant-42', 'k-1'),
 *   fingerprint: fingerprint({ amount: 1250 }),
 *   handler: async () => ({ status: 201, headers: {}, body: 'ok' }),
 * });
 * const status =
 *   'response' in outcome ? outcome.response.status // 201 here
 *   : outcome.kind === 'mismatch' ? 422
 *   : outcome.kind === 'over_quota' ? 429
 *   : 409; // in_flight
 * ```
 */
export type IdempotentOutcome =
  | {
      readonly kind: 'executed';
      readonly response: StoredResponse;
      readonly disposition: 'stored' | 'released' | 'lease_lost' | 'store_failed';
      readonly storeError?: unknown;
    }
  | { readonly kind: 'replayed'; readonly response: StoredResponse }
  | { readonly kind: 'in_flight'; readonly retryAfterMs: number }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'over_quota'; readonly retryAfterMs: number };

/**
 * Runs `handler` at most once per key and fingerprint, however many times
 * and from however many processes it is called: claim the key, run, store
 * the response; later calls get the stored response back.
 *
 * @throws {TypeError | RangeError} if an option has the wrong type or range.
 * @throws {TallystickError} `ERR_SERVICE_UNAVAILABLE` or `ERR_STORE` if the store fails before the
 *   handler runs (it then has not run).
 * @throws whatever `handler` throws, after freeing the key.
 * @example
 * ```ts
 * import { fingerprint, runIdempotent, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 *
 * const store = createMemoryStore();
 * const sale = { amount: 1250, currency: 'EUR' };
 * const outcome = await runIdempotent({
 *   store,
 *   key: scopedKey('merchant-42', 'order-1'),
 *   fingerprint: fingerprint(sale),
 *   handler: async () => ({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }),
 * });
 * outcome.kind; // 'executed' the first time, 'replayed' after
 * ```
 */
export async function runIdempotent(options: RunIdempotentOptions): Promise<IdempotentOutcome> {
  const { store, key, fingerprint, handler } = options;
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  const claimOptions = {
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    ttlMs: options.ttlMs ?? DEFAULT_TTL_MS,
  };
  assertClaimOptions(claimOptions);
  const isRetryable = options.isRetryable ?? isUnstoredResponse;

  const claim = await store.claim(key, fingerprint, claimOptions);
  switch (claim.status) {
    case 'completed':
      return { kind: 'replayed', response: claim.response };
    case 'in_flight':
      return { kind: 'in_flight', retryAfterMs: claim.retryAfterMs };
    case 'mismatch':
      return { kind: 'mismatch' };
    case 'over_quota':
      return { kind: 'over_quota', retryAfterMs: claim.retryAfterMs };
  }

  let response: StoredResponse;
  try {
    response = await handler();
    assertResponse(response);
  } catch (error) {
    // Best effort: if the release itself fails, the lease still frees the key later.
    await store.release(key, claim.token).catch(() => undefined);
    throw error;
  }

  try {
    if (isRetryable(response)) {
      const released = await store.release(key, claim.token);
      return { kind: 'executed', response, disposition: released ? 'released' : 'lease_lost' };
    }
    const stored = await store.complete(key, claim.token, response, claimOptions.ttlMs);
    return { kind: 'executed', response, disposition: stored ? 'stored' : 'lease_lost' };
  } catch (storeError) {
    // The handler has taken effect, so its response still goes to the caller:
    // failing now would invite a retry that runs it a second time.
    return { kind: 'executed', response, disposition: 'store_failed', storeError };
  }
}
