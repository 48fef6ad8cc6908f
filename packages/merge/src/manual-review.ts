import { canonicalJson } from '@tallystick/core';
import { type Resolution, resolved, review, type Suggestion } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';
import { compareVersioned, type Versioned } from './versioned.js';

/**
 * State of {@link manualReview}: every distinct write seen, sorted by
 * {@link compareVersioned}.
 *
 * @example
 * ```ts
 * import { manualReview, type ManualReviewState, resolveAll, versioned } from '@tallystick/merge';
 * const counts = manualReview<number>();
 * const s: ManualReviewState<number> = counts.merge(counts.of(versioned(120, '0000000000010000-till-1', 'till-1')), counts.empty());
 * resolveAll(counts, [s]); // { value: 120 }: one candidate, nothing to review
 * ```
 */
export interface ManualReviewState<T> {
  readonly candidates: readonly Versioned<T>[];
}

/**
 * Options for {@link manualReview}.
 *
 * @example
 * ```ts
 * import { manualReview, type ManualReviewOptions, versioned } from '@tallystick/merge';
 * const o: ManualReviewOptions = { reason: 'two tills set different float amounts' };
 * const float = manualReview<number>(o);
 * float.resolve(float.merge(float.of(versioned(100, '0000000000010000-a', 'a')), float.of(versioned(90, '0000000000010000-b', 'b'))));
 * // { review: 'two tills set different float amounts', suggestions: [] }
 * ```
 */
export interface ManualReviewOptions {
  /** The review reason when candidates disagree. Default: "N conflicting values". */
  reason?: string;
  /** What to suggest to the person deciding. Default: none. */
  suggestions?: readonly Suggestion[];
}

/**
 * The manual-review resolver with a helper to lift one write into a state.
 *
 * @example
 * ```ts
 * import { manualReview, type ManualReview } from '@tallystick/merge';
 * const r: ManualReview<number> = manualReview<number>();
 * ```
 */
export interface ManualReview<T> extends Resolver<ManualReviewState<T>, T> {
  empty(): ManualReviewState<T>;
  of(write: Versioned<T>): ManualReviewState<T>;
}

/**
 * Keeps every concurrent write (a multi-value register) and settles only when
 * they all agree; otherwise it asks a person. The resolver for anything where
 * no rule is right, such as two tills reporting different cash counts for one
 * drawer.
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent (sorted
 * union of writes).
 *
 * Lacks: it never settles a disagreement by itself, and the state keeps every
 * write until a person's decision is written back as a new state.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` from `merge` or `resolve` if a value is not JSON.
 * @example
 * ```ts
 * import { manualReview, mergeAll, versioned } from '@tallystick/merge';
 * const count = manualReview<number>({ reason: 'cash counts differ' });
 * const state = mergeAll(count, [
 *   count.of(versioned(5000, '0000000000010000-till-1', 'till-1')),
 *   count.of(versioned(4950, '0000000000010001-till-2', 'till-2')),
 * ]);
 * count.resolve(state); // { review: 'cash counts differ', suggestions: [] }
 * ```
 */
export function manualReview<T>(options: ManualReviewOptions = {}): ManualReview<T> {
  const suggestions = options.suggestions ?? [];
  return {
    name: 'manual-review',
    laws: SEMILATTICE,
    empty: () => ({ candidates: [] }),
    of: (write) => ({ candidates: [write] }),
    merge(a, b) {
      const out: Versioned<T>[] = [];
      let i = 0;
      let j = 0;
      // Both inputs are sorted and duplicate-free, so a merge walk keeps the result so.
      while (i < a.candidates.length || j < b.candidates.length) {
        const x = a.candidates[i];
        const y = b.candidates[j];
        const order = x === undefined ? 1 : y === undefined ? -1 : compareVersioned(x, y);
        if (order <= 0) out.push(x!);
        else out.push(y!);
        if (order <= 0) i++;
        if (order >= 0) j++;
      }
      return { candidates: out };
    },
    resolve(state): Resolution<T> {
      const [first, ...rest] = state.candidates;
      if (first === undefined) return review('no value has been written', suggestions);
      const text = canonicalJson(first.value);
      if (rest.every((c) => canonicalJson(c.value) === text)) return resolved(first.value);
      return review(options.reason ?? `${state.candidates.length} conflicting values`, suggestions);
    },
  };
}
