import { isValidHlcNode } from '@tallystick/core';
import type { Counts } from './records.js';

// Checks for bounded-counter states, which arrive from other tills and from
// storage: every operation runs them first, so a forged or corrupted state can
// neither mint rights nor turn a count into NaN.

/** The shape both the state and the checks use (the public type is in ../bounded-counter.ts). */
export interface RightsState {
  readonly rights: Readonly<Record<string, Counts>>;
  readonly decrements: Counts;
}

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Throws TypeError for a wrong shape, RangeError for a wrong value: an entry
 * that is not a safe integer ≥ 0, a device id no operation accepts, a device
 * that sold or gave away more than it received (no sequence of operations
 * reaches that, and it would make the value negative), or units added across
 * devices past 2^53 − 1.
 */
export function checkState(state: unknown, name = 'state'): asserts state is RightsState {
  if (!isRecord(state)) throw new TypeError(`${name} must be a bounded counter state object`);
  const { rights, decrements } = state;
  if (!isRecord(rights)) throw new TypeError(`${name}.rights must be an object of rows`);
  if (!isRecord(decrements)) throw new TypeError(`${name}.decrements must be an object`);
  let added = 0;
  for (const from of Object.keys(rights)) {
    const row = rights[from];
    const where = `${name}.rights[${JSON.stringify(from)}]`;
    checkDevice(from, where);
    if (!isRecord(row)) throw new TypeError(`${where} must be an object`);
    for (const to of Object.keys(row)) {
      checkDevice(to, `${where}[${JSON.stringify(to)}]`);
      checkCount(row[to], `${where}[${JSON.stringify(to)}]`);
    }
    added += Object.hasOwn(row, from) ? (row[from] as number) : 0;
    if (added > MAX) throw new RangeError(`${name} adds more than 2^53 − 1 units across devices`);
  }
  for (const device of Object.keys(decrements)) {
    const where = `${name}.decrements[${JSON.stringify(device)}]`;
    checkDevice(device, where);
    checkCount(decrements[device], where);
  }
  for (const [device, held] of allRights(state as unknown as RightsState)) {
    if (held < 0) {
      throw new RangeError(
        `${name} is not reachable: ${device} sold or gave away ${-held} more than it received`,
      );
    }
  }
}

/** Every device's local rights, in one pass; exact even where the sums pass 2^53 − 1. */
export function allRights(state: RightsState): Map<string, number> {
  const acc = new Map<string, number>();
  let exact = true;
  const add = (device: string, by: number) => {
    const next = (acc.get(device) ?? 0) + by;
    if (next > MAX || next < -MAX) exact = false;
    acc.set(device, next);
  };
  for (const from of Object.keys(state.rights)) {
    const row = state.rights[from]!;
    for (const to of Object.keys(row)) {
      add(to, row[to]!);
      if (to !== from) add(from, -row[to]!);
    }
  }
  for (const device of Object.keys(state.decrements)) add(device, -state.decrements[device]!);
  if (exact) return acc;
  const big = new Map<string, bigint>();
  const addBig = (device: string, by: bigint) => big.set(device, (big.get(device) ?? 0n) + by);
  for (const from of Object.keys(state.rights)) {
    const row = state.rights[from]!;
    for (const to of Object.keys(row)) {
      addBig(to, BigInt(row[to]!));
      if (to !== from) addBig(from, -BigInt(row[to]!));
    }
  }
  for (const device of Object.keys(state.decrements)) addBig(device, -BigInt(state.decrements[device]!));
  return new Map([...big].map(([device, n]) => [device, Number(n)]));
}

/** `Σj rights[j][device] − Σj≠device rights[device][j] − decrements[device]`, exact. */
export function rightsOf(state: RightsState, device: string): number {
  // A single device's sum is short; the one-pass map is only worth it when it might be inexact.
  let held = 0;
  for (const from of Object.keys(state.rights)) {
    const row = state.rights[from]!;
    if (from === device) {
      for (const to of Object.keys(row)) held += to === device ? row[to]! : -row[to]!;
    } else if (Object.hasOwn(row, device)) held += row[device]!;
    if (held > MAX || held < -MAX) return allRights(state).get(device) ?? 0;
  }
  return held - (Object.hasOwn(state.decrements, device) ? state.decrements[device]! : 0);
}

/** Units added across devices: at most 2^53 − 1 in a checked state. */
export function addedOf(state: RightsState): number {
  let added = 0;
  for (const from of Object.keys(state.rights)) {
    const row = state.rights[from]!;
    if (Object.hasOwn(row, from)) added += row[from]!;
  }
  return added;
}

/** Total added minus total taken away; in a checked state both are at most 2^53 − 1. */
export function counterValue(state: RightsState): number {
  let taken = 0;
  for (const device of Object.keys(state.decrements)) taken += state.decrements[device]!;
  return addedOf(state) - taken;
}

/** Entries only grow, and a sum past 2^53 − 1 would round: refuse rather than miscount. */
export function grown(current: number, by: number, what: string): number {
  const next = current + by;
  if (next > MAX) throw new RangeError(`${what} would pass 2^53 − 1`);
  return next;
}

function checkCount(value: unknown, where: string): void {
  if (typeof value !== 'number') throw new TypeError(`${where} must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${where} must be a safe integer >= 0, got ${value}`);
}

function checkDevice(device: string, where: string): void {
  if (!isValidHlcNode(device))
    throw new RangeError(`${where}: device ids are 1-64 characters of [0-9A-Za-z._~-]`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
