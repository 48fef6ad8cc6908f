import { isReview, type Resolution, resolved, review, type Suggestion } from './resolution.js';
import type { Resolver, ResolverLaws } from './resolver.js';

/**
 * A resolver per field. Method parameters are bivariant in TypeScript, so any
 * `Resolver<S, V>` fits `Resolver<unknown, unknown>` here.
 *
 * @example
 * ```ts
 * import { lastWriterWins, pnCounter, type FieldResolvers } from '@tallystick/merge';
 * const fields: FieldResolvers = { price: lastWriterWins<number>(), sold: pnCounter() };
 * ```
 */
export type FieldResolvers = Readonly<Record<string, Resolver<unknown, unknown>>>;

/**
 * The merged state of a record: each field's own resolver state, any of which
 * may be missing (never written).
 *
 * @example
 * ```ts
 * import { max, type RecordState, recordMerge } from '@tallystick/merge';
 * const fields = { high: max() };
 * const peaks = recordMerge(fields);
 * const s: RecordState<typeof fields> = peaks.merge({ high: 3 }, { high: 5 }); // { high: 5 }
 * ```
 */
export type RecordState<F extends FieldResolvers> = {
  readonly [K in keyof F]?: F[K] extends Resolver<infer S, unknown> ? S : never;
};

/**
 * The settled value of a record: every field's resolved value.
 *
 * @example
 * ```ts
 * import { isReview, max, type RecordValue, recordMerge } from '@tallystick/merge';
 * const fields = { high: max() };
 * const r = recordMerge(fields).resolve({ high: 3 });
 * const v: RecordValue<typeof fields> | undefined = isReview(r) ? undefined : r.value; // { high: 3 }
 * ```
 */
export type RecordValue<F extends FieldResolvers> = {
  readonly [K in keyof F]: F[K] extends Resolver<unknown, infer V> ? V : never;
};

/**
 * Merges records field by field, each field with its own resolver, so one
 * product can take its price by last-writer-wins, its sold count by PN counter
 * and its tags by add-wins set.
 *
 * Laws: exactly those all of its field resolvers have (the conjunction); with
 * the built-ins, all four. A field missing on one side takes the other side's
 * state, which is the identity, so the laws survive partial records.
 *
 * Lacks: no cross-field invariant. Two fields resolved independently can
 * combine into a record nobody wrote (a price from one edit, a discount from
 * another); put fields that must change together in one register.
 *
 * Reading: if any field asks for review, the record does, with a reason
 * naming each such field and all their suggestions. A field never written
 * reads as its resolver's `empty()` state, or asks for review if it has none.
 *
 * @throws {TypeError} from `merge` if a state has a field not in `fields`, since
 * dropping it would silently lose data.
 * @example
 * ```ts
 * import { lastWriterWins, pnCounter, recordMerge, versioned } from '@tallystick/merge';
 * const product = recordMerge({ price: lastWriterWins<number>(), sold: pnCounter() });
 * const counter = pnCounter();
 * const a = { price: versioned(120, '0000000000010000-hq', 'hq'), sold: counter.add(counter.empty(), 'till-1', 2) };
 * const b = { sold: counter.add(counter.empty(), 'till-2', 3) };
 * product.resolve(product.merge(a, b)); // { value: { price: 120, sold: 5 } }
 * ```
 */
export function recordMerge<F extends FieldResolvers>(fields: F): Resolver<RecordState<F>, RecordValue<F>> {
  if (typeof fields !== 'object' || fields === null)
    throw new TypeError('fields must be an object of resolvers');
  const names = Object.keys(fields).sort();
  const resolverOf = (name: string) => fields[name]!;
  const laws: ResolverLaws = {
    commutative: names.every((n) => resolverOf(n).laws.commutative),
    associative: names.every((n) => resolverOf(n).laws.associative),
    idempotent: names.every((n) => resolverOf(n).laws.idempotent),
    convergent: names.every((n) => resolverOf(n).laws.convergent),
  };
  const checkKeys = (state: object, which: string) => {
    for (const key of Object.keys(state)) {
      if (!Object.hasOwn(fields, key)) throw new TypeError(`${which} has field "${key}" with no resolver`);
    }
  };
  return {
    name: `record(${names.map((n) => `${n}:${resolverOf(n).name}`).join(',')})`,
    laws,
    empty: () => ({}) as RecordState<F>,
    merge(a, b) {
      checkKeys(a, 'a');
      checkKeys(b, 'b');
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const has = [Object.hasOwn(a, name), Object.hasOwn(b, name)];
        const x = (a as Record<string, unknown>)[name];
        const y = (b as Record<string, unknown>)[name];
        if (has[0] && has[1]) out[name] = resolverOf(name).merge(x, y);
        else if (has[0]) out[name] = x;
        else if (has[1]) out[name] = y;
      }
      return out as RecordState<F>;
    },
    resolve(state): Resolution<RecordValue<F>> {
      const value: Record<string, unknown> = {};
      const reasons: string[] = [];
      const suggestions: Suggestion[] = [];
      for (const name of names) {
        const resolver = resolverOf(name);
        let result: Resolution<unknown>;
        if (Object.hasOwn(state, name)) result = resolver.resolve((state as Record<string, unknown>)[name]);
        else if (resolver.empty) result = resolver.resolve(resolver.empty());
        else result = review('no value has been written');
        if (isReview(result)) {
          reasons.push(`${name}: ${result.review}`);
          suggestions.push(...result.suggestions);
        } else {
          value[name] = result.value;
        }
      }
      if (reasons.length > 0) return review(reasons.join('; '), suggestions);
      return resolved(value as RecordValue<F>);
    },
  };
}
