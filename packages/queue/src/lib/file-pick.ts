import type { IntentEnvelope } from '@tallystick/core';
import type { ClaimRequest } from '../store.js';
import type { QueuedIntent } from '../types.js';
import type { LogCursor } from './file-cursor.js';
import { queuedOf } from './file-entry.js';
import type { LogReader } from './file-reader.js';
import type { Touched } from './file-window.js';
import { BatchPicker } from './picker.js';

interface Chosen {
  seq: number;
  pos: number;
  len: number;
  enqueuedAt: number;
  state: Touched;
  attemptsBefore: number;
  leaseBefore: number;
  /** The envelope's JSON when the claim just read it from the log. */
  json: string | undefined;
}

/**
 * Chooses a claim's batch with the shared {@link BatchPicker} rules: first the
 * window in seq order, then pristine records read forward from the cursor,
 * whose seqs all follow the window's. Reading stops as soon as the batch is
 * full; records read but not taken (their partition is blocked, or they are
 * not due) stay in the window as compact entries. Chosen intents get their
 * attempt and lease at once, in memory.
 */
export async function pickBatch(cursor: LogCursor, request: ClaimRequest, end: number): Promise<PickedBatch> {
  const window = cursor.window;
  const picker = new BatchPicker(request.limit, request.now);
  const seqs: number[] = [];
  const bodies = new Map<number, string>();
  for (const i of window.indices()) {
    if (picker.full) break;
    const t = window.state(i);
    if (t?.deadReason !== undefined) continue;
    const due = t?.nextAttemptAt ?? window.enqueuedAt(i);
    if (picker.offer(window.partition(i), due, t?.leaseUntil ?? 0)) seqs.push(window.seq(i));
  }
  while (!picker.full) {
    const read = await cursor.advance(end);
    if (!read) break;
    const i = window.find(read.seq);
    const t = window.state(i);
    if (t?.deadReason !== undefined) continue;
    const due = t?.nextAttemptAt ?? window.enqueuedAt(i);
    if (picker.offer(window.partition(i), due, t?.leaseUntil ?? 0)) {
      seqs.push(read.seq);
      bodies.set(read.seq, read.envelopeJson);
    }
  }
  // A stale settle (of an expired lease) may have removed a chosen entry while this claim read the log.
  const live = seqs.filter((seq) => window.find(seq) >= 0);
  const chosen = live.map((seq): Chosen => {
    const i = window.find(seq);
    const state = window.touch(i);
    const entry = {
      seq,
      pos: window.pos(i),
      len: window.len(i),
      enqueuedAt: window.enqueuedAt(i),
      state,
      attemptsBefore: state.attempts,
      leaseBefore: state.leaseUntil,
      json: bodies.get(seq),
    };
    state.attempts++;
    state.leaseUntil = request.now + request.leaseMs;
    state.leaseOwner = request.owner;
    return entry;
  });
  cursor.claimed(live);
  return new PickedBatch(chosen);
}

/** A claimed batch whose envelopes are still to be read. */
export class PickedBatch {
  constructor(private readonly chosen: readonly Chosen[]) {}

  /** The public views, reading from the log only the envelopes the claim did not just read. */
  async materialize(reader: LogReader, now: number): Promise<QueuedIntent[]> {
    const missing = this.chosen.filter((c) => c.json === undefined);
    const read = await reader.read(missing);
    let k = 0;
    return this.chosen.map((c) => {
      const intent = c.json === undefined ? read[k++]! : (JSON.parse(c.json) as IntentEnvelope);
      return queuedOf(c.seq, c.enqueuedAt, c.state, intent, now);
    });
  }

  /** Gives the claim back when the envelopes cannot be read: deliverable now rather than after the lease. */
  undo(): void {
    for (const c of this.chosen) {
      c.state.attempts = c.attemptsBefore;
      c.state.leaseUntil = c.leaseBefore;
    }
  }
}
