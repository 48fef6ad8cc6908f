/**
 * Issue 14 item 4, "total means total": every entry point answers every value
 * of every type with a typed result (or, for the throwing APIs, with their
 * documented error), and `verify` and `verifyBatch` agree on every input,
 * hostile `now` included. The hostile values live in support/hostile.ts.
 */
import { TallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createMemorySpentStore,
  createVerifier,
  decodeToken,
  holderBinding,
  RevocationList,
  verifySignature,
} from '../src/index.js';
import * as verifyEntry from '../src/verify.js';
import { HOLDER_KEY, NOW, setup, VOUCHER } from './fixtures.js';
import {
  hostile,
  hostileBytes,
  hostileNow,
  hostileOptions,
  isFailure,
  isResult,
  throwingProxy,
} from './support/hostile.js';

const { issuer, clock } = setup();
const spent = createMemorySpentStore();
const keys = [issuer.verificationKey];
const verifiers = {
  main: createVerifier({ keys, audience: 'store-7', clock, spent }),
  lite: verifyEntry.createVerifier({ keys, audience: 'store-7', clock, spent }),
};
const valid = issuer.issue({ audience: 'store-7', ttlMs: 10 * 60_000 }).qr;
const bound = issuer.issue(VOUCHER).qr;
const MINUTE = 60_000;
/** Verdict-relevant part of a result. */
const verdict = (r: { ok: boolean; code?: string; message?: string }) =>
  r.ok ? 'ok' : `${r.code}: ${r.message}`;

