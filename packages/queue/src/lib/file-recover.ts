import { TallystickError } from '@tallystick/core';
import type { Settlement } from '../store.js';
import { type ClaimBody, parseClaim, parseSettle } from './file-bodies.js';
import { applySettlement } from './file-entry.js';
import { type DecodedFrame, decodeFrame, HEADER_BYTES, MAGIC, RecordType } from './file-frame.js';
import {
  type EnqueueHeader,
  type MetaBody,
  parseEnqueueHeader,
  parseJson,
  touchedFromHeader,
} from './file-records.js';
import { FileWindow, type Touched } from './file-window.js';
import { type FileHandleLike, readAt } from './fs-layer.js';

export interface RecoveredLog {
  /** Live entries before the read cursor. */
  window: FileWindow;
  /** States settled for intents past the cursor whose CLAIM record was lost; the store reads up to them on open. */
  ahead: Map<number, Touched | 'gone'>;
  cursor: number;
  cursorSeq: number;
  lastSeq: number;
  highWater: string | undefined;
  /** End of the last complete group: everything after it is a torn tail. */
  goodSize: number;
  liveBytes: number;
  liveCount: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Rebuilds the window (live entries before the read cursor) and the counters
 * from the log, applying whole groups only. Pristine intents after the cursor
 * are counted, never loaded, so memory does not grow with the backlog. Stops at the
 * first bad or short record; if a later group is intact, the damage is inside
 * acknowledged data and opening fails rather than silently dropping it.
 *
 * @throws {TallystickError} `ERR_STORE` on damage before the last group.
 */
export async function recoverLog(handle: FileHandleLike, fileSize: number): Promise<RecoveredLog> {
  const state = new Replay();
  let buffer = new Uint8Array(0);
  let bufferStart = 0;
  let readTo = 0;
  let at = 0;
  for (;;) {
    const result = decodeFrame(buffer, at - bufferStart);
    if (typeof result === 'object') {
      state.add(result, at);
      at += result.size;
      continue;
    }
    if (result === 'short' && readTo < fileSize) {
      const chunk = await readAt(handle, Math.min(CHUNK, fileSize - readTo), readTo);
      readTo += chunk.length;
      const rest = buffer.subarray(at - bufferStart);
      buffer = new Uint8Array(rest.length + chunk.length);
      buffer.set(rest);
      buffer.set(chunk, rest.length);
      bufferStart = at;
      if (chunk.length > 0) continue;
    }
    break;
  }
  if (at < fileSize && (await laterGroupExists(handle, at, fileSize))) {
    throw new TallystickError(
      'ERR_STORE',
      `queue log is damaged at byte ${at} and complete records follow; refusing to drop acknowledged intents`,
    );
  }
  return { ...state.result(), goodSize: state.goodSize };
}

/** Looks past a bad record for a COMMIT of a group that started after it. */
async function laterGroupExists(handle: FileHandleLike, from: number, fileSize: number): Promise<boolean> {
  for (let start = from + 1; start < fileSize; start += CHUNK) {
    const bytes = await readAt(handle, Math.min(CHUNK + 64, fileSize - start), start);
    for (let i = 0; i + HEADER_BYTES <= bytes.length; i++) {
      if (bytes[i] !== MAGIC || bytes[i + 1] !== RecordType.commit) continue;
      const frame = decodeFrame(bytes, i);
      if (typeof frame === 'object' && Number(new TextDecoder().decode(frame.body)) > from) return true;
    }
  }
  return false;
}

type Op = (r: Replay) => void;

/** Holds the ops of the group being read until its COMMIT shows it was complete. */
class Replay {
  readonly window = new FileWindow();
  readonly ahead = new Map<number, Touched | 'gone'>();
  cursor = 0;
  cursorSeq = 0;
  lastSeq = 0;
  highWater: string | undefined;
  goodSize = 0;
  liveBytes = 0;
  liveCount = 0;
  private group: Op[] = [];

  add(frame: DecodedFrame, pos: number): void {
    const body = frame.body;
    switch (frame.type) {
      case RecordType.commit:
        for (const op of this.group) op(this);
        this.group = [];
        this.goodSize = pos + frame.size;
        return;
      case RecordType.enqueue: {
        const header = parseEnqueueHeader(body);
        this.group.push((r) => r.enqueue(header, pos, frame.size));
        return;
      }
      case RecordType.claim: {
        const claim = parseClaim(parseJson(body));
        if (!claim) throw olderFormat(pos);
        this.group.push((r) => r.claim(claim));
        return;
      }
      case RecordType.settle: {
        const settlements = parseSettle(parseJson(body));
        if (!settlements) throw olderFormat(pos);
        this.group.push((r) => r.settle(settlements));
        return;
      }
      case RecordType.discard: {
        const seqs = parseJson<number[]>(body);
        this.group.push((r) => r.discard(seqs));
        return;
      }
      case RecordType.requeue:
        throw olderFormat(pos);
      case RecordType.meta: {
        const meta = parseJson<MetaBody>(body);
        this.group.push((r) => r.meta(meta));
        return;
      }
    }
  }

