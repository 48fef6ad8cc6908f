import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, QueuedIntent } from '../types.js';
import { CORRUPT_ERROR, textChecksum } from './checksum.js';
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
  /**
   * textChecksum of `JSON.stringify(env)` (structured clone keeps key order, so the
   * text is the same when read back). Absent in records written before it was
   * kept: those are read unchecked.
   */
  k?: number;
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
    k: textChecksum(JSON.stringify(intent)),
  };
}

/** Whether the record's envelope still matches its checksum and the fields that order delivery. */
export function intact(r: IdbRecord): boolean {
  const env = r.env as Partial<IntentEnvelope> | null;
  if (typeof env !== 'object' || env === null) return false;
  if (r.k !== undefined && textChecksum(JSON.stringify(env)) !== r.k) return false;
  return env.id === r.id && env.partitionKey === r.pk && env.createdAt === r.c;
}

/** The record dead-lettered as altered at rest. */
export function corruptRecord(r: IdbRecord, now: number): IdbRecord {
  return { ...r, dead: 1, r: 'corrupt', x: r.dead ? r.x : now, l: 0, e: CORRUPT_ERROR };
}

/**
 * The public view; a record that fails {@link intact} shows as dead with
 * reason `corrupt` and the record's id, never as deliverable.
 */
export function recordToQueued(record: IdbRecord, now: number): QueuedIntent {
  const r = intact(record) ? record : corruptRecord(record, now);
  const env = r === record ? r.env : { ...(r.env as object), id: r.id };
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
    env as IntentEnvelope,
    now,
  );
}
