import { isValidHlcNode } from '@tallystick/core';

/** A JSON object used as a map. Built with Object.fromEntries so a key like "__proto__" stays an own property. */
export type Counts = Readonly<Record<string, number>>;

/** Reads an own property only: a missing "__proto__" or "constructor" key must read as absent, not as Object.prototype. */
export function own<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Rebuilds a map with sorted keys, so equal maps also print (and serialize) equally. */
export function sortedRecord<V>(entries: Iterable<[string, V]>): Record<string, V> {
  return Object.fromEntries([...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

/** Pointwise maximum of two count maps: the join of grow-only counters. */
export function maxCounts(a: Counts, b: Counts): Record<string, number> {
  const out = new Map<string, number>(Object.entries(a));
  for (const [key, value] of Object.entries(b)) out.set(key, Math.max(out.get(key) ?? 0, value));
  return sortedRecord(out);
}

/** Returns a copy of `counts` with `key` raised by `by`. */
export function bump(counts: Counts, key: string, by: number): Record<string, number> {
  const out = new Map<string, number>(Object.entries(counts));
  out.set(key, (out.get(key) ?? 0) + by);
  return sortedRecord(out);
}

export function sum(counts: Counts): number {
  let total = 0;
  for (const value of Object.values(counts)) total += value;
  return total;
}

export function assertDevice(device: unknown, name = 'device'): asserts device is string {
  if (!isValidHlcNode(device)) throw new TypeError(`${name} must be 1-64 characters of [0-9A-Za-z._~-]`);
}

export function assertAmount(value: unknown, name: string, allowZero = false): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${name} must be a safe integer >= ${allowZero ? 0 : 1}, got ${value}`);
  }
}
