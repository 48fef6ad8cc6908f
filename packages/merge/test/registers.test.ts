import {
  compareVersioned,
  firstWriterWins,
  lastWriterWins,
  mergeAll,
  resolveAll,
  type Versioned,
  versioned,
} from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { device, lawSuite, stamp } from './support/laws.js';

const write = fc.record({
  value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y')),
  hlc: stamp,
  device,
}) as fc.Arbitrary<Versioned<number | string>>;
const writes = fc.array(write, { minLength: 3, maxLength: 8 });

describe('lastWriterWins', () => {
  lawSuite(lastWriterWins<number | string>(), writes);

  it('keeps the greatest stamp, and breaks an equal stamp by device id', () => {
    const lww = lastWriterWins<string>();
    const early = versioned('early', '0000000000010000-z', 'z');
    const late = versioned('late', '0000000000020000-a', 'a');
    expect(lww.resolve(lww.merge(early, late)).value).toBe('late');
    const hq = versioned('hq', { wall: 5, counter: 0, node: 'x' }, 'hq');
    const till = versioned('till', { wall: 5, counter: 0, node: 'x' }, 'till-7');
    expect(lww.resolve(lww.merge(hq, till)).value).toBe('till');
    expect(lww.resolve(lww.merge(till, hq)).value).toBe('till');
  });

  it('lacks: a concurrent write is dropped, not kept', () => {
    fc.assert(
      fc.property(write, write, (a, b) => {
        fc.pre(compareVersioned(a, b) !== 0);
        const kept = lastWriterWins<number | string>().merge(a, b);
        expect([a, b].filter((w) => w === kept)).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('firstWriterWins', () => {
  lawSuite(firstWriterWins<number | string>(), writes);

  it('keeps the smallest stamp whatever the arrival order', () => {
    fc.assert(
      fc.property(writes, (all) => {
        const fww = firstWriterWins<number | string>();
        const earliest = [...all].sort(compareVersioned)[0]!;
        expect(mergeAll(fww, all)).toEqual(earliest);
        expect(resolveAll(fww, [...all].reverse())).toEqual({ value: earliest.value });
      }),
      { numRuns: 1000 },
    );
  });

  it('lacks stability: a late-arriving earlier write takes over', () => {
    const fww = firstWriterWins<string>();
    const seenFirst = versioned('till-2', '0000000000050000-till-2', 'till-2');
    const offline = versioned('till-1', '0000000000010000-till-1', 'till-1');
    expect(fww.resolve(seenFirst).value).toBe('till-2');
    expect(fww.resolve(fww.merge(seenFirst, offline)).value).toBe('till-1');
  });
});

describe('versioned', () => {
  it('decodes text stamps and refuses bad devices', () => {
    expect(versioned(1, '0000000000010002-a', 'a').hlc).toEqual({ wall: 1, counter: 2, node: 'a' });
    expect(() => versioned(1, '0000000000010002-a', 'till 1')).toThrow(TypeError);
    expect(() => versioned(1, 'nope', 'a')).toThrow(/HLC/);
  });

  it('orders wall, counter, device, node, then value', () => {
    const at = (wall: number, counter: number, dev: string, node: string, value: number) =>
      versioned(value, { wall, counter, node }, dev);
    expect(compareVersioned(at(1, 9, 'z', 'z', 9), at(2, 0, 'a', 'a', 0))).toBe(-1);
    expect(compareVersioned(at(1, 1, 'z', 'z', 9), at(1, 2, 'a', 'a', 0))).toBe(-1);
    expect(compareVersioned(at(1, 1, 'a', 'z', 9), at(1, 1, 'b', 'a', 0))).toBe(-1);
    expect(compareVersioned(at(1, 1, 'a', 'a', 9), at(1, 1, 'a', 'b', 0))).toBe(-1);
    expect(compareVersioned(at(1, 1, 'a', 'a', 1), at(1, 1, 'a', 'a', 2))).toBe(-1);
    expect(compareVersioned(at(1, 1, 'a', 'a', 1), at(1, 1, 'a', 'a', 1))).toBe(0);
  });
});
