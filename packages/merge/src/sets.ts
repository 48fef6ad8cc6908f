import type { HlcTimestamp } from '@tallystick/core';
import {
  applyTagged,
  emptyTagged,
  liveElements,
  mergeTagged,
  type TaggedSetState,
} from './lib/tagged-set.js';
import { type Resolved, resolved } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';

/**
 * State shared by {@link addWinsSet} and {@link removeWinsSet}: every add and
 * remove under its unique tag (the operation's encoded HLC stamp), plus the
 * tags each later operation has observed and overridden.
 *
 * @example
 * ```ts
 * import { addWinsSet, type ObservedSetState } from '@tallystick/merge';
 * const s: ObservedSetState = addWinsSet().empty();
 * ```
 */
export type ObservedSetState = TaggedSetState;

/**
 * A set resolver over string elements, with its operations.
 *
 * @example
 * ```ts
 * import { addWinsSet, type ObservedSet } from '@tallystick/merge';
 * const tags: ObservedSet = addWinsSet();
 * ```
 */
export interface ObservedSet extends Resolver<ObservedSetState, string[]> {
  empty(): ObservedSetState;
  /** Adds `element`; `hlc` must be a fresh stamp from the writing device's clock. */
  add(state: ObservedSetState, element: string, hlc: HlcTimestamp): ObservedSetState;
  /** Removes `element` as far as this replica has observed it. */
  remove(state: ObservedSetState, element: string, hlc: HlcTimestamp): ObservedSetState;
  has(state: ObservedSetState, element: string): boolean;
  /** The members, sorted. */
  resolve(state: ObservedSetState): Resolved<string[]>;
}

function observedSet(name: string, member: (added: boolean, removed: boolean) => boolean): ObservedSet {
  const members = (state: ObservedSetState): string[] => {
    const { added, removed } = liveElements(state);
    return [...added].filter((e) => member(true, removed.has(e))).sort();
  };
  return {
    name,
    laws: SEMILATTICE,
    empty: emptyTagged,
    merge: mergeTagged,
    add: (state, element, hlc) => applyTagged(state, 'add', element, hlc),
    remove: (state, element, hlc) => applyTagged(state, 'remove', element, hlc),
    has(state, element) {
      const { added, removed } = liveElements(state);
      return added.has(element) && member(true, removed.has(element));
    },
    resolve: (state) => resolved(members(state)),
  };
}

/**
 * Add-wins (observed-remove) set: a remove only cancels the adds it has seen,
 * so when one till adds an item while another concurrently removes it, the
 * item stays. Use it where losing an addition costs more than keeping a stale
 * one (items on a shared order).
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent (union of
 * tags and tombstones).
 *
 * Lacks:
 * - Operations are not replay-safe by value: replaying `add` with a new stamp
 *   revives an element someone removed in between. Ship states, or stamp once.
 * - Tombstones are never collected, so the state grows with every operation.
 *
 * @throws {TypeError} from `add`/`remove` if `element` is not a string.
 * @throws {RangeError} from `add`/`remove` if the stamp was already used by another operation.
 * @throws {TallystickError} `ERR_HLC_INVALID` from `add`/`remove` for a malformed stamp.
 * @example
 * ```ts
 * import { addWinsSet } from '@tallystick/merge';
 * const set = addWinsSet();
 * const base = set.add(set.empty(), 'gift-wrap', { wall: 1, counter: 0, node: 'till-1' });
 * const removed = set.remove(base, 'gift-wrap', { wall: 2, counter: 0, node: 'till-1' });
 * const readded = set.add(base, 'gift-wrap', { wall: 2, counter: 0, node: 'till-2' });
 * set.resolve(set.merge(removed, readded)); // { value: ['gift-wrap'] }
 * ```
 */
export function addWinsSet(): ObservedSet {
  return observedSet('add-wins-set', (added) => added);
}

/**
 * Remove-wins set: an element is present only while some add is live and no
 * remove is; a concurrent remove beats an add. Use it where keeping something
 * by mistake costs more than losing it: when head office ends a promotion on a
 * SKU while a till concurrently re-applies it, the promotion ends.
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent.
 *
 * Lacks: the same as {@link addWinsSet}; and an add concurrent with a remove is
 * lost, so a re-add must be made after observing the remove.
 *
 * @throws as {@link addWinsSet}.
 * @example
 * ```ts
 * import { removeWinsSet } from '@tallystick/merge';
 * const set = removeWinsSet();
 * const base = set.add(set.empty(), 'sku-1', { wall: 1, counter: 0, node: 'hq' });
 * const removed = set.remove(base, 'sku-1', { wall: 2, counter: 0, node: 'hq' });
 * const readded = set.add(base, 'sku-1', { wall: 2, counter: 0, node: 'till-2' });
 * set.resolve(set.merge(removed, readded)); // { value: [] }
 * ```
 */
export function removeWinsSet(): ObservedSet {
  return observedSet('remove-wins-set', (added, removed) => added && !removed);
}
