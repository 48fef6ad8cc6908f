import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeVarint,
  encodeVarint,
  isTallystickError,
  tryDecodeVarint,
  varintLength,
  writeVarint,
} from '../src/index.js';

describe('unsigned LEB128 varint', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes %d as the known bytes', (value, bytes) => {
    expect([...encodeVarint(value)]).toEqual(bytes);
    expect(decodeVarint(new Uint8Array(bytes))).toEqual({ value, next: bytes.length });
  });

  it('law: decode(encode(x)) = x for every safe integer, with the predicted length', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (value) => {
        const bytes = encodeVarint(value);
        expect(bytes.length).toBe(varintLength(value));
        expect(tryDecodeVarint(bytes, 0)).toEqual({ ok: true, value, next: bytes.length });
      }),
      { numRuns: 2000 },
    );
  });

  it('law: every accepted byte string is the canonical encoding of its value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 10 }), (bytes) => {
        const result = tryDecodeVarint(bytes, 0);
        if (result.ok) expect([...encodeVarint(result.value)]).toEqual([...bytes.subarray(0, result.next)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects overlong encodings', () => {
    expect(tryDecodeVarint(new Uint8Array([0x80, 0x00]), 0)).toEqual({ ok: false, code: 'overlong' });
    expect(tryDecodeVarint(new Uint8Array([0xff, 0x80, 0x00]), 0)).toEqual({ ok: false, code: 'overlong' });
    expect(() => decodeVarint(new Uint8Array([0x81, 0x00]))).toThrow(
      expect.objectContaining({ code: 'ERR_VARINT_OVERLONG' }),
    );
  });

  it('rejects values above 2^53 - 1 and truncation', () => {
    expect(tryDecodeVarint(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x10]), 0)).toEqual({
      ok: false,
      code: 'too_large',
    });
    expect(
      tryDecodeVarint(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 0),
    ).toEqual({ ok: false, code: 'too_large' });
    expect(tryDecodeVarint(new Uint8Array([0x80]), 0)).toEqual({ ok: false, code: 'truncated' });
    try {
      decodeVarint(new Uint8Array([0x80]));
      expect.unreachable();
    } catch (error) {
      expect(isTallystickError(error, 'ERR_INVALID_ENCODING')).toBe(true);
    }
  });

  it('reads at an offset and writes into a buffer', () => {
    const buf = new Uint8Array(4);
    expect(writeVarint(buf, 1, 300)).toBe(3);
    expect(tryDecodeVarint(buf, 1)).toEqual({ ok: true, value: 300, next: 3 });
    expect(() => writeVarint(new Uint8Array(1), 0, 300)).toThrow(RangeError);
  });

  it('refuses unsafe and negative values with RangeError', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 53)).toThrow(RangeError);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
    expect(() => encodeVarint('1' as unknown as number)).toThrow(TypeError);
  });
});
