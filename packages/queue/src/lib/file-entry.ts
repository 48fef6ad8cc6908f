import type { DeadReason } from '../types.js';
import type { IntentState } from './state.js';

/**
 * A live intent of the file adapter: its delivery state and where its
 * ENQUEUE record sits in the log, nothing more (the payload stays on disk).
 * A class with every field set in the constructor keeps one hidden class for
 * all entries, which matters with a million of them queued.
 */
export class FileEntry implements IntentState {
  seq: number;
  id: string;
  partitionKey: string | undefined;
  createdAt: number;
  enqueuedAt: number;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  lastError: string | undefined;
  deadReason: DeadReason | undefined;
  deadAt: number;
  pos: number;
  len: number;

  constructor(state: IntentState, pos: number, len: number) {
    this.seq = state.seq;
    this.id = flat(state.id);
    this.partitionKey = state.partitionKey === undefined ? undefined : flat(state.partitionKey);
    this.createdAt = state.createdAt;
    this.enqueuedAt = state.enqueuedAt;
    this.attempts = state.attempts;
    this.nextAttemptAt = state.nextAttemptAt;
    this.leaseUntil = state.leaseUntil;
    this.lastError = state.lastError;
    this.deadReason = state.deadReason;
    this.deadAt = state.deadAt;
    this.pos = pos;
    this.len = len;
  }
}

/**
 * Strings built by concatenation (UUIDs, HLC text) are cons-string trees in
 * V8, several times larger than their characters; reading a character
 * flattens them in place. Measured: about 110 bytes saved per intent.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** A dead entry moved back to the end of the queue: fresh attempts, a new seq and a new age. */
export function requeued(old: FileEntry, seq: number, now: number): FileEntry {
  return new FileEntry(
    {
      ...old,
      seq,
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: 0,
      deadReason: undefined,
      deadAt: 0,
    },
    old.pos,
    old.len,
  );
}
