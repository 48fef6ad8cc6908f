import type { IntentEnvelope } from '@tallystick/core';
import type { IntentRef, Settlement } from '../store.js';
import type { QueuedIntent } from '../types.js';
import type { FileWindow, Touched } from './file-window.js';
import { clipError, toQueued } from './state.js';

/**
 * Applies a reschedule or dead settlement to a state, the same way for the
 * live store and for recovery. A dead intent stays dead: only requeue or
 * discard move it.
 */
export function applySettlement(t: Touched, s: Settlement): Touched {
  if (t.deadReason !== undefined || s.kind === 'ack') return t;
  t.leaseUntil = 0;
  if (s.error !== undefined) t.lastError = clipError(s.error);
  if (s.kind === 'reschedule') {
    t.attempts = s.attempts;
    t.nextAttemptAt = s.nextAttemptAt;
  } else {
    t.deadReason = s.reason;
    t.deadAt = s.at;
  }
  return t;
}

/**
 * The public view of an intent of the file adapter: its seq and enqueue time
 * come from the window or the record header, its id and creation time from
 * the envelope, its delivery state from `touched` (pristine when undefined).
 */
export function queuedOf(
  seq: number,
  enqueuedAt: number,
  touched: Touched | undefined,
  intent: IntentEnvelope,
  now: number,
): QueuedIntent {
  return toQueued(
    {
      seq,
      id: intent.id,
      partitionKey: intent.partitionKey,
      createdAt: intent.createdAt,
      enqueuedAt,
      attempts: touched?.attempts ?? 0,
      nextAttemptAt: touched?.nextAttemptAt ?? enqueuedAt,
      leaseUntil: touched?.leaseUntil ?? 0,
      lastError: touched?.lastError,
      deadReason: touched?.deadReason,
      deadAt: touched?.deadAt ?? 0,
    },
    intent,
    now,
  );
}

/**
 * Applies settlements to the window: acked intents leave it, others take
 * their new state. Unknown seqs (already acked, or a stale lease) and dead
 * intents are left alone. Returns the ENQUEUE bytes and intents that left.
 */
export function settleInWindow(
  window: FileWindow,
  settlements: readonly Settlement[],
): { bytes: number; intents: number } {
  let bytes = 0;
  let intents = 0;
  for (const s of settlements) {
    const i = window.find(s.seq);
    if (i < 0 || window.state(i)?.deadReason !== undefined) continue;
    if (s.kind === 'ack') {
      bytes += window.len(i);
      intents++;
      window.remove(i);
    } else {
      applySettlement(window.touch(i), s);
    }
  }
  return { bytes, intents };
}

/**
 * Extends the leases `owner` still holds, in memory only. The log keeps the
 * claim's first lease: after a crash that is the right one, since the sender
 * that renewed died with the process (the lock file keeps other processes out
 * while it lives).
 */
export function renewInWindow(
  window: FileWindow,
  refs: readonly IntentRef[],
  owner: string,
  leaseUntil: number,
): number {
  let renewed = 0;
  for (const ref of refs) {
    const i = window.find(ref.seq);
    const t = i < 0 ? undefined : window.state(i);
    if (!t || t.leaseOwner !== owner || t.leaseUntil === 0 || t.deadReason !== undefined) continue;
    t.leaseUntil = Math.max(t.leaseUntil, leaseUntil);
    renewed++;
  }
  return renewed;
}
