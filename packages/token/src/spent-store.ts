import { assertId, assertNow } from './lib/assert-id.js';

/**
 * Remembers which tokens were redeemed, so each redeems once.
 *
 * Contract, shared by every implementation and tested by one suite:
 * - `checkAndAdd` is atomic: of any number of concurrent calls with one id,
 *   exactly one resolves `true`. Once it resolved `true`, the id is recorded
 *   (durably, for durable stores).
 * - `has` is true for a recorded id until it is pruned.
 * - `prune(now)` may forget ids whose `keepUntil` ≤ `now`. The verifier passes
 *   the token's expiry plus the clock skew as `keepUntil`: from then on the
 *   token fails as expired, so forgetting it is safe and memory stays bounded
 *   by the tokens alive at once.
 * - `keepUntil` and `now` come from the verifier's clock. A store that expires
 *   entries by another clock (Redis's) keeps each for `keepUntil − now` from
 *   the call, so a terminal clock that differs from the server's cannot make
 *   an entry vanish while the terminal still accepts the token.
 * - Failures reject (the verifier reports `store_unavailable`); they never
 *   resolve `true` for an id that was not recorded.
 *
 * @example
 * ```ts
 * import { createMemorySpentStore, type SpentStore } from '@tallystick/token';
 * const store: SpentStore = createMemorySpentStore();
 * const keepUntil = 2_000_000;
 * await store.checkAndAdd('00112233445566778899aabbccddeeff', keepUntil, 1_000); // true: newly spent
 * await store.checkAndAdd('00112233445566778899aabbccddeeff', keepUntil, 1_001); // false: already spent
 * ```
 */
export interface SpentStore {
  /**
   * Records `tokenId` unless present, to be kept at least until `keepUntil`
   * (epoch ms by the same clock as `now`); resolves true for the one call that recorded it.
   */
  checkAndAdd(tokenId: string, keepUntil: number, now: number): Promise<boolean>;
  /** Whether `tokenId` is recorded. */
  has(tokenId: string): Promise<boolean>;
  /** Forgets ids whose keepUntil ≤ `now` (epoch ms); resolves how many were forgotten. */
  prune(now: number): Promise<number>;
  /** Releases files or connections the store opened itself. */
  close(): Promise<void>;
}

/**
 * A spent store in process memory: atomic because JavaScript runs the check
 * and the insert without yielding. It forgets everything on restart, so use
 * it for tests, for one-shot scripts, or behind a durable store; terminals
 * want `@tallystick/token/spent-file`, and servers `@tallystick/token/spent-redis`.
 *
 * @example
 * ```ts
 * import { createMemorySpentStore } from '@tallystick/token';
 * const store = createMemorySpentStore();
 * await store.checkAndAdd('00112233445566778899aabbccddeeff', Date.now() + 60_000, Date.now()); // true
 * ```
 */
export function createMemorySpentStore(): SpentStore {
  const entries = new Map<string, number>();
  return {
    async checkAndAdd(tokenId, keepUntil) {
      assertId(tokenId);
      if (!Number.isFinite(keepUntil)) throw new RangeError('keepUntil must be epoch milliseconds');
      if (entries.has(tokenId)) return false;
      entries.set(tokenId, keepUntil);
      return true;
    },
    async has(tokenId) {
      return entries.has(tokenId);
    },
    async prune(now) {
      assertNow(now);
      let forgotten = 0;
      for (const [id, keepUntil] of entries) {
        if (keepUntil <= now) {
          entries.delete(id);
          forgotten++;
        }
      }
      return forgotten;
    },
    async close() {},
  };
}
