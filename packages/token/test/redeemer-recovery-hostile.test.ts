/**
 * openRedeemer's recovery over an outbox that holds odd records or pages
 * wrongly: it must still spend every recorded token, and fail the open rather
 * than hang.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  openRedeemer,
  REDEMPTION_INTENT_TYPE,
  type RedemptionOutbox,
  redemptionIntentId,
} from '../src/index.js';
import { openFileSpentStore } from '../src/spent-file.js';
import { DEVICE, world } from './support/redeem-world.js';

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
