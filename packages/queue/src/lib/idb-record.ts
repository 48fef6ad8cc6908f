import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, QueuedIntent } from '../types.js';
import { toQueued } from './state.js';

/** One intent as the IndexedDB adapter stores it; `seq` comes from the store's key generator. */
export interface IdbRecord {
  seq?: number;
  id: string;
  pk: string | undefined;
  dead: 0 | 1;
  a: number;
  n: number;
  l: number;
  e: string | undefined;
  r: DeadReason | undefined;
  x: number;
  t: number;
  c: number;
  env: IntentEnvelope;
  /** Owner of the current claim, so only its replayer can renew it (absent in records written before renewal existed). */
  o?: string;
}

export function newRecord(intent: IntentEnvelope, now: number): IdbRecord {
  return {
    id: intent.id,
    pk: intent.partitionKey,
    dead: 0,
    a: 0,
    n: now,
    l: 0,
    e: undefined,
    r: undefined,
    x: 0,
    t: now,
    c: intent.createdAt,
    env: intent,
  };
}

export function recordToQueued(r: IdbRecord, now: number): QueuedIntent {
  return toQueued(
    {
      seq: r.seq!,
      id: r.id,
      partitionKey: r.pk,
      createdAt: r.c,
      enqueuedAt: r.t,
      attempts: r.a,
      nextAttemptAt: r.n,
      leaseUntil: r.l,
      lastError: r.e,
      deadReason: r.dead ? r.r : undefined,
      deadAt: r.x,
    },
    r.env,
    now,
  );
}
