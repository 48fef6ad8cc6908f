import type { Resolver } from '@tallystick/merge';
import fc from 'fast-check';
import { expect, it } from 'vitest';

export interface LawOptions {
  /** Runs for the cheap laws; the issue asks for >= 1000. */
  numRuns?: number;
}

/**
 * Registers one test per law the resolver claims, on states produced by
 * `states` (arrays of at least three reachable states from one history).
 * A law claimed false must have a counterexample, so a claim can never be
 * quietly weaker or stronger than the code.
 */
export function lawSuite<S, V>(
  resolver: Resolver<S, V>,
  states: fc.Arbitrary<S[]>,
  options: LawOptions = {},
): void {
  const numRuns = options.numRuns ?? 1000;
  const merge = (a: S, b: S) => resolver.merge(a, b);
  const laws: Record<'commutative' | 'associative' | 'idempotent' | 'convergent', fc.IProperty<unknown[]>> = {
    commutative: fc.property(states, ([a, b]) => {
      expect(merge(a!, b!)).toEqual(merge(b!, a!));
    }),
    associative: fc.property(states, ([a, b, c]) => {
      expect(merge(merge(a!, b!), c!)).toEqual(merge(a!, merge(b!, c!)));
    }),
    idempotent: fc.property(states, ([a, b]) => {
      expect(merge(a!, a!)).toEqual(a);
      const ab = merge(a!, b!);
      expect(merge(ab, b!)).toEqual(ab);
    }),
    convergent: fc.property(
      states.chain((all) =>
        fc.tuple(
          fc.constant(all),
          fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }),
          fc.array(fc.nat({ max: all.length - 1 }), { maxLength: 8 }),
          fc.array(fc.nat(), { maxLength: 8 }),
        ),
      ),
      ([all, shuffled, extra, positions]) => {
        const arrival = [...shuffled];
        for (const [k, index] of extra.entries()) {
          arrival.splice((positions[k] ?? 0) % (arrival.length + 1), 0, all[index]!);
        }
        const expected = all.reduce((a, b) => merge(a, b));
        const got = arrival.reduce((a, b) => merge(a, b));
        expect(got).toEqual(expected);
        expect(resolver.resolve(got)).toEqual(resolver.resolve(expected));
      },
    ),
  };
  for (const [law, property] of Object.entries(laws)) {
    const claimed = resolver.laws[law as keyof typeof laws];
    it(`law: ${resolver.name} is ${claimed ? '' : 'not '}${law}`, () => {
      if (claimed) fc.assert(property, { numRuns });
      else expect(() => fc.assert(property, { numRuns })).toThrow();
    });
  }
}

/** Small HLC stamps, so ties on wall and counter (and device) are frequent. */
export const stamp = fc.record({
  wall: fc.integer({ min: 0, max: 4 }),
  counter: fc.integer({ min: 0, max: 2 }),
  node: fc.constantFrom('a', 'b', 'c'),
});

export const device = fc.constantFrom('hq', 'till-1', 'till-2', '__proto__');
