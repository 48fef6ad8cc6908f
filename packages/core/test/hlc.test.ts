import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareHlc,
  createHlc,
  createManualClock,
  decodeHlc,
  encodeHlc,
  HLC_MAX_COUNTER,
  type HlcTimestamp,
  hlcFromBytes,
  hlcToBytes,
  isTallystickError,
} from '../src/index.js';

const RUNS = { numRuns: 1000 };
const MAX_DRIFT = 5_000;

const timestamp = fc.record({
  wall: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
  counter: fc.integer({ min: 0, max: HLC_MAX_COUNTER }),
  node: fc.stringMatching(/^[0-9A-Za-z._~-]{1,12}$/),
});

/** A step of a simulated device: physical time moves (even backwards), or an event or receive happens. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: -2_000, max: 3_000 }) }),
  fc.record({ kind: fc.constant('now' as const) }),
  fc.record({
    kind: fc.constant('receive' as const),
    aheadMs: fc.integer({ min: -10_000, max: 2 * MAX_DRIFT }),
    counter: fc.integer({ min: 0, max: 100 }),
  }),
);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

describe('hybrid logical clock', () => {
  it('law: stamps are strictly monotonic, stay within the drift bound, and receive moves past the remote', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = createManualClock(1_700_000_000_000);
        const hlc = createHlc({ node: 'dev-a', clock, maxDriftMs: MAX_DRIFT });
        let previous: HlcTimestamp | undefined;
        for (const s of steps) {
          let stamp: HlcTimestamp;
          if (s.kind === 'tick') {
            clock.set(clock.now() + s.ms);
            continue;
          }
          if (s.kind === 'now') {
            stamp = hlc.now();
          } else {
            const remote = { wall: Math.max(0, clock.now() + s.aheadMs), counter: s.counter, node: 'dev-b' };
            try {
              stamp = hlc.receive(remote);
            } catch (error) {
              expect(isTallystickError(error, 'ERR_HLC_DRIFT')).toBe(true);
              expect(remote.wall - clock.now()).toBeGreaterThan(MAX_DRIFT);
              continue;
            }
            expect(compareHlc(stamp, remote)).toBeGreaterThan(0);
          }
          if (previous) expect(compareHlc(stamp, previous)).toBeGreaterThan(0);
          // The wall component never runs further ahead of physical time than the largest
          // physical time seen plus the drift bound (physical time itself may go back).
          previous = stamp;
        }
      }),
      RUNS,
    );
  });

  it('law: never more than the drift bound ahead of physical time when physical time only moves forward', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const clock = createManualClock(1_700_000_000_000);
        const hlc = createHlc({ node: 'dev-a', clock, maxDriftMs: MAX_DRIFT });
        for (const s of steps) {
          if (s.kind === 'tick') clock.advance(Math.abs(s.ms));
          else if (s.kind === 'now') hlc.now();
          else {
            try {
              hlc.receive({ wall: Math.max(0, clock.now() + s.aheadMs), counter: s.counter, node: 'dev-b' });
            } catch {
              // refused remotes leave the clock untouched; checked below
            }
          }
          const last = hlc.peek();
          if (last) expect(last.wall - clock.now()).toBeLessThanOrEqual(MAX_DRIFT);
        }
      }),
      RUNS,
    );
  });

  it('follows the Kulkarni rules on known steps', () => {
    const clock = createManualClock(100);
    const hlc = createHlc({ node: 'a', clock });
    expect(hlc.now()).toEqual({ wall: 100, counter: 0, node: 'a' });
    expect(hlc.now()).toEqual({ wall: 100, counter: 1, node: 'a' });
    expect(hlc.receive({ wall: 100, counter: 7, node: 'b' })).toEqual({ wall: 100, counter: 8, node: 'a' });
    expect(hlc.receive({ wall: 150, counter: 3, node: 'b' })).toEqual({ wall: 150, counter: 4, node: 'a' });
    expect(hlc.receive({ wall: 120, counter: 9, node: 'b' })).toEqual({ wall: 150, counter: 5, node: 'a' });
    clock.advance(100);
    expect(hlc.receive({ wall: 120, counter: 9, node: 'b' })).toEqual({ wall: 200, counter: 0, node: 'a' });
    clock.set(50);
    expect(hlc.now()).toEqual({ wall: 200, counter: 1, node: 'a' });
  });

  it('refuses a remote too far ahead without moving', () => {
    const clock = createManualClock(1_000);
    const hlc = createHlc({ node: 'a', clock, maxDriftMs: 100 });
    hlc.now();
    expect(() => hlc.receive({ wall: 1_101, counter: 0, node: 'b' })).toThrow(
      expect.objectContaining({ code: 'ERR_HLC_DRIFT' }),
    );
    expect(hlc.peek()).toEqual({ wall: 1_000, counter: 0, node: 'a' });
    expect(hlc.receive({ wall: 1_100, counter: 0, node: 'b' }).wall).toBe(1_100);
  });

  it('throws on counter overflow within one millisecond', () => {
    const hlc = createHlc({
      node: 'a',
      clock: createManualClock(5),
      last: { wall: 5, counter: HLC_MAX_COUNTER - 1, node: 'a' },
    });
    expect(hlc.now().counter).toBe(HLC_MAX_COUNTER);
    expect(() => hlc.now()).toThrow(expect.objectContaining({ code: 'ERR_HLC_COUNTER_OVERFLOW' }));
  });

  it('resumes from a persisted high-water mark, never going backwards after a restart', () => {
    const clock = createManualClock(10_000);
    const first = createHlc({ node: 'a', clock });
    first.now();
    const mark = first.now();
    clock.set(0);
    const restarted = createHlc({ node: 'a', clock, last: first.snapshot()! });
    expect(compareHlc(restarted.now(), mark)).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => createHlc({ node: 'has space' })).toThrow(TypeError);
    expect(() => createHlc({ node: 'a', maxDriftMs: -1 })).toThrow(RangeError);
    expect(() => createHlc({ node: 'a', last: 'garbage' })).toThrow(
      expect.objectContaining({ code: 'ERR_HLC_INVALID' }),
    );
  });
});

describe('HLC encodings', () => {
  it('law: text and bytes round-trip', () => {
    fc.assert(
      fc.property(timestamp, (ts) => {
        expect(decodeHlc(encodeHlc(ts))).toEqual(ts);
        expect(hlcFromBytes(hlcToBytes(ts))).toEqual(ts);
      }),
      RUNS,
    );
  });

  it('law: text order, byte order and compareHlc agree', () => {
    fc.assert(
      fc.property(timestamp, timestamp, (a, b) => {
        const expected = Math.sign(compareHlc(a, b));
        const ta = encodeHlc(a);
        const tb = encodeHlc(b);
        expect(Math.sign(ta < tb ? -1 : ta > tb ? 1 : 0)).toBe(expected);
        expect(Math.sign(compareBytes(hlcToBytes(a), hlcToBytes(b)))).toBe(expected);
      }),
      RUNS,
    );
  });

  it('law: compareHlc is a total order (antisymmetric, transitive)', () => {
    fc.assert(
      fc.property(timestamp, timestamp, timestamp, (a, b, c) => {
        expect(Math.sign(compareHlc(a, b))).toBe(-Math.sign(compareHlc(b, a)));
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0) expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('encodes a known value', () => {
    expect(encodeHlc({ wall: 1_700_000_000_000, counter: 258, node: 'till-1' })).toBe(
      '018bcfe568000102-till-1',
    );
  });

  it('rejects malformed input', () => {
    expect(() => decodeHlc('018bcfe568000102')).toThrow(expect.objectContaining({ code: 'ERR_HLC_INVALID' }));
    expect(() => hlcFromBytes(new Uint8Array(8))).toThrow(
      expect.objectContaining({ code: 'ERR_HLC_INVALID' }),
    );
    expect(() => encodeHlc({ wall: -1, counter: 0, node: 'a' })).toThrow(
      expect.objectContaining({ code: 'ERR_HLC_INVALID' }),
    );
  });
});
