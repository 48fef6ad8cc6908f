import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, QueuedIntent } from '../types.js';
import { CORRUPT_ERROR, readChecked } from './checksum.js';
import { toQueued } from './state.js';

/** One intent row as the SQL adapters (SQLite, Postgres) store it. */
export interface IntentRow {
  seq: number | string;
  id: string;
  partition_key: string | null;
  dead: number | boolean;
  attempts: number;
  next_attempt_at: number | string;
  lease_until: number | string;
  last_error: string | null;
  dead_reason: string | null;
  dead_at: number | string;
  enqueued_at: number | string;
  created_at: number | string;
  envelope: string | IntentEnvelope;
  /** Hash of the envelope text (textChecksum in checksum.ts); null in rows written before it was kept. */
  checksum?: number | string | null;
}

/** Columns in the order the SQL adapters select them. */
export const ROW_COLUMNS =
  'seq, id, partition_key, dead, attempts, next_attempt_at, lease_until, last_error, dead_reason, dead_at, enqueued_at, created_at, envelope, checksum';

// Postgres returns BIGINT as text to avoid precision loss; epoch ms and seqs stay well below 2^53.
const num = (v: number | string) => (typeof v === 'number' ? v : Number(v));

/**
 * The row as the queue sees it, its envelope checked against its checksum and
 * columns. A row that fails the check is shown dead with reason `corrupt` (its
 * envelope as stored, or a stand-in when that no longer parses) and `corrupt`
 * is true: a live one must be dead-lettered by the caller, never delivered.
 */
export function readRow(row: IntentRow, now: number): { queued: QueuedIntent; corrupt: boolean } {
  const dead = row.dead === true || row.dead === 1;
  const text = typeof row.envelope === 'string' ? row.envelope : JSON.stringify(row.envelope);
  const partitionKey = row.partition_key ?? undefined;
  const createdAt = num(row.created_at);
  const intent = readChecked(text, row.checksum, { id: row.id, partitionKey, createdAt });
  const state = {
    seq: num(row.seq),
    id: row.id,
    partitionKey,
    createdAt,
    enqueuedAt: num(row.enqueued_at),
    attempts: row.attempts,
    nextAttemptAt: num(row.next_attempt_at),
    leaseUntil: num(row.lease_until),
    lastError: row.last_error ?? undefined,
    deadReason: dead ? ((row.dead_reason ?? 'permanent') as DeadReason) : undefined,
    deadAt: num(row.dead_at),
  };
  if (intent) return { queued: toQueued(state, intent, now), corrupt: false };
  const shown = { ...state, deadReason: 'corrupt' as const, lastError: CORRUPT_ERROR, leaseUntil: 0 };
  if (!dead) shown.deadAt = now;
  return { queued: toQueued(shown, standIn(text, row.id, createdAt), now), corrupt: true };
}

/**
 * What a corrupt row shows of its envelope: the text parsed if it still
 * parses, else the text as payload; with the row's id either way, so that
 * `discard` (and a `requeue`, which refuses it) find the row by it.
 */
function standIn(text: string, id: string, createdAt: number): IntentEnvelope {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return { ...(parsed as IntentEnvelope), id };
  } catch {
    // falls through to the stand-in
  }
  return { id, type: 'corrupt', device: '', hlc: '', createdAt, payload: text } as IntentEnvelope;
}

/** SQL identifiers cannot be bound as parameters, so table names are checked instead. */
export function checkIdentifier(name: unknown, what: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(name)) {
    throw new TypeError(`${what} must be 1-48 characters of [A-Za-z0-9_], starting with a letter or _`);
  }
  return name;
}

/** A row as the Postgres claim returns it: `CLAIMED_COLUMNS` (pg-sql.ts). */
export type ClaimedRow = Pick<
  IntentRow,
  'seq' | 'attempts' | 'next_attempt_at' | 'last_error' | 'enqueued_at' | 'envelope' | 'checksum'
>;

/**
 * Like readRow, for a row just leased until `leaseUntil` (so live, and pending
 * no longer); undefined when its envelope fails the integrity check.
 */
export function claimedToQueued(row: ClaimedRow, leaseUntil: number, now: number): QueuedIntent | undefined {
  const intent = readChecked(row.envelope as string, row.checksum);
  if (!intent) return undefined;
  return toQueued(
    {
      seq: Number(row.seq),
      id: intent.id,
      partitionKey: intent.partitionKey,
      createdAt: intent.createdAt,
      enqueuedAt: Number(row.enqueued_at),
      attempts: row.attempts,
      nextAttemptAt: Number(row.next_attempt_at),
      leaseUntil,
      lastError: row.last_error ?? undefined,
      deadReason: undefined,
      deadAt: 0,
    },
    intent,
    now,
  );
}
