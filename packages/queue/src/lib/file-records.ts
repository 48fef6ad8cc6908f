import type { IntentEnvelope } from '@tallystick/core';
import type { Settlement } from '../store.js';
import type { DeadReason } from '../types.js';
import { encodeFrame, RecordType } from './file-frame.js';
import type { IntentState } from './state.js';

/**
 * Bodies of the file adapter's records. An ENQUEUE body is a small JSON
 * header, a newline, then the envelope's JSON: recovery parses only the
 * header, so reopening a log of a million intents never parses a payload.
 */
export interface EnqueueHeader {
  s: number;
  i: string;
  h: string;
  c: number;
  t: number;
  k?: string;
  a?: number;
  n?: number;
  l?: number;
  e?: string;
  d?: DeadReason;
  x?: number;
}

const decoder = new TextDecoder();
const NEWLINE = 0x0a;

/** An ENQUEUE record carrying `state` folded in, so compaction can drop every later record about it. */
export function enqueueFrame(state: IntentState, hlc: string, envelopeJson: string): Uint8Array {
  const header: EnqueueHeader = {
    s: state.seq,
    i: state.id,
    h: hlc,
    c: state.createdAt,
    t: state.enqueuedAt,
  };
  if (state.partitionKey !== undefined) header.k = state.partitionKey;
  if (state.attempts > 0) header.a = state.attempts;
  if (state.nextAttemptAt !== state.enqueuedAt) header.n = state.nextAttemptAt;
  if (state.leaseUntil > 0) header.l = state.leaseUntil;
  if (state.lastError !== undefined) header.e = state.lastError;
  if (state.deadReason !== undefined) {
    header.d = state.deadReason;
    header.x = state.deadAt;
  }
  return encodeFrame(RecordType.enqueue, `${JSON.stringify(header)}\n${envelopeJson}`);
}

export function parseEnqueueHeader(body: Uint8Array): EnqueueHeader {
  const end = body.indexOf(NEWLINE);
  return JSON.parse(decoder.decode(end < 0 ? body : body.subarray(0, end))) as EnqueueHeader;
}

export function parseEnqueueEnvelope(body: Uint8Array): IntentEnvelope {
  return JSON.parse(enqueueEnvelopeJson(body)) as IntentEnvelope;
}

export function enqueueEnvelopeJson(body: Uint8Array): string {
  const end = body.indexOf(NEWLINE);
  return decoder.decode(body.subarray(end + 1));
}

export function stateFromHeader(header: EnqueueHeader): IntentState {
  return {
    seq: header.s,
    id: header.i,
    partitionKey: header.k,
    createdAt: header.c,
    enqueuedAt: header.t,
    attempts: header.a ?? 0,
    nextAttemptAt: header.n ?? header.t,
    leaseUntil: header.l ?? 0,
    lastError: header.e,
    deadReason: header.d,
    deadAt: header.x ?? 0,
  };
}

export interface ClaimBody {
  s: number[];
  a: number[];
  l: number;
}

export function claimFrame(claimed: readonly IntentState[], leaseUntil: number): Uint8Array {
  const body: ClaimBody = { s: claimed.map((c) => c.seq), a: claimed.map((c) => c.attempts), l: leaseUntil };
  return encodeFrame(RecordType.claim, JSON.stringify(body));
}

export function settleFrame(settlements: readonly Settlement[]): Uint8Array {
  return encodeFrame(RecordType.settle, JSON.stringify(settlements));
}

export interface RequeueBody {
  m: [number, number][];
  t: number;
}

export function requeueFrame(moves: [number, number][], now: number): Uint8Array {
  return encodeFrame(RecordType.requeue, JSON.stringify({ m: moves, t: now } satisfies RequeueBody));
}

export function discardFrame(seqs: number[]): Uint8Array {
  return encodeFrame(RecordType.discard, JSON.stringify(seqs));
}

export interface MetaBody {
  /** The last seq ever assigned, so seqs never repeat after compaction. */
  q: number;
  h?: string;
}

export function metaFrame(meta: MetaBody): Uint8Array {
  return encodeFrame(RecordType.meta, JSON.stringify(meta));
}

export function parseJson<T>(body: Uint8Array): T {
  return JSON.parse(decoder.decode(body)) as T;
}
