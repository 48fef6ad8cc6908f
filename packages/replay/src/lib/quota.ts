/**
 * Per-scope quotas on new keys, shared by every store. A store claims the key
 * as usual; only a successful claim is counted against its scope's window,
 * and a claim over the quota is released at once, so nothing is kept for it.
 * Counting after the claim (not before) is what lets replays, in-flight
 * answers and mismatches through whatever the quota says: a flooded scope's
 * own earlier keys still replay.
 */

import type { ClaimResult, IdempotencyKey, ScopeQuota } from '../store.js';
import { markAbandonedClaim } from './settle-retry.js';

/** Where a store keeps its quota counters. */
export interface QuotaBackend {
  /** Adds one to `scope`'s count for the window starting at `windowStart`; resolves the new count. */
  count(scope: string, windowStart: number, windowMs: number): Promise<number>;
  /**
   * Read-only: the scope's count in the window, and whether `key` has a record
   * at all (which a backend may skip, reporting false, while `used` is under the quota).
   */
  peek(key: IdempotencyKey, windowStart: number): Promise<{ used: number; held: boolean }>;
}

/** Checks a quota option; `undefined` means no quota. */
export function assertQuota(quota: ScopeQuota | undefined): void {
  if (quota === undefined) return;
  if (quota === null || typeof quota !== 'object') throw new TypeError('quota must be { maxKeys, windowMs }');
  for (const name of ['maxKeys', 'windowMs'] as const) {
    const value = quota[name];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new RangeError(`quota.${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Runs `claim` under `quota`. A scope already at its quota is refused a key
 * it holds no record of with one read and no write, so a flood costs the
 * backend nothing durable; otherwise the claim runs, a `claimed` result is
 * counted, and one over the quota (a race past the read) is released and
 * reported as `over_quota`.
 */
export async function claimWithQuota(
  quota: ScopeQuota | undefined,
  backend: QuotaBackend,
  release: (key: IdempotencyKey, token: string) => Promise<boolean>,
  key: IdempotencyKey,
  now: number,
  claim: () => Promise<ClaimResult>,
): Promise<ClaimResult> {
  if (quota === undefined) return claim();
  const windowStart = Math.floor(now / quota.windowMs) * quota.windowMs;
  const overQuota: ClaimResult = {
    status: 'over_quota',
    retryAfterMs: Math.max(1, windowStart + quota.windowMs - now),
  };
  const seen = await backend.peek(key, windowStart);
  if (seen.used >= quota.maxKeys && !seen.held) return overQuota;
  const result = await claim();
  if (result.status !== 'claimed') return result;
  let used: number;
  try {
    used = await backend.count(key.scope, windowStart, quota.windowMs);
  } catch (error) {
    // The claim must not outlive a failed count: free it now, or once the store is back.
    await release(key, result.token).catch(() => markAbandonedClaim(error, result.token));
    throw error;
  }
  if (used <= quota.maxKeys) return result;
  await release(key, result.token);
  return overQuota;
}

/**
 * In-process counters for the memory store. It keeps one entry per scope
 * seen in the current window and drops earlier windows as it goes, so its size
 * is bounded by the scopes active in one window, and by `maxScopes` beyond which
 * the oldest entries are forgotten (a forgotten scope starts from zero: the
 * store's own `maxEntries` cap still holds).
 */
export function memoryQuota(maxScopes: number, holds: (key: IdempotencyKey) => boolean): QuotaBackend {
  const counts = new Map<string, { windowStart: number; used: number }>();
  return {
    async peek(key, windowStart) {
      const entry = counts.get(key.scope);
      return { used: entry?.windowStart === windowStart ? entry.used : 0, held: holds(key) };
    },
    async count(scope, windowStart) {
      let entry = counts.get(scope);
      if (entry === undefined || entry.windowStart !== windowStart) {
        counts.delete(scope);
        if (counts.size >= maxScopes) {
          for (const [name, old] of counts) if (old.windowStart < windowStart) counts.delete(name);
          // Still full of live scopes: forget the oldest inserted.
          if (counts.size >= maxScopes) counts.delete(counts.keys().next().value as string);
        }
        entry = { windowStart, used: 0 };
        counts.set(scope, entry);
      }
      entry.used++;
      return entry.used;
    },
  };
}
