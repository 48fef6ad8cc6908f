import type { IntentEnvelope } from '@tallystick/core';
import type { DeadReason } from '../types.js';
import { envelopeJson } from './envelope-json.js';
import { encodeFrame, RecordType } from './file-frame.js';
import type { Touched } from './file-window.js';

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
  /** 1: written by compaction for a window entry. */
  m?: 1;
}

const decoder = new TextDecoder();
const NEWLINE = 0x0a;

/** Identity of an intent as its ENQUEUE header records it; `touched` folds a non-pristine state in. */
export interface EnqueueIdentity {
  seq: number;
  id: string;
  createdAt: number;
  enqueuedAt: number;
  partitionKey: string | undefined;
}

/**
 * An ENQUEUE record. `inWindow` marks a record compaction wrote for an entry
 * of the window (before the read cursor), so recovery rebuilds the window
 * from it; unmarked records after the cursor are pristine and stay on disk.
 */
export function enqueueFrame(
  intent: EnqueueIdentity,
  hlc: string,
  envelopeJson: string,
  touched?: Touched,
  inWindow = false,
): Uint8Array {
  const header: EnqueueHeader = {
    s: intent.seq,
    i: intent.id,
    h: hlc,
    c: intent.createdAt,
    t: intent.enqueuedAt,
  };
  if (intent.partitionKey !== undefined) header.k = intent.partitionKey;
  if (touched) {
    if (touched.attempts > 0) header.a = touched.attempts;
    if (touched.nextAttemptAt !== intent.enqueuedAt) header.n = touched.nextAttemptAt;
    if (touched.leaseUntil > 0) header.l = touched.leaseUntil;
    if (touched.lastError !== undefined) header.e = touched.lastError;
    if (touched.deadReason !== undefined) {
      header.d = touched.deadReason;
      header.x = touched.deadAt;
    }
  }
  if (inWindow) header.m = 1;
  return encodeFrame(RecordType.enqueue, `${JSON.stringify(header)}\n${envelopeJson}`);
}

/** ENQUEUE records of newly appended, pristine intents, with seqs from `firstSeq` on. */
export function appendFrames(
  intents: readonly IntentEnvelope[],
  firstSeq: number,
  now: number,
): Uint8Array[] {
  return intents.map((intent, i) => {
    // The header enqueueFrame would write for a pristine intent, without building an object for it;
    // id is a UUID and createdAt/now are integers, so only hlc and the key need escaping.
    const key = intent.partitionKey === undefined ? '' : `,"k":${JSON.stringify(intent.partitionKey)}`;
    const header = `{"s":${firstSeq + i},"i":"${intent.id}","h":${JSON.stringify(intent.hlc)},"c":${intent.createdAt},"t":${now}${key}}`;
    return encodeFrame(RecordType.enqueue, `${header}\n${envelopeJson(intent)}`);
  });
}

/** The identity an ENQUEUE header records. */
export function identityOf(header: EnqueueHeader): EnqueueIdentity {
  return { seq: header.s, id: header.i, createdAt: header.c, enqueuedAt: header.t, partitionKey: header.k };
}

export function parseEnqueueHeader(body: Uint8Array): EnqueueHeader {
  const end = body.indexOf(NEWLINE);
  return JSON.parse(decoder.decode(end < 0 ? body : body.subarray(0, end))) as EnqueueHeader;
}

/** Header and envelope text of an ENQUEUE body, decoded once. */
export function splitEnqueue(body: Uint8Array): { header: EnqueueHeader; envelopeJson: string } {
  const text = decoder.decode(body);
  const end = text.indexOf('\n');
  return { header: JSON.parse(text.slice(0, end)) as EnqueueHeader, envelopeJson: text.slice(end + 1) };
}

export function parseEnqueueEnvelope(body: Uint8Array): IntentEnvelope {
  return JSON.parse(enqueueEnvelopeJson(body)) as IntentEnvelope;
}

export function enqueueEnvelopeJson(body: Uint8Array): string {
  const end = body.indexOf(NEWLINE);
  return decoder.decode(body.subarray(end + 1));
}

/** The state folded into a header, or undefined when the intent is pristine (never claimed). */
export function touchedFromHeader(header: EnqueueHeader): Touched | undefined {
  if (
    header.a === undefined &&
    header.n === undefined &&
    header.l === undefined &&
    header.e === undefined &&
    header.d === undefined
  )
    return undefined;
  return {
    attempts: header.a ?? 0,
    nextAttemptAt: header.n ?? header.t,
    leaseUntil: header.l ?? 0,
    lastError: header.e,
    deadReason: header.d,
    deadAt: header.x ?? 0,
  };
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
