/**
 * The file adapter streams its backlog: only the window of intents before the
 * read cursor lives in memory. These tests pin that down (window sizes), the
 * ordering rules across a blocked partition, recovery when a CLAIM record was
 * lost, and a model law: the file store, reopened and compacted at random, is
 * observationally the memory store.
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type FileStore, openFileStore } from '../src/file.js';
import { commitFrame, encodeFrame, RecordType } from '../src/lib/file-frame.js';
import { createMemoryStore } from '../src/memory.js';
import type { QueueStore, Settlement } from '../src/store.js';
import type { QueuedIntent } from '../src/types.js';
import { limitedFs } from './fs-fakes.js';
import { envelope, ids, listAll } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tallystick-file-stream-'));
let n = 0;
const newDir = () => join(root, `q${n++}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T0 = 1_700_000_000_000;
const LEASE = 60_000;
const claim = (store: QueueStore, now: number, limit = 100) =>
  store.claim({ limit, now, leaseMs: LEASE, owner: 't' });

describe('file store streaming', () => {
  it('keeps pristine intents on disk: nothing queued is held in memory, before or after a reopen', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    const sent = Array.from({ length: 3000 }, (_, i) =>
      envelope({ i }, i % 5 === 0 ? `p${i % 3}` : undefined),
    );
    for (let i = 0; i < sent.length; i += 500) await store.append(sent.slice(i, i + 500), T0);
    expect(store.windowSize).toBe(0);
    await store.close();
    const again = await openFileStore({ dir: d });
    expect(again.windowSize).toBe(0);
    expect(await again.count(T0)).toEqual({ pending: 3000, inflight: 0, dead: 0 });
    const batch = await claim(again, T0, 100);
    expect(ids(batch)).toEqual(sent.slice(0, 100).map((e) => e.id));
    expect(again.windowSize).toBe(100);
    await again.settle(batch.map((q) => ({ kind: 'ack', seq: q.seq, id: q.intent.id })));
    expect(again.windowSize).toBe(0);
    expect(ids(await listAll(again, T0))).toEqual(sent.slice(100).map((e) => e.id));
    await again.close();
  });

  it('reads past a blocked partition, holds what it read, and keeps that across a reopen and a compaction', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    const blocked = Array.from({ length: 300 }, (_, i) => envelope({ i }, 'stuck'));
    const free = Array.from({ length: 50 }, (_, i) => envelope({ free: i }));
    await store.append([...blocked, ...free], T0);
    const [head] = await claim(store, T0, 1);
    await store.settle([
      { kind: 'reschedule', seq: head!.seq, id: head!.intent.id, attempts: 1, nextAttemptAt: T0 + 5000 },
    ]);
    // The other 299 of "stuck" wait behind their head; the free intents after them go now.
    expect(ids(await claim(store, T0 + 1))).toEqual(free.map((e) => e.id));
    expect(store.windowSize).toBe(350);
    expect(await store.nextDueAt(T0 + 1)).toBe(T0 + 5000);
    for (const reopen of [false, true]) {
      await store.close();
      const again = await openFileStore({ dir: d });
      expect(again.windowSize).toBe(350);
      if (reopen) await again.compact();
      expect(await claim(again, T0 + 2)).toEqual([]);
      expect(await again.nextDueAt(T0 + 2)).toBe(T0 + 5000);
      await again.close();
    }
    const last = await openFileStore({ dir: d });
    const order = await claim(last, T0 + LEASE + 1, 1000);
    expect(ids(order)).toEqual([...blocked.map((e) => e.id), ...free.map((e) => e.id)]);
    await last.close();
  });

  it('a lost CLAIM record (failed write) loses nothing: its intents are claimable again, settled ones stay settled', async () => {
    const fs = limitedFs();
    const d = newDir();
    const store = await openFileStore({ dir: d, fs });
    const sent = Array.from({ length: 10 }, (_, i) => envelope({ i }));
    await store.append(sent, T0);
    fs.failDatasyncs = 1;
    const batch = await claim(store, T0, 5);
    const [a, b, c, e] = batch;
    await store.settle([
      { kind: 'ack', seq: a!.seq, id: a!.intent.id },
      { kind: 'ack', seq: b!.seq, id: b!.intent.id },
      {
        kind: 'reschedule',
        seq: c!.seq,
        id: c!.intent.id,
        attempts: 1,
        nextAttemptAt: T0 + 1000,
        error: 'x',
      },
      { kind: 'dead', seq: e!.seq, id: e!.intent.id, reason: 'permanent', at: T0 },
    ]);
    // A crash now: the CLAIM record is gone, the SETTLE record is durable.
    const copy = newDir();
    mkdirSync(copy);
    copyFileSync(join(d, 'queue.log'), join(copy, 'queue.log'));
    const crashed = await openFileStore({ dir: copy });
    expect(await crashed.count(T0)).toEqual({ pending: 7, inflight: 0, dead: 1 });
    const listed = await listAll(crashed, T0);
    expect(ids(listed)).toEqual(sent.slice(2).map((x) => x.id));
    expect(listed[0]!.lastError).toBe('x');
    expect(listed[1]!.deadReason).toBe('permanent');
    // The one whose claim was lost is claimable at once (its attempt uncounted), the rescheduled one later.
    expect(ids(await claim(crashed, T0 + 1))).toEqual([sent[4]!.id, ...sent.slice(5).map((x) => x.id)]);
    await crashed.compact();
    await crashed.close();
    const reopened = await openFileStore({ dir: copy });
    expect(ids(await listAll(reopened, T0 + 1))).toEqual(sent.slice(2).map((x) => x.id));
    await reopened.close();
    // The live store carries the failed record into its next one.
    expect(ids(await claim(store, T0 + 1))).toEqual(sent.slice(5).map((x) => x.id));
    await store.close();
    const live = await openFileStore({ dir: d });
    expect(await live.count(T0 + 1)).toEqual({ pending: 1, inflight: 6, dead: 1 });
    await live.close();
  });
});

describe('file store format', () => {
  it('refuses a log with a CLAIM record of the earlier format (no cursor) instead of misreading it', async () => {
    const d = newDir();
    const store = await openFileStore({ dir: d });
    await store.append([envelope()], T0);
    await store.close();
    const path = join(d, 'queue.log');
    const end = readFileSync(path).length;
    appendFileSync(path, encodeFrame(RecordType.claim, JSON.stringify({ s: [1], a: [1], l: T0 + LEASE })));
    appendFileSync(path, commitFrame(end));
    const error = await openFileStore({ dir: d }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/format of an earlier file store/);
  });
});

type Op =
  | { op: 'append'; count: number; partition: string | undefined }
  | { op: 'claim'; limit: number }
  | { op: 'settle'; kinds: number[] }
  | { op: 'requeue' | 'discard'; pick: number }
  | { op: 'tick'; ms: number }
  | { op: 'reopen' | 'compact' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('append' as const),
    count: fc.integer({ min: 1, max: 4 }),
    partition: fc.constantFrom(undefined, 'a', 'b'),
  }),
  fc.record({ op: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    op: fc.constant('settle' as const),
    kinds: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }),
  }),
  fc.record({ op: fc.constantFrom('requeue' as const, 'discard' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.constantFrom(1, 500, LEASE + 1) }),
  fc.record({ op: fc.constantFrom('reopen' as const, 'compact' as const) }),
);

function settlement(q: QueuedIntent, kind: number, now: number): Settlement {
  const ref = { seq: q.seq, id: q.intent.id };
  if (kind === 0 || kind === 1) return { kind: 'ack', ...ref };
  if (kind === 2)
    return { kind: 'reschedule', ...ref, attempts: q.attempts, nextAttemptAt: now + 500, error: 'e' };
  return { kind: 'dead', ...ref, reason: 'permanent', at: now };
}

describe('file store law', () => {
  it('law: reopened and compacted at random, the file store answers exactly as the memory store', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const d = newDir();
        const model = createMemoryStore();
        let file: FileStore = await openFileStore({ dir: d, compactMinBytes: 1500 });
        let now = T0;
        let inflight: QueuedIntent[] = [];
        try {
          for (const step of ops) {
            if (step.op === 'append') {
              const batch = Array.from({ length: step.count }, () => envelope({}, step.partition));
              await model.append(batch, now);
              await file.append(batch, now);
            } else if (step.op === 'claim') {
              const expected = await claim(model, now, step.limit);
              expect(await claim(file, now, step.limit)).toEqual(expected);
              inflight = expected;
            } else if (step.op === 'settle') {
              const s = inflight
                .slice(0, step.kinds.length)
                .map((q, i) => settlement(q, step.kinds[i]!, now));
              inflight = inflight.slice(step.kinds.length);
              await model.settle(s);
              await file.settle(s);
            } else if (step.op === 'requeue' || step.op === 'discard') {
              const dead = await listAll(model, now, 'dead');
              const target = dead[step.pick % Math.max(1, dead.length)];
              const refs = target ? [{ seq: target.seq, id: target.intent.id }] : [];
              if (step.op === 'requeue')
                expect(await file.requeue(refs, now)).toBe(await model.requeue(refs, now));
              else expect(await file.discard(refs)).toBe(await model.discard(refs));
            } else if (step.op === 'tick') {
              now += step.ms;
            } else if (step.op === 'reopen') {
              await file.close();
              file = await openFileStore({ dir: d, compactMinBytes: 1500 });
            } else {
              await file.compact();
            }
            expect(await listAll(file, now)).toEqual(await listAll(model, now));
            expect(await file.count(now)).toEqual(await model.count(now));
            expect(await file.nextDueAt(now)).toEqual(await model.nextDueAt(now));
          }
        } finally {
          await file.close();
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
