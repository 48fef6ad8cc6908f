import { isReview, manualReview, mergeAll, suggest, type Versioned, versioned } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { device, lawSuite, stamp } from './support/laws.js';

const review = manualReview<number>({
  reason: 'cash counts differ',
  suggestions: [suggest('honour', 'accept the lower count')],
});
const write = fc.record({ value: fc.integer({ min: 0, max: 2 }), hlc: stamp, device }) as fc.Arbitrary<
  Versioned<number>
>;
const states = fc
  .array(fc.array(write, { maxLength: 3 }), { minLength: 3, maxLength: 6 })
  .map((groups) => groups.map((g) => mergeAll(review, g.map(review.of))));

describe('manualReview', () => {
  lawSuite(review, states);

  it('settles when every candidate agrees and asks a person otherwise', () => {
    const a = review.of(versioned(5000, '0000000000010000-till-1', 'till-1'));
    const b = review.of(versioned(5000, '0000000000010001-till-2', 'till-2'));
    const c = review.of(versioned(4950, '0000000000010002-till-3', 'till-3'));
    expect(review.resolve(review.merge(a, b))).toEqual({ value: 5000 });
    const disputed = review.resolve(mergeAll(review, [a, b, c]));
    expect(disputed).toEqual({
      review: 'cash counts differ',
      suggestions: [suggest('honour', 'accept the lower count')],
    });
    expect(isReview(review.resolve(review.empty()))).toBe(true);
    expect(manualReview<number>().resolve(review.merge(a, c))).toEqual({
      review: '2 conflicting values',
      suggestions: [],
    });
  });

  it('keeps candidates sorted and free of duplicates', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 10 }), (writes) => {
        const merged = mergeAll(review, [...writes, ...writes].map(review.of));
        const keys = merged.candidates.map((c) => JSON.stringify(c));
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 500 },
    );
  });
});
