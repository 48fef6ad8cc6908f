/**
 * openRedeemer's recovery over an outbox that holds odd records or pages
 * wrongly: it must still spend every recorded token, and fail the open rather
 * than hang.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManualClock } from '@tallystick/core';
import { createIntentQueue } from '@tallystick/queue';
import { createMemoryStore } from '@tallystick/queue/memory';
import { describe, expect, it } from 'vitest';
import {
  createIssuer,
  createMemorySpentStore,
  createVerifier,
  openRedeemer,
  REDEMPTION_INTENT_TYPE,
  type RedemptionOutbox,
  redemptionIntentId,
  type SpentStore,
} from '../src/index.js';
import { openFileSpentStore } from '../src/spent-file.js';
import { ISSUER_KEY, NOW } from './fixtures.js';

const DEVICE = 'till-1';

function world(spent: SpentStore = createMemorySpentStore()) {
  const clock = createManualClock(NOW);
  const issuer = createIssuer({ secretKey: ISSUER_KEY.secretKey, kid: ISSUER_KEY.kid, clock });
  const verifier = createVerifier({ keys: [issuer.verificationKey], clock, spent });
  const voucher = () => issuer.issue({ amount: { amount: 500, currency: 'EUR' } });
  const queue = createIntentQueue({
    store: createMemoryStore(),
    device: DEVICE,
    send: async () => [],
    autoDeliver: false,
  });
  return { clock, verifier, voucher, queue, spent };
}

describe('recovery of a recorded redemption whose stored expiry is unusable', () => {
  // Altered at rest, or written by other code: the token id is still the one that was redeemed.
  for (const expiresAt of [1.5, -5, 1e300, 2 ** 53, '2026-01-01', null]) {
    it(`expiresAt ${String(expiresAt)}: the redeemer still opens and the token is spent`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tallystick-recover-'));
      const spent = await openFileSpentStore({ path: join(dir, 'spent.log') });
      try {
        const { verifier, voucher, queue } = world(spent);
        const { qr, token } = voucher();
        await queue.enqueue(
          { type: REDEMPTION_INTENT_TYPE, payload: { tokenId: token.id, expiresAt }, partitionKey: token.id },
          { id: redemptionIntentId(DEVICE, token.id, token.issuedAt) },
        );
        const redeemer = await openRedeemer({ verifier, outbox: queue, device: DEVICE });
        expect(redeemer.inDoubt.map((r) => r.tokenId)).toEqual([token.id]);
        expect(await spent.has(token.id)).toBe(true);
        expect(await redeemer.redeem(qr)).toMatchObject({ ok: false, code: 'already_spent' });
      } finally {
        await spent.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('recovery over an outbox that pages wrongly', () => {
  it('an outbox that ignores afterSeq (the same full page again) fails the open instead of looping forever', async () => {
    const { verifier } = world();
    const page = Array.from({ length: 5000 }, (_, i) => ({
      seq: i + 1,
      intent: { id: `id-${i}`, type: 'sale', payload: {} },
    }));
    let calls = 0;
    const outbox: RedemptionOutbox = {
      enqueue: async () => ({ id: '' }),
      list: async () => {
        calls++;
        if (calls > 50) throw new Error('looped');
        return page;
      },
    };
    const error = await openRedeemer({ verifier, outbox, device: DEVICE }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).not.toBe('looped');
    expect(error?.message).toMatch(/seq/);
    expect(calls).toBe(2);
  });
});
