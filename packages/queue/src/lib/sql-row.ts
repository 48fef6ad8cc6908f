import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason, QueuedIntent } from '../types.js';
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
}

/** Columns in the order the SQL adapters select them. */
export const ROW_COLUMNS =
  'seq, id, partition_key, dead, attempts, next_attempt_at, lease_until, last_error, dead_reason, dead_at, enqueued_at, created_at, envelope';

// Postgres returns BIGINT as text to avoid precision loss; epoch ms and seqs stay well below 2^53.
const num = (v: number | string) => (typeof v === 'number' ? v : Number(v));

export function rowToQueued(row: IntentRow, now: number): QueuedIntent {
  const dead = row.dead === true || row.dead === 1;
  const intent =
    typeof row.envelope === 'string' ? (JSON.parse(row.envelope) as IntentEnvelope) : row.envelope;
  return toQueued(
    {
      seq: num(row.seq),
      id: row.id,
      partitionKey: row.partition_key ?? undefined,
      createdAt: num(row.created_at),
      enqueuedAt: num(row.enqueued_at),
      attempts: row.attempts,
      nextAttemptAt: num(row.next_attempt_at),
      leaseUntil: num(row.lease_until),
      lastError: row.last_error ?? undefined,
      deadReason: dead ? ((row.dead_reason ?? 'permanent') as DeadReason) : undefined,
      deadAt: num(row.dead_at),
    },
    intent,
    now,
  );
}

/** SQL identifiers cannot be bound as parameters, so table names are checked instead. */
export function checkIdentifier(name: unknown, what: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(name)) {
    throw new TypeError(`${what} must be 1-48 characters of [A-Za-z0-9_], starting with a letter or _`);
  }
  return name;
}
