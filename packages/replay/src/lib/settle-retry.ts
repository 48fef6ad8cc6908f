/**
 * Settles again what an outage kept from being settled. When the store fails
 * while a request is finishing (the handler ran, then `complete` or `release`
 * could not reach the backend), the key stays "in flight" until its lease
 * lapses, and every retry gets 409 for up to a minute after the store is
 * back. The HTTP wrappers therefore remember such a failed settlement, per
 * key and in this process, and perform it first when the key is claimed
 * again: a completed response is stored and replayed, a release frees the key.
 *
 * Only the claim's owner token can settle, so a late settlement never
 * touches a key another request has since taken over. A claim whose reply
 * was lost to the outage (it may have been written) is released the same way. The memory is bounded;
 * past it the oldest are forgotten, and their leases free them as before.
 */
import { isTallystickError } from '@tallystick/core';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyKey,
  IdempotencyStore,
  StoredResponse,
} from '../store.js';

type Pending =
  | { readonly kind: 'release'; readonly token: string }
  | {
      readonly kind: 'complete';
      readonly token: string;
      readonly response: StoredResponse;
      readonly ttlMs: number;
    };

/**
 * Marks an outage error thrown by a claim whose write may have reached the
 * backend before the connection dropped (the reply was lost): the claim, if
 * it happened, is owned by `token` and should be released once the store is back.
 */
export function markAbandonedClaim(error: unknown, token: string): unknown {
  if (isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE'))
    Object.defineProperty(error, 'abandonedClaimToken', { value: token, enumerable: false });
  return error;
}

function abandonedToken(error: unknown): string | undefined {
  const token = (error as { abandonedClaimToken?: unknown } | null)?.abandonedClaimToken;
  return typeof token === 'string' ? token : undefined;
}

/** Wraps `store` so failed completions and releases are retried at the key's next claim. */
export function settleRetrying(store: IdempotencyStore, maxPending = 10_000): IdempotencyStore {
  const pending = new Map<string, Pending>();
  const id = (key: IdempotencyKey) => `${key.scope.length}:${key.scope}:${key.key}`;

  function remember(key: IdempotencyKey, settlement: Pending): void {
    const k = id(key);
    pending.delete(k);
    if (pending.size >= maxPending) pending.delete(pending.keys().next().value as string);
    pending.set(k, settlement);
  }

  async function settle(key: IdempotencyKey, settlement: Pending): Promise<boolean> {
    return settlement.kind === 'release'
      ? store.release(key, settlement.token)
      : store.complete(key, settlement.token, settlement.response, settlement.ttlMs);
  }

  return {
    async claim(key: IdempotencyKey, fingerprint: string, options: ClaimOptions): Promise<ClaimResult> {
      const k = id(key);
      const owed = pending.get(k);
      if (owed !== undefined) {
        try {
          await settle(key, owed);
        } catch (error) {
          // Still down: the claim would fail the same way. Any other failure will not heal by
          // retrying, so the settlement is dropped and the lease frees the key as before.
          if (isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE')) throw error;
        }
        if (pending.get(k) === owed) pending.delete(k);
      }
      try {
        return await store.claim(key, fingerprint, options);
      } catch (error) {
        const token = abandonedToken(error);
        if (token !== undefined) remember(key, { kind: 'release', token });
        throw error;
      }
    },
    async complete(key, token, response, ttlMs) {
      try {
        return await store.complete(key, token, response, ttlMs);
      } catch (error) {
        if (isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE'))
          remember(key, { kind: 'complete', token, response, ttlMs });
        throw error;
      }
    },
    async release(key, token) {
      try {
        return await store.release(key, token);
      } catch (error) {
        if (isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE')) remember(key, { kind: 'release', token });
        throw error;
      }
    },
  };
}
