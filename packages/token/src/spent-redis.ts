/**
 * @packageDocumentation
 * A Redis spent store, for many terminals online behind one server: they
 * share one record of spent tokens, so a token redeemed on one is refused on
 * every other. Any Redis from 2.6.12 on (SET ... PX ... NX).
 */
import { assertId } from './lib/assert-id.js';
import type { SpentStore } from './spent-store.js';

/**
 * The part of an ioredis client this store uses. Any client with these two
 * methods works; `ioredis` itself is an optional peer dependency.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import type { RedisLike } from '@tallystick/token/spent-redis';
 * // Fail fast during an outage (the verifier answers store_unavailable), and never crash on it.
 * const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
 * redis.on('error', (error) => console.warn('redis:', error.message));
 * const client: RedisLike = redis;
 * ```
 */
export interface RedisLike {
  set(key: string, value: string, token: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  exists(key: string): Promise<number>;
}

/**
 * Options of {@link createRedisSpentStore}.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRedisSpentStore, type RedisSpentStoreOptions } from '@tallystick/token/spent-redis';
 * const options: RedisSpentStoreOptions = { client: new Redis(), prefix: 'shop-1:spent:' };
 * const spent = createRedisSpentStore(options);
 * ```
 */
export interface RedisSpentStoreOptions {
  /** A connected client; the store never closes it (you own it). */
  readonly client: RedisLike;
  /** Key prefix; 'tallystick:spent:' by default. Give each issuer or environment its own. */
  readonly prefix?: string;
}

/**
 * A spent store in Redis. `checkAndAdd` is one `SET key 1 PX ttl NX`:
 * atomic on the server, so of concurrent redeems across all terminals one
 * wins. The ttl is `keepUntil − now` by the verifier's clock, not an absolute
 * time by Redis's, so a terminal whose clock lags the server's does not see
 * the entry vanish while it still accepts the token. Redis expires keys by
 * itself, so `prune` has nothing to do and resolves 0.
 *
 * Durability is Redis's: with the default snapshotting, a crash can lose the
 * last seconds of writes. Run it with `appendonly yes` and `appendfsync
 * always` (or accept the window) when it guards money.
 *
 * Give the client an `'error'` listener (without one a Redis restart ends the
 * process) and a small `maxRetriesPerRequest`: during an outage every redeem
 * then answers `store_unavailable` at once, and the same client recovers on
 * its own when Redis is back.
 *
 * @throws {TypeError} if `client` lacks `set`/`exists` or `prefix` is not a string.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createVerifier } from '@tallystick/token';
 * import { createRedisSpentStore } from '@tallystick/token/spent-redis';
 * const client = new Redis({ maxRetriesPerRequest: 1 }).on('error', (e) => console.warn('redis:', e.message));
 * const spent = createRedisSpentStore({ client, prefix: 'shop-1:spent:' });
 * const verifier = createVerifier({ keys: [], spent });
 * ```
 */
export function createRedisSpentStore(options: RedisSpentStoreOptions): SpentStore {
  const client = options?.client;
  if (typeof client?.set !== 'function' || typeof client.exists !== 'function') {
    throw new TypeError('client must be an ioredis client (or have set and exists)');
  }
  const prefix = options.prefix ?? 'tallystick:spent:';
  if (typeof prefix !== 'string') throw new TypeError('prefix must be a string');
  return {
    async checkAndAdd(tokenId, keepUntil, now) {
      assertId(tokenId);
      if (!Number.isFinite(keepUntil) || !Number.isFinite(now)) {
        throw new RangeError('keepUntil and now must be epoch milliseconds');
      }
      // PX needs a positive integer. The verifier never passes a keepUntil already
      // past: such a token has failed as expired before it gets here.
      const ttl = Math.max(Math.ceil(keepUntil - now), 1);
      return (await client.set(prefix + tokenId, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    async has(tokenId) {
      assertId(tokenId);
      return (await client.exists(prefix + tokenId)) === 1;
    },
    async prune() {
      return 0;
    },
    async close() {},
  };
}
