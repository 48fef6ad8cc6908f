/**
 * The one contract every IdempotencyStore adapter must pass. Each adapter's
 * test file calls `storeContract` with a factory; time comes from a manual
 * clock so leases and TTLs are crossed without waiting.
 */
import { createManualClock, type ManualClock } from '@tallystick/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimResult, IdempotencyKey, IdempotencyStore, StoredResponse } from '../src/index.js';
import { fingerprint, scopedKey } from '../src/index.js';

export interface StoreHarness {
  store: IdempotencyStore;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** fast-check runs of the model-based law; cheap stores take ≥ 1000. */
  modelRuns: number;
}

const LEASE = 5_000;
const TTL = 60_000;
const OPTS = { leaseMs: LEASE, ttlMs: TTL };
const FP_A = fingerprint({ amount: 1250, currency: 'EUR' });
const FP_B = fingerprint({ amount: 9999, currency: 'EUR' });
const RESPONSE: StoredResponse = {
  status: 201,
  headers: { 'content-type': 'application/json', location: '/sales/1' },
  body: '{"id":"sale-1","note":"café ☕ | ok"}',
};

let counter = 0;
function freshKey(tag = 'k'): IdempotencyKey {
  counter++;
  return scopedKey(`tenant-${counter}`, `${tag}-${counter}-${Math.random().toString(36).slice(2)}`);
}

function claimed(result: ClaimResult): string {
  if (result.status !== 'claimed') throw new Error(`expected claimed, got ${JSON.stringify(result)}`);
  return result.token;
}

