/**
 * The per-scope quota law every store must keep, run against each adapter
 * beside the store contract: over its quota a scope's new keys are refused
 * and not stored, while other scopes and the scope's own existing keys are
 * answered as before.
 */
import { createManualClock, type ManualClock } from '@tallystick/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdempotencyStore, ScopeQuota, StoredResponse } from '../src/index.js';
import { fingerprint, scopedKey } from '../src/index.js';

export interface QuotaHarness {
  store: IdempotencyStore;
  close(): Promise<void>;
}

const WINDOW = 10_000;
const QUOTA: ScopeQuota = { maxKeys: 3, windowMs: WINDOW };
const OPTS = { leaseMs: 1_000, ttlMs: 60_000 };
const FP = fingerprint({ amount: 1 });
const RESPONSE: StoredResponse = { status: 201, headers: {}, body: 'ok' };

export function quotaContract(
  name: string,
  open: (clock: ManualClock, quota: ScopeQuota) => Promise<QuotaHarness>,
  runs: number,
): void {
  describe(`scope quota: ${name}`, () => {
    const clock = createManualClock(1_700_000_000_000);
    let harness: QuotaHarness;
    let store: IdempotencyStore;
    let n = 0;
    const scope = () => `scope-${++n}-${Math.random().toString(36).slice(2)}`;
    // Each test starts at the beginning of a window, so "remaining" is exact.
    const toWindowStart = () => clock.advance(WINDOW - (clock.now() % WINDOW));
    beforeAll(async () => {
      harness = await open(clock, QUOTA);
      store = harness.store;
    });
    afterAll(async () => harness?.close());

    it('refuses a scope its fourth new key in a window, stores nothing for it, and frees it next window', async () => {
      toWindowStart();
      const a = scope();
      for (const k of ['k1', 'k2', 'k3']) {
        expect((await store.claim(scopedKey(a, k), FP, OPTS)).status).toBe('claimed');
      }
      clock.advance(2_500);
      expect(await store.claim(scopedKey(a, 'k4'), FP, OPTS)).toEqual({
        status: 'over_quota',
        retryAfterMs: WINDOW - 2_500,
      });
      // Not stored: a different fingerprint is not a mismatch, and it is refused again, not in flight.
      expect((await store.claim(scopedKey(a, 'k4'), fingerprint('other'), OPTS)).status).toBe('over_quota');
      clock.advance(WINDOW - 2_500);
      expect((await store.claim(scopedKey(a, 'k4'), FP, OPTS)).status).toBe('claimed');
    });

    it('keeps other scopes, and the flooded scope’s own existing keys, answered as before', async () => {
      toWindowStart();
      const a = scope();
      const b = scope();
      const first = await store.claim(scopedKey(a, 'held'), FP, OPTS);
      if (first.status !== 'claimed') throw new Error('expected a claim');
      const done = await store.claim(scopedKey(a, 'done'), FP, OPTS);
      if (done.status !== 'claimed') throw new Error('expected a claim');
      expect(await store.complete(scopedKey(a, 'done'), done.token, RESPONSE, OPTS.ttlMs)).toBe(true);
      expect((await store.claim(scopedKey(a, 'third'), FP, OPTS)).status).toBe('claimed');
      expect((await store.claim(scopedKey(a, 'fourth'), FP, OPTS)).status).toBe('over_quota');
      expect(await store.claim(scopedKey(a, 'done'), FP, OPTS)).toEqual({
        status: 'completed',
        response: RESPONSE,
      });
      expect((await store.claim(scopedKey(a, 'held'), FP, OPTS)).status).toBe('in_flight');
      expect(await store.claim(scopedKey(a, 'held'), fingerprint('x'), OPTS)).toEqual({ status: 'mismatch' });
      for (const k of ['b1', 'b2', 'b3']) {
        expect((await store.claim(scopedKey(b, k), FP, OPTS)).status).toBe('claimed');
      }
    });

    it('law: per scope and window, at most maxKeys claims succeed; in-flight keys never count; a refusal stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({ scope: fc.nat(2), key: fc.nat(7), advance: fc.constantFrom(0, 0, 1, 4_000) }),
            {
              maxLength: 30,
            },
          ),
          async (ops) => {
            toWindowStart();
            const scopes = [scope(), scope(), scope()];
            const used = new Map<string, number>();
            // What the store holds per key: the lease end of a live claim. A lapsed
            // lease (or a record past its TTL) may be taken over, which counts like a new key.
            const leases = new Map<string, number>();
            for (const op of ops) {
              clock.advance(op.advance);
              const now = clock.now();
              const windowStart = now - (now % WINDOW);
              const id = `${op.scope}/${op.key}`;
              const counter = `${op.scope}@${windowStart}`;
              const result = await store.claim(scopedKey(scopes[op.scope]!, `k${op.key}`), FP, OPTS);
              const lease = leases.get(id);
              if (lease !== undefined && now < lease) {
                expect(result).toEqual({ status: 'in_flight', retryAfterMs: lease - now });
                continue;
              }
              const before = used.get(counter) ?? 0;
              if (before < QUOTA.maxKeys) {
                expect(result.status).toBe('claimed');
                used.set(counter, before + 1);
                leases.set(id, now + OPTS.leaseMs);
              } else {
                expect(result).toEqual({ status: 'over_quota', retryAfterMs: windowStart + WINDOW - now });
                leases.delete(id);
              }
            }
          },
        ),
        { numRuns: runs },
      );
    });
  });
}