  enqueue(header: EnqueueHeader, pos: number, size: number): void {
    this.lastSeq = Math.max(this.lastSeq, header.s);
    this.raiseHighWater(header.h);
    this.liveCount++;
    this.liveBytes += size;
    // Unmarked records are pristine and stay on disk; only compaction's window records are loaded.
    if (header.m !== 1 || header.s <= this.window.lastSeq) return;
    const i = this.window.push(header.s, pos, size, header.t, header.k);
    const touched = touchedFromHeader(header);
    if (touched) Object.assign(this.window.touch(i), touched);
    this.cursor = pos + size;
    this.cursorSeq = Math.max(this.cursorSeq, header.s);
  }

  claim(claim: ClaimBody): void {
    for (const [seq, pos, len, enqueuedAt, partition] of claim.w) {
      if (seq <= this.window.lastSeq) continue;
      const early = this.ahead.get(seq);
      this.ahead.delete(seq);
      if (early === 'gone') continue;
      const i = this.window.push(seq, pos, len, enqueuedAt, partition ?? undefined);
      if (early) Object.assign(this.window.touch(i), early);
    }
    claim.s.forEach((seq, k) => {
      const i = this.window.find(seq);
      if (i < 0) return;
      const t = this.window.touch(i);
      if (t.deadReason !== undefined) return;
      t.attempts = claim.a[k] ?? t.attempts;
      t.leaseUntil = claim.l[k] ?? t.leaseUntil;
    });
    this.cursor = claim.c;
    this.cursorSeq = Math.max(this.cursorSeq, claim.q);
    // Early states at or before the cursor belong to intents the claim did not carry: they are gone.
    for (const seq of this.ahead.keys()) if (seq <= this.cursorSeq) this.ahead.delete(seq);
  }

  settle(settlements: readonly Settlement[]): void {
    for (const s of settlements) {
      const i = this.window.find(s.seq);
      if (i >= 0) {
        if (s.kind === 'ack') this.drop(i);
        else applySettlement(this.window.touch(i), s);
      } else if (s.seq > this.cursorSeq) {
        // Settled but past the cursor: its CLAIM record was lost to a failed write. Applied when read.
        const early = this.ahead.get(s.seq);
        if (early === 'gone') continue;
        if (s.kind === 'ack') {
          this.ahead.set(s.seq, 'gone');
          this.liveCount--;
        } else {
          this.ahead.set(s.seq, applySettlement(early ?? pristine(), s));
        }
      }
    }
  }

  discard(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const i = this.window.find(seq);
      if (i >= 0 && this.window.state(i)?.deadReason !== undefined) this.drop(i);
    }
  }

  meta(meta: MetaBody): void {
    this.lastSeq = Math.max(this.lastSeq, meta.q);
    if (meta.h !== undefined) this.raiseHighWater(meta.h);
  }

  result(): Omit<RecoveredLog, 'goodSize'> {
    const { window, ahead, cursor, cursorSeq, lastSeq, highWater, liveBytes, liveCount } = this;
    return { window, ahead, cursor, cursorSeq, lastSeq, highWater, liveBytes, liveCount };
  }

  private drop(i: number): void {
    this.liveBytes -= this.window.len(i);
    this.liveCount--;
    this.window.remove(i);
  }

  private raiseHighWater(hlc: string): void {
    // Encoded HLC text sorts like the timestamps (wall, counter, then node).
    if (this.highWater === undefined || hlc > this.highWater) this.highWater = hlc;
  }
}

/** Unreleased 0.x logs kept no read cursor and moved requeued intents by reference: refuse, never misread. */
function olderFormat(pos: number): TallystickError {
  return new TallystickError(
    'ERR_STORE',
    `queue log record at byte ${pos} is in the format of an earlier file store (before the read cursor); drain it with that version first`,
  );
}

function pristine(): Touched {
  return {
    attempts: 0,
    nextAttemptAt: 0,
    leaseUntil: 0,
    lastError: undefined,
    deadReason: undefined,
    deadAt: 0,
  };
}
