import { type Clock, systemClock, TallystickError } from '@tallystick/core';
import { assertQuota, claimWithQuota, memoryQuota } from './lib/quota.js';
import { type IdempotencyRecord, judge } from './lib/records.js';
import {
  assertClaimOptions,
  assertCompleteArgs,
  assertFingerprint,
  assertKey,
  assertToken,
  newClaimToken,
  normalizeResponse,
} from './lib/validate.js';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyKey,
  IdempotencyStore,
  ScopeQuota,
  StoredResponse,
} from './store.js';

/**
 * Options for {@link createMemoryStore}.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * const options: MemoryStoreOptions = {
 *   clock: createManualClock(0),
 *   maxEntries: 10_000,
 *   quota: { maxKeys: 1_000, windowMs: 60_000 },
 * };
 * ```
 */
export interface MemoryStoreOptions {
  /** Where time comes from; the system clock by default. */
  readonly clock?: Clock;
  /**
   * A ceiling on remembered keys (default 100,000). When reached, expired
   * records are swept first; if none are expired, a new claim fails rather
   * than forgetting a live key, which would let a retry run twice.
   */
  readonly maxEntries?: number;
  /** New keys per scope per window (default none). Keep `maxKeys` well under `maxEntries`, so one scope cannot fill it. */
  readonly quota?: ScopeQuota;
}

/**
 * An idempotency store that lives in one process: for tests, single-instance
 * servers and development. Records vanish with the process, so use the
 * Postgres or Redis store wherever two processes may see the same key.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { runIdempotent, scopedKey, fingerprint } from '@tallystick/replay';
 *
 * const store = createMemoryStore();
 * const outcome = await runIdempotent({
 *   store,
 *   key: scopedKey('merchant-42', 'order-1'),
 *   fingerprint: fingerprint({ amount: 1250 }),
 *   handler: async () => ({ status: 201, headers: {}, body: 'sold' }),
 * });
 * ```
 * @throws {RangeError} if `maxEntries` or a `quota` field is not a positive safe integer. The store's `claim` throws
 *   `TallystickError` `ERR_STORE` when `maxEntries` live keys are held.
 */
export function createMemoryStore(
  options: MemoryStoreOptions = {},
): IdempotencyStore & { readonly size: number } {
  const clock = options.clock ?? systemClock;
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }
  assertQuota(options.quota);
  // Keyed by a length-prefixed composite so ('a:b', 'c') and ('a', 'b:c') never meet.
  const records = new Map<string, IdempotencyRecord>();
  const id = (key: IdempotencyKey) => `${key.scope.length}:${key.scope}:${key.key}`;
  const quota = memoryQuota(maxEntries, (key) => records.has(id(key)));

  function sweep(now: number): void {
    for (const [k, record] of records) if (record.expiresAt <= now) records.delete(k);
  }

  // Every method does its work synchronously inside one call, so on a single
  // JavaScript thread each is atomic without a lock.
  function claimNow(
    key: IdempotencyKey,
    fingerprint: string,
    claimOptions: ClaimOptions,
    now: number,
  ): ClaimResult {
    const k = id(key);
    const verdict = judge(records.get(k), fingerprint, now);
    if (!verdict.take) return verdict.result;
    if (!records.has(k) && records.size >= maxEntries) {
      sweep(now);
      if (records.size >= maxEntries) {
        throw new TallystickError(
          'ERR_STORE',
          `the memory store already holds maxEntries (${maxEntries}) live keys`,
        );
      }
    }
    const token = newClaimToken();
    records.set(k, {
      state: 'in_flight',
      fingerprint,
      token,
      leaseUntil: now + claimOptions.leaseMs,
      expiresAt: now + claimOptions.ttlMs,
    });
    return { status: 'claimed', token };
  }

  const store = {
    get size() {
      return records.size;
    },
    async claim(key: IdempotencyKey, fingerprint: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      assertKey(key);
      assertFingerprint(fingerprint);
      assertClaimOptions(claimOptions);
      const now = clock.now();
      return claimWithQuota(options.quota, quota, store.release, key, now, async () =>
        claimNow(key, fingerprint, claimOptions, now),
      );
    },
    async complete(
      key: IdempotencyKey,
      token: string,
      response: StoredResponse,
      ttlMs: number,
    ): Promise<boolean> {
      assertCompleteArgs(key, token, response, ttlMs);
      const k = id(key);
      const record = records.get(k);
      if (record?.state !== 'in_flight' || record.token !== token) return false;
      records.set(k, {
        state: 'completed',
        fingerprint: record.fingerprint,
        response: normalizeResponse(response),
        expiresAt: clock.now() + ttlMs,
      });
      return true;
    },
    async release(key: IdempotencyKey, token: string): Promise<boolean> {
      assertKey(key);
      assertToken(token);
      const k = id(key);
      const record = records.get(k);
      if (record?.state !== 'in_flight' || record.token !== token) return false;
      records.delete(k);
      return true;
    },
  };
  return store;
}
