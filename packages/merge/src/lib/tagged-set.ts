import { encodeHlc, type HlcTimestamp } from '@tallystick/core';
import { own, sortedRecord } from './records.js';

/**
 * Every add and remove carries a unique tag (its encoded HLC stamp). An
 * operation tombstones the opposite-kind tags it has observed for its element,
 * so "observed" is what separates a later operation from a concurrent one:
 * a concurrent add and remove both stay live, and the set's policy decides.
 */
export interface TaggedSetState {
  readonly adds: Readonly<Record<string, string>>;
  readonly removes: Readonly<Record<string, string>>;
  readonly tombstones: Readonly<Record<string, 1>>;
}

export const emptyTagged = (): TaggedSetState => ({ adds: {}, removes: {}, tombstones: {} });

function union<V>(a: Readonly<Record<string, V>>, b: Readonly<Record<string, V>>, pick: (x: V, y: V) => V) {
  const out = new Map<string, V>(Object.entries(a));
  for (const [key, value] of Object.entries(b)) {
    const existing = out.get(key);
    out.set(key, existing === undefined ? value : pick(existing, value));
  }
  return sortedRecord(out);
}

// Tags are unique, so one tag naming two elements only happens through misuse;
// picking the smaller element still keeps merge commutative.
const smaller = (x: string, y: string) => (x <= y ? x : y);

export function mergeTagged(a: TaggedSetState, b: TaggedSetState): TaggedSetState {
  return {
    adds: union(a.adds, b.adds, smaller),
    removes: union(a.removes, b.removes, smaller),
    tombstones: union(a.tombstones, b.tombstones, () => 1 as const),
  };
}

function liveTags(
  tags: Readonly<Record<string, string>>,
  tombstones: TaggedSetState['tombstones'],
  element: string,
) {
  const out: string[] = [];
  for (const [tag, member] of Object.entries(tags))
    if (member === element && !own(tombstones, tag)) out.push(tag);
  return out;
}

export function applyTagged(
  state: TaggedSetState,
  kind: 'add' | 'remove',
  element: string,
  hlc: HlcTimestamp,
): TaggedSetState {
  if (typeof element !== 'string') throw new TypeError('element must be a string');
  const tag = encodeHlc(hlc);
  if (own(state.adds, tag) !== undefined || own(state.removes, tag) !== undefined) {
    throw new RangeError(`tag ${tag} was already used: every operation needs a fresh HLC stamp`);
  }
  const observed = liveTags(kind === 'add' ? state.removes : state.adds, state.tombstones, element);
  const tombstones = sortedRecord([
    ...Object.entries(state.tombstones),
    ...observed.map((t) => [t, 1 as const] as [string, 1]),
  ]);
  const same = kind === 'add' ? state.adds : state.removes;
  const next = sortedRecord([...Object.entries(same), [tag, element] as [string, string]]);
  return kind === 'add'
    ? { adds: next, removes: state.removes, tombstones }
    : { adds: state.adds, removes: next, tombstones };
}

/** Elements with a live add, and among them those that also have a live remove. */
export function liveElements(state: TaggedSetState): { added: Set<string>; removed: Set<string> } {
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const [tag, element] of Object.entries(state.adds))
    if (!own(state.tombstones, tag)) added.add(element);
  for (const [tag, element] of Object.entries(state.removes))
    if (!own(state.tombstones, tag)) removed.add(element);
  return { added, removed };
}
