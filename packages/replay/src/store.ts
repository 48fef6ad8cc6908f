/**
 * The storage contract every idempotency adapter implements. Adapters live
 * behind their own subpaths (`./memory`, `./postgres`, `./redis`) and all pass
 * one shared contract suite, so `runIdempotent` and the HTTP wrappers never
 * know which one they talk to.
 */

/**
 * A response as stored and replayed: the status, the headers worth replaying
 * and the body as text. A definitive error (a declined payment, a validation
 * failure) is stored exactly like a success.
 *
 * @example
 * ```ts
 * import { fingerprint, runIdempotent, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import type { StoredResponse } from '@tallystick/replay';
 * const response: StoredResponse = {
 *   status: 201,
 *   headers: { 'content-type': 'application/json' },
 *   body: '{"id":"sale-1"}',
 * };
 * await runIdempotent({ store: createMemoryStore(), key: scopedKey('m-1', 'k-1'), fingerprint: fingerprint({}), handler: () => response });
 * ```
 */
export interface StoredResponse {
  /** HTTP status code, 100 to 599. */
  readonly status: number;
  /** Header names in lower case. Only headers that make sense to replay belong here. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body: UTF-8 text, or base64url when `bodyEncoding` says so. */
  readonly body: string;
  /** Set to `'base64url'` for a body that is not valid UTF-8. */
  readonly bodyEncoding?: 'base64url';
}

/**
 * A composite idempotency key: the client's `Idempotency-Key` within a scope
 * (a tenant, merchant or API client). Two clients that happen to pick the
 * same key never see each other's responses. Build one with `scopedKey`.
 *
 * @example
 * ```ts
 * import { type IdempotencyKey, scopedKey } from '@tallystick/replay';
 * const key: IdempotencyKey = scopedKey('merchant-42', '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f');
 * // { scope: 'merchant-42', key: '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f' }
 * ```
 */
export interface IdempotencyKey {
  readonly scope: string;
  readonly key: string;
}

/**
 * How long a claim and its stored response live, in milliseconds.
 *
 * @example
 * ```ts
 * import { type ClaimOptions, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options: ClaimOptions = { leaseMs: 30_000, ttlMs: 24 * 60 * 60 * 1000 };
 * await createMemoryStore().claim(scopedKey('m-1', 'k-1'), 'ab12', options);
 * ```
 */
export interface ClaimOptions {
  /**
   * How long a claim stays exclusive. A process that crashes mid-request
   * leaves its claim behind; once the lease has passed, a retry with the
   * same payload may take it over. Must exceed the handler's running time.
   */
  readonly leaseMs: number;
  /** How long the key, and later its stored response, is remembered (from the claim, then from completion). */
  readonly ttlMs: number;
}

/**
 * A ceiling on new keys per scope: at most `maxKeys` successful claims per
 * scope in each fixed window of `windowMs`. Answers about keys already held
 * (replays, in flight, mismatches) never count; taking over a lapsed lease
 * counts like a new key. It keeps
 * one client, such as an anonymous one flooding junk keys, from filling the
 * store that every other client needs: over the quota its new keys get
 * `over_quota` (HTTP 429 with Retry-After) and nothing is stored.
 *
 * @example
 * ```ts
 * import type { ScopeQuota } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * // A till replaying a day offline sends a few hundred intents; 1,000 a minute leaves room.
 * const quota: ScopeQuota = { maxKeys: 1_000, windowMs: 60_000 };
 * const store = createMemoryStore({ quota }); // the 1,001st new key in a minute gets 429
 * ```
 */
export interface ScopeQuota {
  /** New keys one scope may claim per window; a positive integer. */
  readonly maxKeys: number;
  /** The window length in milliseconds; a positive integer. */
  readonly windowMs: number;
}

/**
 * What a claim found. Exactly one caller at a time holds `claimed` for a key.
 *
 * - `claimed`: run the handler, then `complete` or `release` with `token`.
 * - `in_flight`: another request holds a live lease; `retryAfterMs` is what remains of it.
 * - `completed`: the key already has a response; replay it.
 * - `mismatch`: the key was first used with a different fingerprint.
 * - `over_quota`: the key is new and its scope has used up its {@link ScopeQuota}
 *   for this window; nothing was stored. Retry after `retryAfterMs`.
 *
 * @example
 * ```ts
 * import { type ClaimResult, scopedKey } from '@tallystick/replay';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const result: ClaimResult = await createMemoryStore().claim(scopedKey('m-1', 'k-1'), 'ab12', { leaseMs: 30_000, ttlMs: 86_400_000 });
 * result.status; // 'claimed': run the handler, then complete(key, result.token, response, ttlMs)
 * ```
 */
export type ClaimResult =
  | { readonly status: 'claimed'; readonly token: string }
  | { readonly status: 'in_flight'; readonly retryAfterMs: number }
  | { readonly status: 'completed'; readonly response: StoredResponse }
  | { readonly status: 'mismatch' }
  | { readonly status: 'over_quota'; readonly retryAfterMs: number };

/**
 * Storage for idempotency records. Every method is atomic per key, and every
 * expiry (lease and TTL) is decided against the store's injected `Clock`, not
 * against a TTL the backend may or may not enforce on time.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { scopedKey } from '@tallystick/replay';
 *
 * const store: IdempotencyStore = createMemoryStore();
 * const key = scopedKey('merchant-42', 'order-1');
 * const claim = await store.claim(key, 'ab12…', { leaseMs: 30_000, ttlMs: 86_400_000 });
 * if (claim.status === 'claimed') {
 *   await store.complete(key, claim.token, { status: 201, headers: {}, body: 'ok' });
 * }
 * ```
 */
export interface IdempotencyStore {
  /**
   * Takes the key for `fingerprint` if it is free, expired, or held by a claim
   * whose lease has passed with the same fingerprint; otherwise reports why not.
   *
   * @throws {TallystickError} `ERR_SERVICE_UNAVAILABLE` if the backend cannot be reached or
   *   dropped the connection (retry later; nothing was claimed that the key's lease will not free),
   *   `ERR_STORE` if it fails otherwise.
   */
  claim(key: IdempotencyKey, fingerprint: string, options: ClaimOptions): Promise<ClaimResult>;
  /**
   * Stores the response for a claim still owned by `token`, kept for `ttlMs`
   * from now. Resolves false when the claim was lost (its lease passed and
   * another request took the key over), in which case nothing is written.
   *
   * @throws {TallystickError} `ERR_SERVICE_UNAVAILABLE` or `ERR_STORE` if the backend fails.
   */
  complete(key: IdempotencyKey, token: string, response: StoredResponse, ttlMs: number): Promise<boolean>;
  /**
   * Frees a claim still owned by `token` after a retryable failure, so the
   * next request with the key runs the handler. Resolves false when the claim
   * was already lost.
   *
   * @throws {TallystickError} `ERR_SERVICE_UNAVAILABLE` or `ERR_STORE` if the backend fails.
   */
  release(key: IdempotencyKey, token: string): Promise<boolean>;
}
