import { canonicalJson, compareHlc, decodeHlc, type HlcTimestamp, isValidHlcNode } from '@tallystick/core';

/**
 * A value with the hybrid logical clock stamp of the write that made it and
 * the device that wrote it: the state of a register.
 *
 * @example
 * ```ts
 * import { compareVersioned, type Versioned, versioned } from '@tallystick/merge';
 * const v: Versioned<number> = versioned(120, { wall: 1, counter: 0, node: 'hq' }, 'hq');
 * compareVersioned(v, versioned(150, '0000000000020000-hq', 'hq')); // -1: v is older
 * ```
 */
export interface Versioned<T> {
  readonly value: T;
  readonly hlc: HlcTimestamp;
  readonly device: string;
}

/**
 * Builds a {@link Versioned} value, decoding the stamp when given as text.
 *
 * @throws {TallystickError} `ERR_HLC_INVALID` if `hlc` is text that is not a stamp.
 * @throws {TypeError} if `device` is not a valid device id (1-64 of `[0-9A-Za-z._~-]`).
 * @example
 * ```ts
 * import { versioned } from '@tallystick/merge';
 * versioned('open', '0000000000010000-till-1', 'till-1').hlc.wall; // 1
 * ```
 */
export function versioned<T>(value: T, hlc: HlcTimestamp | string, device: string): Versioned<T> {
  if (!isValidHlcNode(device)) throw new TypeError('device must be 1-64 characters of [0-9A-Za-z._~-]');
  return { value, hlc: typeof hlc === 'string' ? decodeHlc(hlc) : hlc, device };
}

/**
 * The total order every register uses: HLC wall time, then HLC counter, then
 * device id, then the stamp's node id, and last the canonical JSON of the
 * value. The value only matters for two writes with the same stamp from the
 * same device, which a correct clock never makes; ordering them anyway keeps
 * merges commutative even then.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` if two values tie on everything
 * else and one is not JSON.
 * @example
 * ```ts
 * import { compareVersioned, versioned } from '@tallystick/merge';
 * const a = versioned(1, '0000000000010000-a', 'a');
 * const b = versioned(2, '0000000000010000-b', 'b');
 * compareVersioned(a, b); // -1: same time, device 'a' sorts first
 * ```
 */
export function compareVersioned<T>(a: Versioned<T>, b: Versioned<T>): number {
  if (a.hlc.wall !== b.hlc.wall) return a.hlc.wall < b.hlc.wall ? -1 : 1;
  if (a.hlc.counter !== b.hlc.counter) return a.hlc.counter < b.hlc.counter ? -1 : 1;
  if (a.device !== b.device) return a.device < b.device ? -1 : 1;
  const byNode = compareHlc(a.hlc, b.hlc);
  if (byNode !== 0) return byNode;
  if (a.value === b.value) return 0;
  const ja = canonicalJson(a.value);
  const jb = canonicalJson(b.value);
  return ja === jb ? 0 : ja < jb ? -1 : 1;
}
