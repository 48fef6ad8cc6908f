import type { ListRequest } from '../store.js';
import type { QueuedIntent } from '../types.js';
import type { LogCursor } from './file-cursor.js';
import { queuedOf } from './file-entry.js';
import { RecordType } from './file-frame.js';
import type { LogReader } from './file-reader.js';
import { parseEnqueueEnvelope, parseEnqueueHeader, touchedFromHeader } from './file-records.js';
import { FrameScanner, PEEK_CHUNK } from './file-scan.js';
import type { Touched } from './file-window.js';
import type { FileHandleLike } from './fs-layer.js';
import { statusOf } from './state.js';

/** How far `nextDueAt` reads past the cursor looking for a partition the window does not block. */
const DUE_SCAN_BYTES = 4 * 1024 * 1024;

/**
 * A page in seq order: the window first, then (for pending intents, the only
 * status past the cursor) records read from the log without moving the cursor.
 */
export async function listEntries(
  cursor: LogCursor,
  reader: LogReader,
  request: ListRequest,
  end: number,
): Promise<QueuedIntent[]> {
  const { window } = cursor;
  const fromWindow: {
    seq: number;
    pos: number;
    len: number;
    enqueuedAt: number;
    state: Touched | undefined;
  }[] = [];
  for (const i of window.indices(request.afterSeq)) {
    if (fromWindow.length >= request.limit) break;
    const state = window.state(i);
    if (request.status && statusOf(state?.deadReason, state?.leaseUntil ?? 0, request.now) !== request.status)
      continue;
    fromWindow.push({
      seq: window.seq(i),
      pos: window.pos(i),
      len: window.len(i),
      enqueuedAt: window.enqueuedAt(i),
      state,
    });
  }
  const envelopes = await reader.read(fromWindow);
  const out = fromWindow.map((e, k) => queuedOf(e.seq, e.enqueuedAt, e.state, envelopes[k]!, request.now));
  if (request.status !== undefined && request.status !== 'pending') return out;
  const scanner = new FrameScanner(reader.handle, cursor.cursor, end, PEEK_CHUNK);
  for (let next = await scanner.next(); next && out.length < request.limit; next = await scanner.next()) {
    if (next.frame.type !== RecordType.enqueue) continue;
    const header = parseEnqueueHeader(next.frame.body);
    if (request.afterSeq !== undefined && header.s <= request.afterSeq) continue;
    const intent = parseEnqueueEnvelope(next.frame.body);
    out.push(queuedOf(header.s, header.t, touchedFromHeader(header), intent, request.now));
  }
  return out;
}

/**
 * The earliest time a claim could take something: over the window as the
 * picker sees it (dead intents and all but a partition's first ignored), then
 * the first record past the cursor whose partition the window does not block.
 * Past the cursor everything is pending and due at its enqueue time.
 */
export async function nextDue(
  cursor: LogCursor,
  handle: FileHandleLike,
  end: number,
): Promise<number | undefined> {
  const { window } = cursor;
  const seen = new Set<string>();
  let earliest: number | undefined;
  const offer = (partition: string | undefined, due: number) => {
    if (partition !== undefined) {
      if (seen.has(partition)) return false;
      seen.add(partition);
    }
    if (earliest === undefined || due < earliest) earliest = due;
    return true;
  };
  for (const i of window.indices()) {
    const t = window.state(i);
    if (t?.deadReason !== undefined) continue;
    offer(window.partition(i), Math.max(t?.nextAttemptAt ?? window.enqueuedAt(i), t?.leaseUntil ?? 0));
  }
  const scanner = new FrameScanner(handle, cursor.cursor, end, PEEK_CHUNK);
  for (let next = await scanner.next(); next; next = await scanner.next()) {
    if (next.frame.type !== RecordType.enqueue) continue;
    const header = parseEnqueueHeader(next.frame.body);
    const due = touchedFromHeader(header)?.nextAttemptAt ?? header.t;
    // A pending intent lies further on: never report "nothing due" while one exists.
    if (offer(header.k, due) || scanner.pos - cursor.cursor > DUE_SCAN_BYTES) {
      earliest = Math.min(earliest ?? due, due);
      break;
    }
  }
  return earliest;
}
