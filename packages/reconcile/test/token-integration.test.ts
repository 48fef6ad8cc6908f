/**
 * The engine with the real @tallystick/token issuer and verifier (not the test
 * scheme): double spends across tills, unknown and revoked keys, expiry judged
 * at redemption time, and the token package's own `token.redeemed` records.
 */
import { createManualClock, encodeHlc, newIntentId } from '@tallystick/core';
import { createMemoryLedger, createReconciler, fromTokenVerifier } from '@tallystick/reconcile';
import {
  createIssuer,
  createMemorySpentStore,
  createVerifier,
  generateIssuerKey,
  RevocationList,
} from '@tallystick/token';
import { describe, expect, it } from 'vitest';
import { redemptionRecord } from './support/intents.js';

const T0 = 1_767_225_600_000;
const clock = createManualClock(T0);
const key = generateIssuerKey();
const other = generateIssuerKey();
const retired = generateIssuerKey();
const issuer = createIssuer({ ...key, clock });
const stranger = createIssuer({ ...other, clock });
const old = createIssuer({ ...retired, clock });

// A till's token.redeemed intent: the record its redeemer built, or one built here from the token.
function redemption(device: string, wall: number, token: string, record?: object) {
  return {
    id: newIntentId(),
    type: 'token.redeemed',
    device,
    hlc: encodeHlc({ wall, counter: 0, node: device }),
    createdAt: wall,
    payload: record ?? redemptionRecord(token, wall, device),
  };
}

describe('with @tallystick/token', () => {
  const verifier = createVerifier({
    keys: [issuer.verificationKey, old.verificationKey],
    clock,
    clockSkewMs: 0,
  });

  it('flags the later of two redemptions of one voucher, verified in one batch', async () => {
    const { qr, id } = issuer.issue({ amount: { amount: 2500, currency: 'EUR' }, ttlMs: 3_600_000 });
    const reconciler = createReconciler({
      ledger: createMemoryLedger(),
      verifier: fromTokenVerifier(verifier),
      clock,
    });
    const a = redemption('till-1', T0 + 60_000, qr);
    const b = redemption('till-2', T0 + 30_000, qr);
    await reconciler.apply([a, b]);
    const report = await reconciler.report();
    expect(report.review.map((v) => [v.intentId, v.kind, v.group])).toEqual([
      [a.id, 'double_spend', `token:${id}`],
    ]);
    expect(report.review[0]!.suggestions[0]!.amount).toEqual({ amount: 2500, currency: 'EUR' });
  });

  it('judges expiry at redemption time, not at reconciliation', async () => {
    const { qr } = issuer.issue({ ttlMs: 60_000 });
    const late = createManualClock(T0 + 86_400_000);
    const reconciler = createReconciler({
      ledger: createMemoryLedger(),
      verifier: fromTokenVerifier(verifier),
      clock: late,
    });
    const inTime = redemption('till-1', T0 + 30_000, qr);
    const tooLate = redemption('till-2', T0 + 120_000, issuer.issue({ ttlMs: 60_000 }).qr);
    const result = await reconciler.apply([inTime, tooLate]);
    expect(result.added.map((v) => [v.intentId, v.kind, (v.detail as { code: string }).code])).toEqual([
      [tooLate.id, 'invalid_token', 'expired'],
    ]);
  });

  it('sends unknown and revoked keys to review', async () => {
    const revoking = createVerifier({
      keys: [issuer.verificationKey, old.verificationKey],
      clock,
      revoked: RevocationList.create({ kids: [old.kid] }),
    });
    const reconciler = createReconciler({
      ledger: createMemoryLedger(),
      verifier: fromTokenVerifier(revoking),
      clock,
    });
    const unknown = redemption('till-1', T0 + 1_000, stranger.issue().qr);
    const revoked = redemption('till-1', T0 + 2_000, old.issue().qr);
    await reconciler.apply([unknown, revoked]);
    const kinds = (await reconciler.report()).review.map((v) => [v.intentId, v.kind]);
    expect(kinds).toEqual(
      [
        [unknown.id, 'unknown_key'],
        [revoked.id, 'revoked_key'],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
  });

  it("reconciles the token package's own token.redeemed records, trusting none of their claims", async () => {
    const terminal = createVerifier({
      keys: [issuer.verificationKey],
      clock,
      spent: createMemorySpentStore(),
    });
    const issued = issuer.issue({ amount: { amount: 500, currency: 'EUR' } });
    const redeemed = await terminal.redeem(issued.qr);
    if (!redeemed.ok) throw new Error(redeemed.message);
    const record = redeemed.redemption;
    const reconciler = createReconciler({
      ledger: createMemoryLedger(),
      verifier: fromTokenVerifier(verifier),
      clock,
    });
    const first = redemption('till-1', T0 + 1_000, record.token, record);
    const again = redemption('till-2', T0 + 2_000, record.token, record);
    const other = issuer.issue().qr;
    const liar = redemption('till-3', T0 + 3_000, other, {
      ...redemptionRecord(other, T0 + 3_000, 'till-3'),
      tokenId: issued.id,
    });
    const result = await reconciler.apply([first, again, liar]);
    expect(result.rejected).toEqual([]);
    const report = await reconciler.report();
    expect(report.review.map((v) => [v.intentId, v.kind]).sort()).toEqual(
      [
        [again.id, 'double_spend'],
        [liar.id, 'invalid_token'],
      ].sort(),
    );
  });
});
