import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, RecordType } from '../src/lib/file-frame.js';
import type { FileHandleLike } from '../src/lib/fs-layer.js';
import { GroupPace } from '../src/lib/group-pace.js';
import { LogWriter } from '../src/lib/log-writer.js';

/**
 * An in-memory file whose fsyncs complete when fast-check's scheduler says so:
 * the bytes written before an fsync started become durable when it returns.
 * It records what the writer must never do: write or sync while a sync runs,
 * or run an exclusive job inside a group.
 */
function scheduledFile(s: fc.Scheduler, withWriteSync: boolean) {
  const state = {
    file: new Uint8Array(0),
    durable: new Uint8Array(0),
    syncing: 0,
    violations: [] as string[],
  };
  const put = (bytes: Uint8Array, offset: number, length: number, position: number) => {
    if (state.syncing > 0) state.violations.push('write while an fsync runs');
    if (position + length > state.file.length) {
      const grown = new Uint8Array(position + length);
      grown.set(state.file);
      state.file = grown;
    }
    state.file.set(bytes.subarray(offset, offset + length), position);
    return length;
  };
  const handle: FileHandleLike = {
    read: async () => ({ bytesRead: 0 }),
    write: async (b, o, l, p) => ({ bytesWritten: put(b, o, l, p) }),
    ...(withWriteSync ? { writeSync: put } : {}),
    async datasync() {
      if (state.syncing > 0) state.violations.push('two fsyncs at once');
      state.syncing++;
      const image = state.file.slice();
      await s.schedule(Promise.resolve(), 'fsync');
      state.durable = image;
      state.syncing--;
    },
    sync: async () => undefined,
    truncate: async (length) => {
      state.file = state.file.slice(0, length);
    },
    stat: async () => ({ size: state.file.length }),
    close: async () => undefined,
  };
  return { handle, state };
}

const frameOf = (producer: number, n: number) =>
  encodeFrame(RecordType.discard, JSON.stringify([producer, n]));

/** The non-COMMIT frames of `bytes` in file order, and whether every group ends with a COMMIT. */
function framesIn(bytes: Uint8Array): { bodies: string[]; closed: boolean } {
  const bodies: string[] = [];
  let at = 0;
  let closed = true;
  for (;;) {
    const frame = decodeFrame(bytes, at);
    if (typeof frame === 'string') break;
    if (frame.type === RecordType.commit) closed = true;
    else {
      bodies.push(new TextDecoder().decode(frame.body));
      closed = false;
    }
    at += frame.size;
  }
  return { bodies, closed };
}

describe('log writer', () => {
  it('law: whatever the pacing and fsync timing, frames land in submission order, each append resolves only once durable, and groups, fsyncs and exclusive jobs never overlap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.boolean(),
        fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat({ max: 20 }), { maxLength: 3 }),
        async (s, withWriteSync, steps, producers, exclusiveAt) => {
          const { handle, state } = scheduledFile(s, withWriteSync);
          // A clock that moves by the given steps (µs) on every reading, so early starts and overlaps happen.
          let t = 0;
          let i = 0;
          const pace = new GroupPace(() => {
            t += steps[i++ % steps.length]! / 1000;
            return t;
          });
          const writer = new LogWriter(handle, 0, () => 0, pace);
          const submitted: string[] = [];
          let appends = 0;
          const runs = producers.map(async (hops, p) => {
            for (let n = 0; n < hops.length; n++) {
              for (let h = 0; h < hops[n]!; h++) await null;
              const frame = frameOf(p, n);
              submitted.push(JSON.stringify([p, n]));
              const [offset] = await writer.append([frame]);
              // Durable at its offset the moment it resolves.
              expect(state.durable.subarray(offset!, offset! + frame.length)).toEqual(new Uint8Array(frame));
              appends++;
              if (exclusiveAt.includes(appends)) {
                await writer.exclusive(async () => {
                  if (state.syncing > 0) state.violations.push('exclusive job during an fsync');
                });
              }
            }
          });
          await s.waitFor(Promise.all(runs));
          await s.waitFor(writer.close());
          expect(state.violations).toEqual([]);
          const { bodies, closed } = framesIn(state.durable);
          expect(bodies).toEqual(submitted);
          expect(closed).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('64 appends of one tick share one fsync when no estimate says otherwise', async () => {
    let syncs = 0;
    const s = { schedule: async () => undefined } as unknown as fc.Scheduler;
    const { handle } = scheduledFile(s, true);
    const counted = { ...handle, datasync: async () => void syncs++ };
    const writer = new LogWriter(counted, 0);
    await Promise.all(Array.from({ length: 64 }, (_, n) => writer.append([frameOf(0, n)])));
    expect(syncs).toBe(1);
    expect(writer.groups).toBe(1);
  });
});

describe('group pacing', () => {
  const paced = () => {
    let now = 0;
    const pace = new GroupPace(() => now);
    return { pace, at: (ms: number) => void (now = ms) };
  };

  it('never starts early before it has timed a group', () => {
    const { pace, at } = paced();
    pace.arrived();
    at(1_000);
    expect(pace.startEarly()).toBe(false);
  });

  it('on a fast disk, starts a group once appends have gathered for as long as its I/O takes, and overlaps groups', () => {
    const { pace, at } = paced();
    // A burst of 64 appends 15 µs apart, then a group whose I/O takes 0.15 ms.
    for (let n = 0; n < 64; n++) {
      at(n * 0.015);
      pace.arrived();
    }
    const started = pace.groupStarted();
    at(64 * 0.015 + 0.15);
    expect(pace.groupDone(64, started, true)).toBe(true);
    pace.arrived();
    at(64 * 0.015 + 0.2);
    expect(pace.startEarly()).toBe(false);
    at(64 * 0.015 + 0.35);
    expect(pace.startEarly()).toBe(true);
  });

  it('on a slow disk, merges the cohorts: the next group waits for the burst', () => {
    const { pace, at } = paced();
    for (let n = 0; n < 32; n++) {
      at(n * 0.015);
      pace.arrived();
    }
    const started = pace.groupStarted();
    at(32 * 0.015 + 5);
    expect(pace.groupDone(32, started, true)).toBe(false);
    pace.arrived();
    at(32 * 0.015 + 5 + 1);
    expect(pace.startEarly()).toBe(false);
  });

  it('does not overlap when nothing is waiting', () => {
    const { pace, at } = paced();
    pace.arrived();
    at(0.01);
    pace.arrived();
    const started = pace.groupStarted();
    at(0.02);
    expect(pace.groupDone(2, started, false)).toBe(false);
  });
});
