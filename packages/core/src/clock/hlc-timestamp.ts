import { TallystickError } from '../errors.js';

/**
 * The largest wall time a timestamp holds: 48 bits of milliseconds reach the year 10889.
 *
 * @example
 * ```ts
 * import { HLC_MAX_WALL } from '@tallystick/core';
 * new Date(HLC_MAX_WALL).getUTCFullYear(); // 10889
 * ```
 */
export const HLC_MAX_WALL = 2 ** 48 - 1;

/**
 * The largest counter: 16 bits allow 65,536 events in one millisecond before
 * `ERR_HLC_COUNTER_OVERFLOW`.
 *
 * @example
 * ```ts
 * import { encodeHlc, HLC_MAX_COUNTER } from '@tallystick/core';
 * encodeHlc({ wall: 1, counter: HLC_MAX_COUNTER, node: 'till-1' }); // '000000000001ffff-till-1', the last stamp of that millisecond
 * ```
 */
export const HLC_MAX_COUNTER = 0xffff;
const NODE_PATTERN = /^[0-9A-Za-z._~-]{1,64}$/;
const TEXT_PATTERN = /^([0-9a-f]{12})([0-9a-f]{4})-([0-9A-Za-z._~-]{1,64})$/;

/**
 * A hybrid logical clock timestamp (Kulkarni et al. 2014): the largest wall
 * time seen (`wall`, epoch ms), a `counter` that orders events within it, and
 * the `node` that stamped it, which makes every timestamp unique.
 *
 * @example
 * ```ts
 * import { encodeHlc, type HlcTimestamp } from '@tallystick/core';
 * const ts: HlcTimestamp = { wall: 1_700_000_000_000, counter: 0, node: 'till-1' };
 * encodeHlc(ts); // '018bcfe568000000-till-1'
 * ```
 */
export interface HlcTimestamp {
  readonly wall: number;
  readonly counter: number;
  readonly node: string;
}

/**
 * Total order on timestamps: wall, then counter, then node id by code unit.
 * Returns a negative number, zero or a positive number, like a sort comparator.
 *
 * @example
 * ```ts
 * import { compareHlc } from '@tallystick/core';
 * compareHlc({ wall: 1, counter: 0, node: 'a' }, { wall: 1, counter: 1, node: 'a' }); // -1
 * ```
 */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  if (a.wall !== b.wall) return a.wall < b.wall ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node === b.node) return 0;
  return a.node < b.node ? -1 : 1;
}

/**
 * Checks a node id: 1 to 64 characters from `[0-9A-Za-z._~-]`. The restriction
 * keeps the text and byte encodings in the same order.
 *
 * @example
 * ```ts
 * import { isValidHlcNode } from '@tallystick/core';
 * isValidHlcNode('till-1'); // true
 * isValidHlcNode('till 1'); // false
 * ```
 */
export function isValidHlcNode(node: unknown): node is string {
  return typeof node === 'string' && NODE_PATTERN.test(node);
}

/**
 * Encodes a timestamp as text that sorts exactly like {@link compareHlc}:
 * 12 hex digits of wall time, 4 of counter, a dash, then the node id.
 *
 * @throws {TallystickError} `ERR_HLC_INVALID` if a field is out of range.
 * @example
 * ```ts
 * import { encodeHlc } from '@tallystick/core';
 * encodeHlc({ wall: 1, counter: 2, node: 'a' }); // '0000000000010002-a'
 * ```
 */
export function encodeHlc(ts: HlcTimestamp): string {
  assertTimestamp(ts);
  return ts.wall.toString(16).padStart(12, '0') + ts.counter.toString(16).padStart(4, '0') + '-' + ts.node;
}

/**
 * Parses the text form made by {@link encodeHlc}.
 *
 * @throws {TallystickError} `ERR_HLC_INVALID` if the text is not a timestamp.
 * @example
 * ```ts
 * import { decodeHlc } from '@tallystick/core';
 * decodeHlc('0000000000010002-a'); // { wall: 1, counter: 2, node: 'a' }
 * ```
 */
export function decodeHlc(text: string): HlcTimestamp {
  const match = typeof text === 'string' ? TEXT_PATTERN.exec(text) : null;
  if (!match)
    throw new TallystickError('ERR_HLC_INVALID', `not an HLC timestamp: ${String(text).slice(0, 80)}`);
  return { wall: Number.parseInt(match[1]!, 16), counter: Number.parseInt(match[2]!, 16), node: match[3]! };
}

/**
 * Encodes a timestamp as bytes that sort (lexicographically, unsigned) exactly
 * like {@link compareHlc}: 6 bytes of wall time and 2 of counter, big-endian,
 * then the node id in ASCII.
 *
 * @throws {TallystickError} `ERR_HLC_INVALID` if a field is out of range.
 * @example
 * ```ts
 * import { hlcToBytes } from '@tallystick/core';
 * hlcToBytes({ wall: 1, counter: 2, node: 'a' }).length; // 9
 * ```
 */
export function hlcToBytes(ts: HlcTimestamp): Uint8Array {
  assertTimestamp(ts);
  const out = new Uint8Array(8 + ts.node.length);
  let wall = ts.wall;
  for (let i = 5; i >= 0; i--) {
    out[i] = wall % 256;
    wall = Math.floor(wall / 256);
  }
  out[6] = ts.counter >> 8;
  out[7] = ts.counter & 255;
  for (let i = 0; i < ts.node.length; i++) out[8 + i] = ts.node.charCodeAt(i);
  return out;
}

/**
 * Parses the byte form made by {@link hlcToBytes}.
 *
 * @throws {TallystickError} `ERR_HLC_INVALID` if the bytes are not a timestamp.
 * @example
 * ```ts
 * import { hlcFromBytes, hlcToBytes } from '@tallystick/core';
 * hlcFromBytes(hlcToBytes({ wall: 5, counter: 0, node: 'x' })); // { wall: 5, counter: 0, node: 'x' }
 * ```
 */
export function hlcFromBytes(bytes: Uint8Array): HlcTimestamp {
  if (!(bytes instanceof Uint8Array) || bytes.length < 9) {
    throw new TallystickError('ERR_HLC_INVALID', 'HLC bytes must be at least 9 bytes long');
  }
  let wall = 0;
  for (let i = 0; i < 6; i++) wall = wall * 256 + bytes[i]!;
  const counter = (bytes[6]! << 8) | bytes[7]!;
  const node = String.fromCharCode(...bytes.subarray(8));
  const ts = { wall, counter, node };
  assertTimestamp(ts);
  return ts;
}

/** @internal Shared by the codecs and the clock. */
export function assertTimestamp(ts: HlcTimestamp): void {
  const ok =
    typeof ts === 'object' &&
    ts !== null &&
    Number.isSafeInteger(ts.wall) &&
    ts.wall >= 0 &&
    ts.wall <= HLC_MAX_WALL &&
    Number.isSafeInteger(ts.counter) &&
    ts.counter >= 0 &&
    ts.counter <= HLC_MAX_COUNTER &&
    isValidHlcNode(ts.node);
  if (!ok) throw new TallystickError('ERR_HLC_INVALID', 'HLC timestamp has a field out of range');
}
