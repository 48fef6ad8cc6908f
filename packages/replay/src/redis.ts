import { type Clock, systemClock, TallystickError, toBackendError } from '@tallystick/core';
import { assertQuota, claimWithQuota, type QuotaBackend } from './lib/quota.js';
import { judge } from './lib/records.js';
import {
  COMPLETE,
  COUNT,
  inFlightValue,
  parseValue,
  RELEASE,
  type Script,
  TAKE_OVER,
} from './lib/redis-scripts.js';
import { markAbandonedClaim } from './lib/settle-retry.js';
import {
  assertClaimOptions,
  assertCompleteArgs,
  assertFingerprint,
  assertKey,
  assertToken,
  encodeResponse,
  newClaimToken,
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
 * The least a Redis client must offer; an `ioredis` `Redis` instance fits.
 * Give it an `'error'` listener: without one, Node treats the client's
 * connection errors as unhandled and a Redis restart takes the process down.
 * Cap `maxRetriesPerRequest` so a command fails fast during an outage (the
 * store then throws `ERR_SERVICE_UNAVAILABLE`) instead of queueing for long.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client: RedisClient = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
 * client.on('error', (error) => console.warn('redis:', error.message));
 * ```
 */
export interface RedisClient {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<string | null>;
  get(key: string): Promise<string | null>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/**
 * Options for {@link createRedisStore}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * const client = new Redis({ maxRetriesPerRequest: 1 }).on('error', (e) => console.warn('redis:', e.message));
 * const options: RedisStoreOptions = { client, prefix: 'shop:idem:', quota: { maxKeys: 1_000, windowMs: 60_000 } };
 * ```
 */
export interface RedisStoreOptions {
  readonly client: RedisClient;
  /** Prepended to every key (default `tallystick:idem:`). */
  readonly prefix?: string;
  /** Where time comes from; the system clock by default. Servers sharing Redis need clocks within a second or so. */
  readonly clock?: Clock;
  /**
   * Extra life Redis gives a record beyond its TTL (default 60 s). Expiry is
   * decided in code against `clock`; Redis's own expiry only collects the
   * garbage afterwards, and the margin keeps it from ever deciding first.
   */
  readonly gcGraceMs?: number;
  /** New keys per scope per window (default none), counted in Redis so every server shares the count. */
  readonly quota?: ScopeQuota;
}

/**
 * An idempotency store on Redis. A claim is `SET key value PX ttl NX`; when
 * the key exists, the record is judged in code against the injected clock,
 * and an expired record or a lapsed lease is taken over by a compare-and-set
 * Lua script. Completion and release are Lua scripts that act only for the
 * claim's owner token.
 *
 * @throws {TypeError} if `client` lacks `set`, `get`, `eval` or `evalsha`.
 * @throws {RangeError} if `gcGraceMs` is negative or not an integer, or a `quota` field is not a positive integer.
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisStore } from '@tallystick/replay/redis';
 * const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
 * client.on('error', (error) => console.warn('redis:', error.message)); // never crash on a dropped connection
 * const store = createRedisStore({ client, quota: { maxKeys: 1_000, windowMs: 60_000 } });
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): IdempotencyStore {
  const { client } = options;
  for (const method of ['set', 'get', 'eval', 'evalsha'] as const) {
    if (typeof client?.[method] !== 'function')
      throw new TypeError(`client must have a ${method}() method (an ioredis client)`);
  }
  const clock = options.clock ?? systemClock;
  const prefix = options.prefix ?? 'tallystick:idem:';
  if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
  const grace = options.gcGraceMs ?? 60_000;
  if (!Number.isSafeInteger(grace) || grace < 0)
    throw new RangeError(`gcGraceMs must be an integer ≥ 0, got ${grace}`);
  assertQuota(options.quota);
  // Length-prefixed so ('a:b', 'c') and ('a', 'b:c') never share a Redis key.
  const redisKey = (key: IdempotencyKey) => `${prefix}${key.scope.length}:${key.scope}:${key.key}`;

  async function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (cause) {
      // A dropped or refused connection is an outage (retry later), not a verdict on the request.
      throw toBackendError(cause, 'ERR_STORE', `redis idempotency store: ${what}`);
    }
  }

  function evaluate(what: string, script: Script, key: string, ...args: (string | number)[]) {
    return call(what, async () => {
      try {
        return await client.evalsha(script.sha, 1, key, ...args);
      } catch (error) {
        if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
        // First use on this server (or after SCRIPT FLUSH): send the source once; Redis caches it.
        return await client.eval(script.source, 1, key, ...args);
      }
    });
  }
  const run = async (what: string, script: Script, key: string, ...args: (string | number)[]) =>
    (await evaluate(what, script, key, ...args)) === 1;
  // 'q' never starts a record key (those start with the scope's length), so counters and records never meet.
  const counterKey = (scope: string, windowStart: number) =>
    `${prefix}q:${windowStart}:${scope.length}:${scope}`;
  const quota: QuotaBackend = {
    count: async (scope, windowStart, windowMs) =>
      Number(await evaluate('quota', COUNT, counterKey(scope, windowStart), windowMs + grace)),
    // Two plain reads, not one script: the counter and the record may live on different cluster slots.
    async peek(key, windowStart) {
      const used = Number((await call('quota', () => client.get(counterKey(key.scope, windowStart)))) ?? 0);
      if (used < (options.quota?.maxKeys ?? Number.POSITIVE_INFINITY)) return { used, held: false };
      return { used, held: (await call('quota', () => client.get(redisKey(key)))) !== null };
    },
  };

  async function claimOnce(
    key: IdempotencyKey,
    fingerprint: string,
    claimOptions: ClaimOptions,
  ): Promise<ClaimResult> {
    const k = redisKey(key);
    const px = claimOptions.ttlMs + grace;
    for (let attempt = 0; attempt < 8; attempt++) {
      const now = clock.now();
      const token = newClaimToken();
      const value = inFlightValue(token, fingerprint, now + claimOptions.leaseMs, now + claimOptions.ttlMs);
      const abandon = (error: unknown) => {
        throw markAbandonedClaim(error, token);
      };
      if ((await call('claim', () => client.set(k, value, 'PX', px, 'NX')).catch(abandon)) === 'OK')
        return { status: 'claimed', token };
      const current = await call('claim', () => client.get(k));
      if (current === null) continue; // released or collected between the two calls
      const record = parseValue(current);
      if (!record)
        throw new TallystickError(
          'ERR_STORE',
          `redis idempotency store: ${k} holds a value it did not write`,
        );
      const verdict = judge(record, fingerprint, now);
      if (!verdict.take) return verdict.result;
      if (await run('claim', TAKE_OVER, k, current, value, px).catch(abandon))
        return { status: 'claimed', token };
    }
    throw new TallystickError('ERR_STORE', 'redis idempotency store: claim kept racing; try again');
  }

  const store: IdempotencyStore = {
    async claim(key: IdempotencyKey, fingerprint: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      assertKey(key);
      assertFingerprint(fingerprint);
      assertClaimOptions(claimOptions);
      const now = clock.now();
      return claimWithQuota(options.quota, quota, store.release, key, now, () =>
        claimOnce(key, fingerprint, claimOptions),
      );
    },
    async complete(
      key: IdempotencyKey,
      token: string,
      response: StoredResponse,
      ttlMs: number,
    ): Promise<boolean> {
      assertCompleteArgs(key, token, response, ttlMs);
      const expiresAt = clock.now() + ttlMs;
      return run(
        'complete',
        COMPLETE,
        redisKey(key),
        token,
        expiresAt,
        encodeResponse(response),
        ttlMs + grace,
      );
    },
    async release(key: IdempotencyKey, token: string): Promise<boolean> {
      assertKey(key);
      assertToken(token);
      return run('release', RELEASE, redisKey(key), token);
    },
  };
  return store;
}
