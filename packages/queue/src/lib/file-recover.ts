import { TallystickError } from '@tallystick/core';
import type { Settlement } from '../store.js';
import { FileEntry, requeued } from './file-entry.js';
import { type DecodedFrame, decodeFrame, HEADER_BYTES, MAGIC, RecordType } from './file-frame.js';
import {
  type ClaimBody,
  type MetaBody,
  parseEnqueueHeader,
  parseJson,
  type RequeueBody,
  stateFromHeader,
} from './file-records.js';
import { type FileHandleLike, readAt } from './fs-layer.js';
import { StateTable } from './state-table.js';

export interface RecoveredLog {
  table: StateTable<FileEntry>;
  lastSeq: number;
  highWater: string | undefined;
  /** End of the last complete group: everything after it is a torn tail. */
  goodSize: number;
  liveBytes: number;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Rebuilds the table from the log, applying whole groups only. Stops at the
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
  readonly table = new StateTable<FileEntry>();
  lastSeq = 0;
  highWater: string | undefined;
  goodSize = 0;
  liveBytes = 0;
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
        const entry = new FileEntry(stateFromHeader(header), pos, frame.size);
        this.group.push((r) => r.enqueue(entry, header.h));
        return;
      }
      case RecordType.claim: {
        const claim = parseJson<ClaimBody>(body);
        this.group.push((r) => r.claim(claim));
        return;
      }
      case RecordType.settle: {
        const settlements = parseJson<Settlement[]>(body);
        this.group.push((r) => r.settle(settlements));
        return;
      }
      case RecordType.requeue: {
        const requeue = parseJson<RequeueBody>(body);
        this.group.push((r) => r.requeue(requeue));
        return;
      }
      case RecordType.discard: {
        const seqs = parseJson<number[]>(body);
        this.group.push((r) => {
          for (const s of seqs) r.drop(s);
        });
        return;
      }
      case RecordType.meta: {
        const meta = parseJson<MetaBody>(body);
        this.group.push((r) => r.meta(meta));
        return;
      }
    }
  }

  enqueue(entry: FileEntry, hlc?: string): void {
    this.lastSeq = Math.max(this.lastSeq, entry.seq);
    if (hlc !== undefined) this.raiseHighWater(hlc);
    if (entry.seq <= this.table.lastSeq) return;
    this.table.add(entry);
    this.liveBytes += entry.len;
  }

  claim(claim: ClaimBody): void {
    claim.s.forEach((seq, i) => {
      const entry = this.table.get(seq);
      if (!entry || entry.deadReason !== undefined) return;
      entry.attempts = claim.a[i] ?? entry.attempts;
      entry.leaseUntil = claim.l;
    });
  }

  settle(settlements: Settlement[]): void {
    for (const s of settlements) if (s.kind === 'ack') this.drop(s.seq, false);
    this.table.settle(settlements.filter((s) => s.kind !== 'ack'));
  }

  requeue({ m, t }: RequeueBody): void {
    for (const [from, to] of m) {
      const old = this.table.get(from);
      this.lastSeq = Math.max(this.lastSeq, to);
      if (!old || old.deadReason === undefined || to <= this.table.lastSeq) continue;
      this.drop(from);
      this.enqueue(requeued(old, to, t));
    }
  }

  drop(seq: number, onlyDead = true): void {
    const entry = this.table.get(seq);
    if (!entry || (onlyDead && entry.deadReason === undefined)) return;
    this.table.remove(seq);
    this.liveBytes -= entry.len;
  }

  meta(meta: MetaBody): void {
    this.lastSeq = Math.max(this.lastSeq, meta.q);
    if (meta.h !== undefined) this.raiseHighWater(meta.h);
  }

  result(): Omit<RecoveredLog, 'goodSize'> {
    return { table: this.table, lastSeq: this.lastSeq, highWater: this.highWater, liveBytes: this.liveBytes };
  }

  private raiseHighWater(hlc: string): void {
    // Encoded HLC text sorts like the timestamps (wall, counter, then node).
    if (this.highWater === undefined || hlc > this.highWater) this.highWater = hlc;
  }
}