export function storeContract(
  name: string,
  open: (clock: ManualClock) => Promise<StoreHarness>,
  options: ContractOptions,
): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    const clock = createManualClock(1_700_000_000_000);
    let harness: StoreHarness;
    let store: IdempotencyStore;
    beforeAll(async () => {
      harness = await open(clock);
      store = harness.store;
    });
    afterAll(async () => harness?.close());

    it('claims a fresh key, then reports it in flight with the lease remaining', async () => {
      const key = freshKey();
      expect(typeof claimed(await store.claim(key, FP_A, OPTS))).toBe('string');
      expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'in_flight', retryAfterMs: LEASE });
      clock.advance(1_200);
      expect(await store.claim(key, FP_A, OPTS)).toEqual({
        status: 'in_flight',
        retryAfterMs: LEASE - 1_200,
      });
    });

    it('reports a different fingerprint as a mismatch, in flight and after completion', async () => {
      const key = freshKey();
      const token = claimed(await store.claim(key, FP_A, OPTS));
      expect(await store.claim(key, FP_B, OPTS)).toEqual({ status: 'mismatch' });
      expect(await store.complete(key, token, RESPONSE, TTL)).toBe(true);
      expect(await store.claim(key, FP_B, OPTS)).toEqual({ status: 'mismatch' });
    });

    it('replays the stored response exactly, definitive errors included', async () => {
      for (const response of [
        RESPONSE,
        {
          status: 402,
          headers: { 'content-type': 'application/problem+json' },
          body: '{"title":"declined"}',
        },
        { status: 500, headers: {}, body: '' },
        { status: 200, headers: {}, body: 'AAEC_w', bodyEncoding: 'base64url' as const },
      ]) {
        const key = freshKey();
        const token = claimed(await store.claim(key, FP_A, OPTS));
        expect(await store.complete(key, token, response, TTL)).toBe(true);
        expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'completed', response });
      }
    });

    it('stores header names in lower case', async () => {
      const key = freshKey();
      const token = claimed(await store.claim(key, FP_A, OPTS));
      await store.complete(
        key,
        token,
        { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'x' },
        TTL,
      );
      expect(await store.claim(key, FP_A, OPTS)).toEqual({
        status: 'completed',
        response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'x' },
      });
    });

    it('lets only the owner complete or release, and only once', async () => {
      const key = freshKey();
      const token = claimed(await store.claim(key, FP_A, OPTS));
      const stranger = 'AAAAAAAAAAAAAAAAAAAAAA';
      expect(await store.complete(key, stranger, RESPONSE, TTL)).toBe(false);
      expect(await store.release(key, stranger)).toBe(false);
      expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'in_flight', retryAfterMs: LEASE });
      expect(await store.complete(key, token, RESPONSE, TTL)).toBe(true);
      expect(await store.complete(key, token, { ...RESPONSE, status: 200 }, TTL)).toBe(false);
      expect(await store.release(key, token)).toBe(false);
      expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'completed', response: RESPONSE });
    });

    it('frees a released key for the next claim, with a new token', async () => {
      const key = freshKey();
      const first = claimed(await store.claim(key, FP_A, OPTS));
      expect(await store.release(key, first)).toBe(true);
      const second = claimed(await store.claim(key, FP_B, OPTS));
      expect(second).not.toBe(first);
      expect(await store.complete(key, first, RESPONSE, TTL)).toBe(false);
    });

    it('lets a retry with the same payload take over a lapsed lease; the old owner loses', async () => {
      const key = freshKey();
      const crashed = claimed(await store.claim(key, FP_A, OPTS));
      clock.advance(LEASE - 1);
      expect((await store.claim(key, FP_A, OPTS)).status).toBe('in_flight');
      clock.advance(1);
      expect(await store.claim(key, FP_B, OPTS)).toEqual({ status: 'mismatch' });
      const retry = claimed(await store.claim(key, FP_A, OPTS));
      expect(await store.complete(key, crashed, RESPONSE, TTL)).toBe(false);
      expect(await store.release(key, crashed)).toBe(false);
      expect(await store.complete(key, retry, RESPONSE, TTL)).toBe(true);
      expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'completed', response: RESPONSE });
    });

    it('forgets a record at its TTL by its own clock, whatever the backend still holds', async () => {
      const key = freshKey();
      const token = claimed(await store.claim(key, FP_A, OPTS));
      clock.advance(TTL - 10);
      await store.complete(key, token, RESPONSE, TTL); // completion restarts the TTL
      clock.advance(TTL - 1);
      expect((await store.claim(key, FP_B, OPTS)).status).toBe('mismatch');
      clock.advance(1);
      claimed(await store.claim(key, FP_B, OPTS));
    });

    it('keeps scopes apart, including ones that would collide if joined naively', async () => {
      const suffix = Math.random().toString(36).slice(2);
      const pairs = [
        scopedKey(`a:b-${suffix}`, 'c'),
        scopedKey(`a-${suffix}`, 'b:c'),
        scopedKey(`1:a-${suffix}`, 'b'),
        scopedKey(`1-${suffix}`, 'a:b'),
      ];
      for (const key of pairs) claimed(await store.claim(key, FP_A, OPTS));
      for (const key of pairs) expect((await store.claim(key, FP_A, OPTS)).status).toBe('in_flight');
    });

    it('gives exactly one of 32 concurrent claims the key', async () => {
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 32 }, () => store.claim(key, FP_A, OPTS)));
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'in_flight')).toHaveLength(31);
    });

    it('gives exactly one of 32 concurrent takeovers of a lapsed lease the key', async () => {
      const key = freshKey();
      claimed(await store.claim(key, FP_A, OPTS));
      clock.advance(LEASE);
      const results = await Promise.all(Array.from({ length: 32 }, () => store.claim(key, FP_A, OPTS)));
      expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    });

    it('refuses malformed arguments with TypeError or RangeError before touching the backend', async () => {
      const key = freshKey();
      await expect(store.claim(key, 'not|a|fingerprint', OPTS)).rejects.toBeInstanceOf(RangeError);
      await expect(store.claim(key, FP_A, { leaseMs: 0, ttlMs: TTL })).rejects.toBeInstanceOf(RangeError);
      await expect(store.claim(key, FP_A, { leaseMs: TTL + 1, ttlMs: TTL })).rejects.toBeInstanceOf(
        RangeError,
      );
      await expect(store.claim({ scope: 1 } as never, FP_A, OPTS)).rejects.toBeInstanceOf(TypeError);
      const token = claimed(await store.claim(key, FP_A, OPTS));
      await expect(
        store.complete(key, token, { status: 99, headers: {}, body: '' }, TTL),
      ).rejects.toBeInstanceOf(RangeError);
      await expect(
        store.complete(key, token, { status: 200, headers: {}, body: 1 } as never, TTL),
      ).rejects.toBeInstanceOf(TypeError);
      await expect(store.complete(key, 'x|y', RESPONSE, TTL)).rejects.toBeInstanceOf(RangeError);
      expect(await store.claim(key, FP_A, OPTS)).toEqual({ status: 'in_flight', retryAfterMs: LEASE });
    });

    it('law: every sequence of operations agrees with the reference state machine', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('claim' as const), key: fc.nat(2), fp: fc.nat(1) }),
        fc.record({
          kind: fc.constant('complete' as const),
          key: fc.nat(2),
          stale: fc.boolean(),
          status: fc.integer({ min: 200, max: 599 }),
        }),
        fc.record({ kind: fc.constant('release' as const), key: fc.nat(2), stale: fc.boolean() }),
        fc.record({
          kind: fc.constant('advance' as const),
          ms: fc.constantFrom(1, 999, LEASE, TTL / 2, TTL),
        }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 24 }), async (ops) => {
          const keys = [freshKey('m'), freshKey('m'), freshKey('m')];
          const fps = [FP_A, FP_B];
          const model = new Map<number, Model>();
          const tokens = new Map<number, string[]>();
          for (const o of ops) {
            const now = clock.now();
            if (o.kind === 'advance') {
              clock.advance(o.ms);
              continue;
            }
            const key = keys[o.key]!;
            const history = tokens.get(o.key) ?? [];
            if (o.kind === 'claim') {
              const actual = await store.claim(key, fps[o.fp]!, OPTS);
              const expected = modelClaim(model.get(o.key), fps[o.fp]!, now);
              if (expected.status === 'claimed') {
                const token = claimed(actual);
                history.push(token);
                tokens.set(o.key, history);
                model.set(o.key, { fp: fps[o.fp]!, token, leaseUntil: now + LEASE, expiresAt: now + TTL });
              } else {
                expect(actual).toEqual(expected);
              }
              continue;
            }
            const token = o.stale ? history.at(-2) : history.at(-1);
            if (token === undefined) continue;
            const rec = model.get(o.key);
            const owns = rec !== undefined && rec.response === undefined && rec.token === token;
            if (o.kind === 'complete') {
              const response = { status: o.status, headers: {}, body: `r${o.status}` };
              expect(await store.complete(key, token, response, TTL)).toBe(owns);
              if (owns)
                model.set(o.key, { fp: rec.fp, token: '', leaseUntil: 0, expiresAt: now + TTL, response });
            } else {
              expect(await store.release(key, token)).toBe(owns);
              if (owns) model.delete(o.key);
            }
          }
        }),
        { numRuns: options.modelRuns },
      );
    });
  });
}

interface Model {
  fp: string;
  token: string;
  leaseUntil: number;
  expiresAt: number;
  response?: StoredResponse;
}

/** The reference semantics, written out independently of src/lib/records.ts. */
function modelClaim(rec: Model | undefined, fp: string, now: number): ClaimResult | { status: 'claimed' } {
  if (!rec || now >= rec.expiresAt) return { status: 'claimed' };
  if (rec.fp !== fp) return { status: 'mismatch' };
  if (rec.response) return { status: 'completed', response: rec.response };
  if (now >= rec.leaseUntil) return { status: 'claimed' };
  return { status: 'in_flight', retryAfterMs: rec.leaseUntil - now };
}