describe.each(Object.entries(verifiers))('%s verifier: total on hostile values', (_, verifier) => {
  it('law: decodeToken and verify answer any value with a typed result', () => {
    fc.assert(
      fc.property(hostile, hostile, (makeInput, makeOptions) => {
        const input = makeInput();
        const options = makeOptions();
        expect(isResult(decodeToken(input as string))).toBe(true);
        expect(isFailure(verifier.verify(input as string))).toBe(true);
        expect(isFailure(verifier.verify(input as string, options as never))).toBe(true);
        const withOptions = verifier.verify(valid, options as never);
        expect(isResult(withOptions)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('law: hostile options refuse a good token as malformed (never a throw, never an accept)', () => {
    fc.assert(
      fc.property(hostileOptions, (make) => {
        const options = make();
        const r = verifier.verify(valid, options as never);
        // Not-quite-Uint8Array challenges are refused; the accepted cases are a
        // presentation (ignored: the token is not device-bound) and a detached
        // Uint8Array, which has no bytes and so is the empty challenge.
        if (r.ok) {
          const o = options as { challenge?: unknown };
          const empty = Object.prototype.toString.call(o.challenge) === '[object Uint8Array]';
          expect(Object.keys(o)[0] === 'presentation' || empty).toBe(true);
        } else expect(r.code).toMatch(/^(malformed)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('law: verifyBatch answers any list, item or options with one typed result per item', () => {
    fc.assert(
      fc.property(hostile, fc.array(hostile, { maxLength: 5 }), hostile, (makeItems, makers, makeOptions) => {
        const items = makeItems();
        const options = makeOptions();
        const list = makers.map((m) => m());
        const whole = verifier.verifyBatch(items as never, options as never);
        expect(Array.isArray(whole)).toBe(true);
        for (const r of whole) expect(isResult(r)).toBe(true);
        const mixed = [valid, ...list, { input: valid, now: NOW }];
        const each = verifier.verifyBatch(mixed as never, options as never);
        expect(each).toHaveLength(mixed.length);
        for (const r of each) expect(isResult(r)).toBe(true);
        const asItems = verifier.verifyBatch(
          makers.map((m) => ({ input: valid, now: m(), challenge: m() })) as never,
        );
        expect(asItems).toHaveLength(list.length);
        for (const r of asItems) expect(isResult(r)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('law: check and redeem resolve a typed result for any value, never reject', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (makeInput, makeOptions) => {
        const input = makeInput();
        const options = makeOptions();
        expect(isFailure(await verifier.check(input as string, options as never))).toBe(true);
        expect(isFailure(await verifier.redeem(input as string, options as never))).toBe(true);
        expect(isResult(await verifier.check(valid, options as never))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('law: any hostile now is refused the same way by verify, verifyBatch, check and redeem', async () => {
    const expired = issuer.issue({ audience: 'store-7', ttlMs: MINUTE }).qr;
    await fc.assert(
      fc.asyncProperty(hostileNow, fc.constantFrom(valid, expired, bound, 'junk'), async (makeNow, qr) => {
        const now = makeNow();
        const one = verifier.verify(qr, { now: now as number });
        expect(one).toMatchObject({ ok: false, code: 'malformed' });
        expect(verifier.verifyBatch([qr], { now: now as number })).toEqual([one]);
        expect(verifier.verifyBatch([{ input: qr, now: now as number }])).toEqual([one]);
        expect(verifier.verifyBatch([{ input: qr, now: now as number }], { now: NOW })).toEqual([one]);
        expect(await verifier.check(qr, { now: now as number })).toEqual(one);
        expect(await verifier.redeem(qr, { now: now as number })).toEqual(one);
      }),
      { numRuns: 200 },
    );
  });

  it('law: verify and verifyBatch agree on every input and time, item by item', () => {
    const tokens = [valid, bound, issuer.issue({ audience: 'store-7', ttlMs: MINUTE }).qr, 'junk'];
    const anyNow = fc.oneof(
      hostileNow,
      fc.integer({ min: NOW - 10 * MINUTE, max: NOW + 30 * MINUTE }).map((n) => () => n),
      fc.constant(() => undefined),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...tokens).map((t) => () => t),
              hostile,
            ),
            anyNow,
          ),
          {
            maxLength: 6,
          },
        ),
        anyNow,
        (makers, makeShared) => {
          const cases = makers.map(([i, n]) => [i(), n()] as const);
          const shared = makeShared();
          const batch = verifier.verifyBatch(
            cases.map(([input, now]) => ({ input, now })) as never,
            shared === undefined ? undefined : { now: shared as number },
          );
          const single = cases.map(([input, now]) =>
            typeof shared !== 'undefined' && !(typeof shared === 'number' && shared >= 0 && shared <= 8.64e15)
              ? verifier.verify(input as string, { now: shared as number })
              : verifier.verify(input as string, { now: (now === undefined ? shared : now) as number }),
          );
          expect(batch.map(verdict)).toEqual(single.map(verdict));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('regression: now NaN in verifyBatch', () => {
  // Before: `typeof NaN === 'number'` let NaN through, every `now >= expiry`
  // comparison was false, and a token a year old was accepted.
  it('an expired token with now: NaN is refused by verifyBatch exactly as by verify', () => {
    const verifier = verifiers.main;
    const old = issuer.issue({ audience: 'store-7', ttlMs: MINUTE }).qr;
    const aYearLater = NOW + 365 * 24 * 60 * MINUTE;
    expect(verifier.verify(old, { now: aYearLater })).toMatchObject({ code: 'expired' });
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(verifier.verifyBatch([old], { now })[0]).toMatchObject({ ok: false, code: 'malformed' });
      expect(verifier.verifyBatch([{ input: old, now }])[0]).toMatchObject({ ok: false, code: 'malformed' });
      expect(verifier.verifyBatch([old, old], { now })).toEqual([
        verifier.verify(old, { now }),
        verifier.verify(old, { now }),
      ]);
    }
  });

  it('a clock that returns NaN or throws refuses instead of switching the time checks off', async () => {
    for (const now of [
      () => Number.NaN,
      () => -5,
      () => {
        throw new Error('clock down');
      },
    ]) {
      const verifier = createVerifier({ keys, audience: 'store-7', clock: { now }, spent });
      expect(verifier.verify(valid)).toMatchObject({ ok: false, code: 'malformed' });
      expect(verifier.verifyBatch([valid])[0]).toMatchObject({ ok: false, code: 'malformed' });
      expect(await verifier.redeem(valid)).toMatchObject({ ok: false, code: 'malformed' });
      await expect(verifier.prune()).rejects.toThrow(RangeError);
      expect(verifier.verify(valid, { now: NOW }).ok).toBe(true);
    }
  });
});

describe('each option and field is read exactly once', () => {
  it('a getter cannot pass the time check with one answer and be used with another', () => {
    const verifier = verifiers.main;
    const reads: Record<string, number> = {};
    const answers: Record<string, unknown[]> = {
      now: [NOW, Number.NaN, NOW + 365 * 24 * 60 * MINUTE],
      challenge: [undefined, 'not bytes'],
      presentation: [undefined, 42],
      input: [valid, 'junk'],
    };
    const options = {};
    for (const name of Object.keys(answers)) {
      Object.defineProperty(options, name, {
        get() {
          reads[name] = (reads[name] ?? 0) + 1;
          return answers[name]![reads[name]! - 1];
        },
      });
    }
    expect(verifier.verify(valid, options).ok).toBe(true);
    expect(reads).toEqual({ now: 1, challenge: 1, presentation: 1 });
    for (const k of Object.keys(reads)) delete reads[k];
    expect(verifier.verifyBatch([options as never])[0]!.ok).toBe(true);
    expect(reads).toEqual({ now: 1, challenge: 1, presentation: 1, input: 1 });
  });

  it('a batch list is read once per index, and a list that throws or is too long gets no verdicts', () => {
    const verifier = verifiers.main;
    let reads = 0;
    const list = new Proxy([valid, valid], {
      get(target, key, receiver) {
        if (key === '0' || key === '1') reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(verifier.verifyBatch(list).map((r) => r.ok)).toEqual([true, true]);
    expect(reads).toBe(2);
    expect(verifier.verifyBatch(throwingProxy([valid]) as never)).toEqual([]);
    expect(verifier.verifyBatch(new Array(2 ** 21))).toEqual([]);
    expect(verifier.verifyBatch(new Array(3)).map((r) => r.ok)).toEqual([false, false, false]);
  });
});

describe('the other entry points', () => {
  const { publicKey } = HOLDER_KEY;
  const message = new Uint8Array([1, 2, 3]);

  it('law: verifySignature (both entries) says false, never throws, for any hostile argument', () => {
    const fns = [verifySignature, verifyEntry.verifySignature];
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (ma, mb, mc, md) => {
        for (const fn of fns) {
          const [a, b, c, d] = [ma(), mb(), mc(), md()];
          expect(fn(a as Uint8Array, b as Uint8Array, c as Uint8Array, d as never)).toBe(false);
          expect(fn(new Uint8Array(64), message, publicKey, a as never)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(hostileBytes, fc.integer({ min: 0, max: 2 }), (make, at) => {
        const x = make();
        const args: unknown[] = [new Uint8Array(64), message, publicKey];
        args[at] = x;
        for (const fn of fns) expect(fn(...(args as [Uint8Array, Uint8Array, Uint8Array]))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('law: holderBinding and RevocationList.fromBytes throw only their documented errors', () => {
    const documented = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(
          error instanceof TypeError || error instanceof RangeError || error instanceof TallystickError,
          String(error),
        ).toBe(true);
        expect(String((error as Error).message)).not.toMatch(/hostile/);
      }
    };
    fc.assert(
      fc.property(hostile, (make) => {
        const x = make();
        documented(() => holderBinding(x as Uint8Array));
        documented(() => RevocationList.fromBytes(x as Uint8Array));
      }),
      { numRuns: 300 },
    );
  });
});
