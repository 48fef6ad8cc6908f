/**
 * fromTokenVerifier with a per-device factory: each redemption is judged as
 * the till that made it would have, so a voucher issued to one till and taken
 * at another is a conflict with its reason, and holder-bound tokens (which
 * reach the server without a presentation) are accepted only when asked to.
 */
import { createManualClock, encodeHlc, newIntentId } from '@tallystick/core';
import { createMemoryLedger, createReconciler, fromTokenVerifier, type Verdict } from '@tallystick/reconcile';
import {
  createIssuer,
  createVerifier,
  decodeToken,
  generateHolderKey,
  generateIssuerKey,
} from '@tallystick/token';
import { describe, expect, it } from 'vitest';
import { redemptionRecord } from './support/intents.js';

const T0 = 1_767_225_600_000;
const clock = createManualClock(T0);
const issuer = createIssuer({ ...generateIssuerKey(), clock });
const keys = [issuer.verificationKey];
const perTill = (device: string) => createVerifier({ keys, audience: device, clock });

function redemption(device: string, wall: number, token: string) {
  return {
    id: newIntentId(),
    type: 'token.redeemed',
    device,
    hlc: encodeHlc({ wall, counter: 0, node: device }),
    createdAt: wall,
    payload: redemptionRecord(token, wall, device),
  };
}

const codeOf = (v: Verdict) => (v.detail as { code: string }).code;

describe('fromTokenVerifier per device', () => {
  it('reports a voucher redeemed at a till it was not issued to as a conflict with the reason', async () => {
    const forOne = issuer.issue({ audience: 'till-1', amount: { amount: 700, currency: 'EUR' } }).qr;
    const forTwo = issuer.issue({ audience: 'till-2' }).qr;
    const reconciler = createReconciler({
      ledger: createMemoryLedger(),
      verifier: fromTokenVerifier(perTill),
      clock,
    });
    const right = redemption('till-1', T0 + 1_000, forOne);
    const wrong = redemption('till-1', T0 + 2_000, forTwo);
    const alsoRight = redemption('till-2', T0 + 3_000, issuer.issue({ audience: 'till-2' }).qr);
    const result = await reconciler.apply([right, wrong, alsoRight]);
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toBe(3);
    expect(result.added.map((v) => [v.intentId, v.kind, v.status, codeOf(v)])).toEqual([
      [wrong.id, 'invalid_token', 'review', 'wrong_audience'],
    ]);
    expect(result.added[0]!.reason).toMatch(/wrong_audience/);
    expect(result.added[0]!.reason).toMatch(/till-2/);
  });

  it('one verifier for all tills cannot tell: the factory is what checks the audience', async () => {
    const token = issuer.issue({ audience: 'till-1' }).qr;
    const shared = fromTokenVerifier(createVerifier({ keys, audience: ['till-1', 'till-2'], clock }));
    const perDevice = fromTokenVerifier(perTill);
    const check = [{ token, at: T0 + 1_000, device: 'till-2' }];
    expect((await shared.verifyBatch(check))[0]!.ok).toBe(true);
    expect(await perDevice.verifyBatch(check)).toEqual([
      { ok: false, code: 'wrong_audience', message: expect.stringContaining('till-1') },
    ]);
  });

  it('keeps verdicts in check order when devices interleave', async () => {
    const tokens = ['till-1', 'till-2', 'till-1', 'till-3', 'till-2'].map(
      (aud) => issuer.issue({ audience: aud }).qr,
    );
    const devices = ['till-1', 'till-1', 'till-1', 'till-3', 'till-3'];
    const verdicts = await fromTokenVerifier(perTill).verifyBatch(
      tokens.map((token, i) => ({ token, at: T0 + 1_000, device: devices[i]! })),
    );
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.code))).toEqual([
      'ok',
      'wrong_audience',
      'ok',
      'ok',
      'wrong_audience',
    ]);
  });

  it('accepts holder-bound tokens only with decodeBound, and never at the wrong till', async () => {
    const holderKey = generateHolderKey().publicKey;
    const bound = issuer.issue({ audience: 'till-1', holderKey }).qr;
    const strict = fromTokenVerifier(perTill);
    const trusting = fromTokenVerifier(perTill, { decodeBound: decodeToken });
    const atOne = { token: bound, at: T0 + 1_000, device: 'till-1' };
    const atTwo = { token: bound, at: T0 + 1_000, device: 'till-2' };
    expect((await strict.verifyBatch([atOne]))[0]).toMatchObject({ ok: false, code: 'binding_required' });
    const [ok, wrong] = await trusting.verifyBatch([atOne, atTwo]);
    expect(ok).toMatchObject({ ok: true, token: { audience: 'till-1' } });
    expect(ok?.ok && ok.token.holder).toMatch(/^[0-9a-f]{32}$/);
    expect(wrong).toMatchObject({ ok: false, code: 'wrong_audience' });
  });

  it('makes one verifier per device and rebuilds it only after eviction', async () => {
    const made: string[] = [];
    const factory = (device: string) => {
      made.push(device);
      return perTill(device);
    };
    const token = issuer.issue().qr;
    const check = (device: string) => ({ token, at: T0 + 1_000, device });
    const kept = fromTokenVerifier(factory, { maxDevices: 1 });
    await kept.verifyBatch([check('a'), check('a')]);
    await kept.verifyBatch([check('a')]);
    expect(made).toEqual(['a']);
    await kept.verifyBatch([check('b')]);
    await kept.verifyBatch([check('a')]);
    expect(made).toEqual(['a', 'b', 'a']);
  });

  it('refuses the redemptions of a device its factory cannot make a verifier for, and only those', async () => {
    const long = 'till-with-a-name-longer-than-32-chars';
    const verdicts = await fromTokenVerifier(perTill).verifyBatch([
      { token: issuer.issue().qr, at: T0 + 1_000, device: long },
      { token: issuer.issue().qr, at: T0 + 1_000, device: 'till-1' },
    ]);
    expect(verdicts[0]).toMatchObject({
      ok: false,
      code: 'no_device_verifier',
      message: expect.stringMatching(/audience/),
    });
    expect(verdicts[1]!.ok).toBe(true);
    const failing = fromTokenVerifier(() => {
      throw new Error('key store down');
    });
    expect(() => failing.verifyBatch([{ token: 'x', at: T0, device: 'till-1' }])).toThrow('key store down');
  });

  it('refuses bad options and factories that make no verifier', () => {
    expect(() => fromTokenVerifier(perTill, { maxDevices: 0 })).toThrow(RangeError);
    expect(() => fromTokenVerifier(perTill, { maxDevices: '2' as unknown as number })).toThrow(TypeError);
    expect(() => fromTokenVerifier({} as never)).toThrow(TypeError);
    for (const made of [{}, undefined, 7]) {
      const broken = fromTokenVerifier(() => made as never);
      expect(() => broken.verifyBatch([{ token: 'x', at: T0, device: 'till-1' }])).toThrow(/no verifyBatch/);
    }
  });
});
