import { TallystickError } from '../errors.js';
import { assertBytes, assertSafeInteger } from '../lib/assert.js';

/** 2^53 − 1 needs 53 bits, so 8 groups of 7 bits are the most a valid varint has. */
const MAX_VARINT_BYTES = 8;

/**
 * The outcome of {@link tryDecodeVarint}: the value and the offset just past it,
 * or why the bytes are not a canonical varint.
 *
 * @example
 * ```ts
 * import { tryDecodeVarint, type VarintResult } from '@tallystick/core';
 * const result: VarintResult = tryDecodeVarint(new Uint8Array([0xac, 0x02]), 0);
 * if (result.ok) result.value; // 300, and result.next is 2
 * ```
 */
export type VarintResult =
  | { ok: true; value: number; next: number }
  | { ok: false; code: 'truncated' | 'overlong' | 'too_large' };

/**
 * How many bytes the unsigned LEB128 encoding of `value` takes.
 *
 * @throws {RangeError} if `value` is not a safe non-negative integer.
 * @example
 * ```ts
 * import { varintLength } from '@tallystick/core';
 * varintLength(127); // 1
 * varintLength(128); // 2
 * ```
 */
export function varintLength(value: number): number {
  assertSafeInteger(value, 'value');
  let n = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/**
 * Encodes a non-negative safe integer as unsigned LEB128. Division rather than
 * bit shifts keeps values above 2^31 exact.
 *
 * @throws {RangeError} if `value` is not an integer in [0, 2^53 − 1].
 * @example
 * ```ts
 * import { encodeVarint } from '@tallystick/core';
 * encodeVarint(300); // Uint8Array [0xac, 0x02]
 * ```
 */
export function encodeVarint(value: number): Uint8Array {
  const out = new Uint8Array(varintLength(value));
  writeVarint(out, 0, value);
  return out;
}

/**
 * Writes the varint of `value` into `target` at `offset` and returns the offset
 * just past it. The caller sizes `target` with {@link varintLength}.
 *
 * @throws {RangeError} if `value` is out of range or `target` is too short.
 * @example
 * ```ts
 * import { writeVarint } from '@tallystick/core';
 * const buf = new Uint8Array(4);
 * writeVarint(buf, 1, 300); // 3
 * ```
 */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  assertBytes(target, 'target');
  assertSafeInteger(value, 'value');
  let o = offset;
  while (value >= 128) {
    if (o >= target.length) throw new RangeError('target is too short for the varint');
    target[o++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  if (o >= target.length) throw new RangeError('target is too short for the varint');
  target[o++] = value;
  return o;
}

/**
 * Reads one canonical unsigned LEB128 varint from `bytes` at `offset` without
 * throwing. Canonical means the shortest form: a final byte of 0x00 after
 * another byte is overlong and refused, so each value has exactly one encoding.
 * Values above 2^53 − 1 are refused because JavaScript numbers cannot hold them.
 *
 * @example
 * ```ts
 * import { tryDecodeVarint } from '@tallystick/core';
 * tryDecodeVarint(new Uint8Array([0xac, 0x02]), 0); // { ok: true, value: 300, next: 2 }
 * tryDecodeVarint(new Uint8Array([0x80, 0x00]), 0); // { ok: false, code: 'overlong' }
 * ```
 */
export function tryDecodeVarint(bytes: Uint8Array, offset: number): VarintResult {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const at = offset + i;
    if (at >= bytes.length) return { ok: false, code: 'truncated' };
    const b = bytes[at]!;
    value += (b & 127) * scale;
    if ((b & 128) === 0) {
      if (b === 0 && i > 0) return { ok: false, code: 'overlong' };
      if (value > Number.MAX_SAFE_INTEGER) return { ok: false, code: 'too_large' };
      return { ok: true, value, next: at + 1 };
    }
    scale *= 128;
  }
  return { ok: false, code: 'too_large' };
}

/**
 * Reads one canonical varint, throwing on failure.
 *
 * @throws {TallystickError} `ERR_INVALID_ENCODING` when truncated, `ERR_VARINT_OVERLONG`
 * for a non-shortest form, `ERR_VARINT_TOO_LARGE` above 2^53 − 1.
 * @example
 * ```ts
 * import { decodeVarint } from '@tallystick/core';
 * decodeVarint(new Uint8Array([0x01])); // { value: 1, next: 1 }
 * ```
 */
export function decodeVarint(bytes: Uint8Array, offset = 0): { value: number; next: number } {
  assertBytes(bytes, 'bytes');
  const result = tryDecodeVarint(bytes, offset);
  if (result.ok) return { value: result.value, next: result.next };
  if (result.code === 'overlong')
    throw new TallystickError('ERR_VARINT_OVERLONG', 'varint is not in shortest form');
  if (result.code === 'too_large')
    throw new TallystickError('ERR_VARINT_TOO_LARGE', 'varint exceeds 2^53 - 1');
  throw new TallystickError('ERR_INVALID_ENCODING', 'varint is truncated');
}
