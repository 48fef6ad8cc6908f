import { max, min, resolveAll } from '@tallystick/merge';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lawSuite } from './support/laws.js';

const numbers = fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(-0, 0.5, Infinity)), {
  minLength: 3,
  maxLength: 8,
});

describe('max and min', () => {
  lawSuite(max(), numbers);
  lawSuite(min(), numbers);

  it('pick the extreme value, with -0 below +0', () => {
    expect(resolveAll(max(), [3, 9, 4])).toEqual({ value: 9 });
    expect(resolveAll(min(), [3, 9, 4])).toEqual({ value: 3 });
    expect(Object.is(max().merge(-0, 0), 0)).toBe(true);
    expect(Object.is(min().merge(0, -0), -0)).toBe(true);
  });

  it('refuse NaN and non-numbers', () => {
    expect(() => max().merge(Number.NaN, 1)).toThrow(RangeError);
    expect(() => min().merge(1, '2' as unknown as number)).toThrow(TypeError);
    expect(() => resolveAll(max(), [])).toThrow(RangeError);
  });
});
