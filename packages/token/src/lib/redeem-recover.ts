import { TallystickError } from '@tallystick/core';
import { LIMITS } from '../format.js';
import type { RecoveryReport, RedemptionOutbox } from '../redeemer.js';
import { REDEMPTION_INTENT_TYPE, type Redemption } from '../redemption.js';
import type { SpentStore } from '../spent-store.js';
import { notBoolean } from './redeem-results.js';

const PAGE = 5000;
/**
 * How long to keep a recovered token whose stored expiry is unusable (altered at rest, or written by other
 * code): past the last expiry the token format can express, so it is never redeemable here again.
 */
const KEEP_UNKNOWN = (LIMITS.maxExpirySeconds + 1) * 1000;
const TOKEN_ID = /^[0-9a-f]{32}$/;

/**
 * Restores "recorded ⇒ spent": every redemption intent the outbox holds
 * (pending, in flight or dead) whose token the spent store lacks is marked
 * spent now. Those are the redemptions a stop interrupted between recording
 * and marking; they are real (the server will see them), so they are kept
 * and reported, never undone. Intents of other types, and redemption
 * payloads that are not ours to read, are left alone.
 */
export async function recoverOutbox(
  outbox: RedemptionOutbox,
  spent: SpentStore,
  skewMs: number,
  now: number,
): Promise<RecoveryReport> {
  const inDoubt: Redemption[] = [];
  let scanned = 0;
  for (let afterSeq: number | undefined; ; ) {
    const page = await outbox.list(afterSeq === undefined ? { limit: PAGE } : { limit: PAGE, afterSeq });
    for (const { intent } of page) {
      if (intent.type !== REDEMPTION_INTENT_TYPE) continue;
      const redemption = asRedemption(intent.payload);
      if (!redemption) continue;
      scanned++;
      const seen: unknown = await spent.has(redemption.tokenId);
      if (typeof seen !== 'boolean') throw notBoolean('has', seen);
      if (seen) continue;
      const won: unknown = await spent.checkAndAdd(redemption.tokenId, keepUntil(redemption, skewMs), now);
      if (typeof won !== 'boolean') throw notBoolean('checkAndAdd', won);
      if (won) inDoubt.push(redemption);
    }
    if (page.length < PAGE) return { inDoubt, scanned };
    const last: unknown = page[page.length - 1]?.seq;
    // An outbox that ignored afterSeq would hand back the same full page forever: the till would never open.
    if (typeof last !== 'number' || !(last > (afterSeq ?? Number.NEGATIVE_INFINITY))) {
      throw new TallystickError('ERR_STORE', `outbox list did not advance past seq ${String(afterSeq)}`);
    }
    afterSeq = last;
  }
}

/** A recorded token id is enough to mark it spent: an unreadable expiry must not leave it redeemable. */
function asRedemption(payload: unknown): Redemption | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const r = payload as Partial<Redemption>;
  if (typeof r.tokenId !== 'string' || !TOKEN_ID.test(r.tokenId)) return undefined;
  return r as Redemption;
}

/** The expiry plus the skew when the stored expiry is one a token can have; else past every possible one. */
function keepUntil(r: Redemption, skewMs: number): number {
  const at: unknown = r.expiresAt;
  const usable = Number.isSafeInteger(at) && (at as number) >= 0 && (at as number) < KEEP_UNKNOWN;
  return usable ? (at as number) + skewMs : KEEP_UNKNOWN + skewMs;
}
