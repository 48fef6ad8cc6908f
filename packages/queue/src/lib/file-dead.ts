import type { IntentRef } from '../store.js';
import type { LogReader } from './file-reader.js';
import {
  discardFrame,
  type EnqueueIdentity,
  enqueueEnvelopeJson,
  enqueueFrame,
  identityOf,
  parseEnqueueHeader,
} from './file-records.js';
import type { FileWindow } from './file-window.js';
import type { LogWriter } from './log-writer.js';

/** What the dead-letter operations need of the store. */
export interface DeadLetterLog {
  window: FileWindow;
  reader: LogReader;
  writer: LogWriter;
  /** Assigns the next seq. */
  nextSeq(): number;
  /** Counts ENQUEUE bytes and intents that left the log's live part (negative: joined it). */
  freed(bytes: number, intents: number): void;
}

/** A dead intent found for requeue or discard, with what a fresh ENQUEUE record of it needs. */
export interface DeadFound {
  identity: EnqueueIdentity;
  hlc: string;
  envelopeJson: string;
  lastError: string | undefined;
}

/** Dead intents among `refs` (seq and id must both match), in seq order. Dead intents are all in the window. */
export async function findDead(
  window: FileWindow,
  reader: LogReader,
  refs: readonly IntentRef[],
): Promise<DeadFound[]> {
  const ids = new Map<number, string>();
  for (const ref of refs) {
    const i = window.find(ref.seq);
    if (i >= 0 && window.state(i)?.deadReason !== undefined) ids.set(ref.seq, ref.id);
  }
  const seqs = [...ids.keys()].sort((a, b) => a - b);
  const spots = seqs.map((seq) => {
    const i = window.find(seq);
    return { pos: window.pos(i), len: window.len(i), lastError: window.state(i)?.lastError };
  });
  const bodies = await reader.bodies(spots);
  const out: DeadFound[] = [];
  bodies.forEach((body, k) => {
    const header = parseEnqueueHeader(body);
    if (header.i !== ids.get(seqs[k]!)) return;
    out.push({
      identity: { ...identityOf(header), seq: seqs[k]! },
      hlc: header.h,
      envelopeJson: enqueueEnvelopeJson(body),
      lastError: spots[k]!.lastError,
    });
  });
  return out;
}

/**
 * Moves dead intents back to the end of the queue. Each becomes a fresh
 * ENQUEUE record (new seq, new enqueue time, attempts reset, last error kept)
 * appended in the same group as the DISCARD of its old seq, so the log stays
 * in seq order and a crash keeps either the old intent or the new one.
 */
export async function requeueDead(
  log: DeadLetterLog,
  refs: readonly IntentRef[],
  now: number,
): Promise<number> {
  const dead = await findDead(log.window, log.reader, refs);
  if (dead.length === 0) return 0;
  const fresh = dead.map((d) =>
    enqueueFrame({ ...d.identity, seq: log.nextSeq(), enqueuedAt: now }, d.hlc, d.envelopeJson, {
      attempts: 0,
      nextAttemptAt: now,
      leaseUntil: 0,
      lastError: d.lastError,
      deadReason: undefined,
      deadAt: 0,
    }),
  );
  await log.writer.append([discardFrame(dead.map((d) => d.identity.seq)), ...fresh]);
  dead.forEach((d, k) => {
    const i = log.window.find(d.identity.seq);
    if (i < 0) return;
    log.freed(log.window.len(i) - fresh[k]!.length, 0);
    log.window.remove(i);
  });
  return dead.length;
}

/** Deletes dead intents for good; returns how many. */
export async function discardDead(log: DeadLetterLog, refs: readonly IntentRef[]): Promise<number> {
  const dead = await findDead(log.window, log.reader, refs);
  if (dead.length === 0) return 0;
  await log.writer.append([discardFrame(dead.map((d) => d.identity.seq))], true);
  let removed = 0;
  for (const d of dead) {
    const i = log.window.find(d.identity.seq);
    if (i < 0) continue;
    log.freed(log.window.len(i), 1);
    log.window.remove(i);
    removed++;
  }
  return removed;
}
