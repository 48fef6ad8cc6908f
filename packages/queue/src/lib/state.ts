import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, IntentStatus, QueuedIntent } from '../types.js';

/**
 * The mutable delivery state of one stored intent, shared by the adapters
 * that keep an in-memory table (memory, file). `leaseUntil` and `deadAt` are
 * 0 when unset, which keeps the shape monomorphic for V8.
 */
export interface IntentState {
  seq: number;
  id: string;
  partitionKey: string | undefined;
  createdAt: number;
  enqueuedAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  /** The replayer that holds the lease, so only it may renew. */
  leaseOwner?: string | undefined;
  lastError: string | undefined;
  deadReason: DeadReason | undefined;
  deadAt: number;
}

export function newState(seq: number, intent: IntentEnvelope, now: number): IntentState {
  return {
    seq,
    id: intent.id,
    partitionKey: intent.partitionKey,
    createdAt: intent.createdAt,
    enqueuedAt: now,
    attempts: 0,
    nextAttemptAt: now,
    leaseUntil: 0,
    leaseOwner: undefined,
    lastError: undefined,
    deadReason: undefined,
    deadAt: 0,
  };
}

export function statusOf(deadReason: DeadReason | undefined, leaseUntil: number, now: number): IntentStatus {
  if (deadReason !== undefined) return 'dead';
  return leaseUntil > now ? 'inflight' : 'pending';
}

/** Builds the public, frozen view; optional fields are left out rather than set to undefined. */
export function toQueued(state: IntentState, intent: IntentEnvelope, now: number): QueuedIntent {
  const out: {
    -readonly [K in keyof QueuedIntent]: QueuedIntent[K];
  } = {
    intent,
    seq: state.seq,
    status: statusOf(state.deadReason, state.leaseUntil, now),
    attempts: state.attempts,
    enqueuedAt: state.enqueuedAt,
    nextAttemptAt: state.nextAttemptAt,
  };
  if (state.leaseUntil > now && state.deadReason === undefined) out.leaseUntil = state.leaseUntil;
  if (state.lastError !== undefined) out.lastError = state.lastError;
  if (state.deadReason !== undefined) {
    out.deadReason = state.deadReason;
    out.deadAt = state.deadAt;
  }
  return Object.freeze(out);
}

/** Error text is kept short: it is stored with every retry. */
export function clipError(error: string | undefined): string | undefined {
  if (error === undefined) return undefined;
  return error.length > 500 ? `${error.slice(0, 497)}...` : error;
}
