import type { Settlement } from '../store.js';
import { encodeFrame, RecordType } from './file-frame.js';
import type { WindowRow } from './file-window.js';

/**
 * A CLAIM record: the window entries read from the log for this claim (`w`),
 * the claimed seqs with their attempts and leases, and the read cursor
 * afterwards (`c`, a log position; `q`, the last seq read). Every entry
 * before `c` is in the window or gone, so recovery never loads what lies
 * before it, and what lies after it is pristine.
 */
export interface ClaimBody {
  w: WindowRow[];
  s: number[];
  a: number[];
  l: number[];
  c: number;
  q: number;
}

/**
 * On disk, CLAIM and SETTLE bodies are written once per batch and read only
 * by recovery, so they are packed: runs of seqs, positions and times as
 * differences (mostly 1 or 0), a value shared by a whole batch once, and no
 * intent ids. That halves the bytes each batch adds to the log next to the
 * plain JSON of the same records.
 */
interface ClaimWire {
  /** Rows flattened as [Δseq, gap to the previous row's end, len, Δenqueued, partition or 0]. */
  w: (number | string)[];
  s: number[];
  a: number | number[];
  l: number | number[];
  c: number;
  q: number;
}

interface SettleWire {
  /** Acked seqs, as differences. */
  k: number[];
  /** Reschedules (`n` set) and dead (`d` set), without ids. */
  o: { s: number; a?: number; n?: number; d?: string; x?: number; e?: string }[];
}

export function claimFrame(body: ClaimBody): Uint8Array {
  const w: (number | string)[] = [];
  let seq = 0;
  let end = 0;
  let enqueued = 0;
  for (const [s, pos, len, at, partition] of body.w) {
    w.push(s - seq, pos - end, len, at - enqueued, partition ?? 0);
    seq = s;
    end = pos + len;
    enqueued = at;
  }
  const wire: ClaimWire = {
    w,
    s: deltas(body.s),
    a: shared(body.a),
    l: shared(body.l),
    c: body.c,
    q: body.q,
  };
  return encodeFrame(RecordType.claim, JSON.stringify(wire));
}

export function parseClaim(json: unknown): ClaimBody | undefined {
  const wire = json as Partial<ClaimWire>;
  if (!Array.isArray(wire.w) || !Array.isArray(wire.s)) return undefined;
  const w: WindowRow[] = [];
  let seq = 0;
  let end = 0;
  let enqueued = 0;
  for (let i = 0; i + 4 < wire.w.length; i += 5) {
    seq += wire.w[i] as number;
    const pos = end + (wire.w[i + 1] as number);
    const len = wire.w[i + 2] as number;
    enqueued += wire.w[i + 3] as number;
    const partition = wire.w[i + 4];
    w.push([seq, pos, len, enqueued, typeof partition === 'string' ? partition : null]);
    end = pos + len;
  }
  const s = sums(wire.s);
  return { w, s, a: spread(wire.a, s.length), l: spread(wire.l, s.length), c: wire.c ?? 0, q: wire.q ?? 0 };
}

export function settleFrame(settlements: readonly Settlement[]): Uint8Array {
  const acked: number[] = [];
  const o: SettleWire['o'] = [];
  for (const st of settlements) {
    if (st.kind === 'ack') {
      acked.push(st.seq);
      continue;
    }
    const item: SettleWire['o'][number] =
      st.kind === 'reschedule'
        ? { s: st.seq, a: st.attempts, n: st.nextAttemptAt }
        : { s: st.seq, d: st.reason, x: st.at };
    if (st.error !== undefined) item.e = st.error;
    o.push(item);
  }
  return encodeFrame(RecordType.settle, JSON.stringify({ k: deltas(acked), o } satisfies SettleWire));
}

/** The settlements of a SETTLE body; ids are not stored (recovery goes by seq). */
export function parseSettle(json: unknown): Settlement[] | undefined {
  const wire = json as Partial<SettleWire>;
  if (!Array.isArray(wire.k) || !Array.isArray(wire.o)) return undefined;
  const out: Settlement[] = sums(wire.k).map((seq) => ({ kind: 'ack', seq, id: '' }));
  for (const item of wire.o) {
    const base = item.e === undefined ? {} : { error: item.e };
    if (item.d === undefined) {
      out.push({
        kind: 'reschedule',
        seq: item.s,
        id: '',
        attempts: item.a ?? 0,
        nextAttemptAt: item.n ?? 0,
        ...base,
      });
    } else {
      out.push({ kind: 'dead', seq: item.s, id: '', reason: item.d as never, at: item.x ?? 0, ...base });
    }
  }
  return out;
}

function deltas(values: readonly number[]): number[] {
  let prev = 0;
  return values.map((v) => {
    const d = v - prev;
    prev = v;
    return d;
  });
}

function sums(values: readonly number[]): number[] {
  let acc = 0;
  return values.map((d) => {
    acc += d;
    return acc;
  });
}

function shared(values: readonly number[]): number | number[] {
  return values.length > 0 && values.every((v) => v === values[0]) ? values[0]! : [...values];
}

function spread(value: number | number[] | undefined, length: number): number[] {
  if (Array.isArray(value)) return value;
  return Array.from({ length }, () => value ?? 0);
}
