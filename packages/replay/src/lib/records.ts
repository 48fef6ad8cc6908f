import type { ClaimResult, StoredResponse } from '../store.js';

/** What an adapter keeps per key, in whatever shape its backend prefers. */
export type IdempotencyRecord =
  | {
      readonly state: 'in_flight';
      readonly fingerprint: string;
      readonly token: string;
      readonly leaseUntil: number;
      readonly expiresAt: number;
    }
  | {
      readonly state: 'completed';
      readonly fingerprint: string;
      readonly response: StoredResponse;
      readonly expiresAt: number;
    };

/** The verdict on an existing record: take it over, or answer with a claim result. */
export type Verdict =
  | { readonly take: true }
  | { readonly take: false; readonly result: Exclude<ClaimResult, { status: 'claimed' }> };

const TAKE: Verdict = { take: true };

/**
 * The one rule every adapter applies, in code and against the injected clock,
 * so no adapter depends on its backend expiring keys on time.
 *
 * - Past its TTL a record is gone, whatever the backend still holds.
 * - A different fingerprint is a mismatch for as long as the record lives,
 *   even after a lease lapses: the first payload may have taken effect.
 * - A lapsed lease with the same fingerprint may be taken over (crash recovery).
 */
export function judge(record: IdempotencyRecord | undefined, fingerprint: string, now: number): Verdict {
  if (record === undefined || record.expiresAt <= now) return TAKE;
  if (record.fingerprint !== fingerprint) return { take: false, result: { status: 'mismatch' } };
  if (record.state === 'completed')
    return { take: false, result: { status: 'completed', response: record.response } };
  if (record.leaseUntil <= now) return TAKE;
  return { take: false, result: { status: 'in_flight', retryAfterMs: record.leaseUntil - now } };
}
