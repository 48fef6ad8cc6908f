import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORRUPT_ERROR, readChecked, textChecksum } from '../src/lib/checksum.js';

describe('textChecksum', () => {
  it('known answers: the FNV-1a 32-bit test vectors (ASCII, where code units are bytes)', () => {
    expect(textChecksum('')).toBe(0x811c9dc5);
    expect(textChecksum('a')).toBe(0xe40c292c);
    expect(textChecksum('foobar')).toBe(0xbf9cf968);
  });

  it('changes with any single changed character of an envelope (each step is a bijection)', () => {
    const text = '{"id":"a","type":"sale","payload":{"amount":1250}}';
    const sum = textChecksum(text);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ minLength: 1, maxLength: 1 }), (at, ch) => {
        fc.pre(text[at] !== ch);
        const altered = text.slice(0, at) + ch + text.slice(at + 1);
        expect(textChecksum(altered)).not.toBe(sum);
        expect(readChecked(altered, sum)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('readChecked', () => {
  const text =
    '{"id":"x1","type":"sale","device":"d","hlc":"h","createdAt":5,"payload":{"a":1},"partitionKey":"p"}';
  it('returns the envelope when text, checksum and columns agree; undefined when any disagrees', () => {
    const sum = textChecksum(text);
    const cols = { id: 'x1', partitionKey: 'p', createdAt: 5 };
    expect(readChecked(text, sum, cols)).toEqual(JSON.parse(text));
    expect(readChecked(text, String(sum), cols)).toEqual(JSON.parse(text));
    expect(readChecked(text, sum + 1, cols)).toBeUndefined();
    expect(readChecked(text, sum, { ...cols, id: 'x2' })).toBeUndefined();
    expect(readChecked(text, sum, { ...cols, partitionKey: undefined })).toBeUndefined();
    expect(readChecked(text, sum, { ...cols, createdAt: 6 })).toBeUndefined();
    expect(readChecked('{not json', textChecksum('{not json'))).toBeUndefined();
  });

  it('reads a legacy row (no checksum) unchecked', () => {
    expect(readChecked(text, null)).toEqual(JSON.parse(text));
    expect(CORRUPT_ERROR).toMatch(/checksum/);
  });
});
