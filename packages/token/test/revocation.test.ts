import { encodeHex, isTallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RevocationList } from '../src/index.js';
import { ISSUER_KEY, keyFromSeed } from './fixtures.js';

const idArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(encodeHex);
const kidArb = fc.uint8Array({ minLength: 4, maxLength: 4 }).map(encodeHex);

describe('revocation list', () => {
  it('law: lookups agree with a Set, before and after a bytes round trip', () => {
    fc.assert(
      fc.property(
        fc.array(idArb, { maxLength: 60 }),
        fc.array(kidArb, { maxLength: 8 }),
        fc.array(idArb, { maxLength: 10 }),
        (ids, kids, probes) => {
          const list = RevocationList.create({ tokenIds: ids, kids, issuedAt: 1_767_268_800_000 });
          const loaded = RevocationList.fromBytes(list.toBytes());
          const set = new Set(ids);
          for (const candidate of [...ids, ...probes]) {
            expect(list.hasTokenId(candidate)).toBe(set.has(candidate));
            expect(loaded.hasTokenId(candidate)).toBe(set.has(candidate));
          }
          for (const kid of kids) expect(loaded.hasKid(kid)).toBe(true);
          expect(loaded.size).toEqual({ kids: new Set(kids).size, tokens: set.size });
          expect(loaded.issuedAt).toBe(1_767_268_800_000);
          // Canonical: one list, one byte string.
          expect(encodeHex(loaded.toBytes())).toBe(encodeHex(list.toBytes()));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is compact: 16 bytes per token id plus a few bytes of header', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => i.toString(16).padStart(32, '0'));
    const bytes = RevocationList.create({ tokenIds: ids }).toBytes();
    expect(bytes.length).toBe(6 + 1 + 2 + 10_000 * 16);
  });

  it('signed lists load only with the signing key and only untampered', () => {
    const list = RevocationList.create({ tokenIds: ['00'.repeat(16)], kids: ['0a0b0c0d'] });
    const signed = list.toBytes({ secretKey: ISSUER_KEY.secretKey, kid: ISSUER_KEY.kid });
    const keys = [{ kid: ISSUER_KEY.kid, publicKey: ISSUER_KEY.publicKey }];
    expect(RevocationList.fromBytes(signed, { keys }).hasTokenId('00'.repeat(16))).toBe(true);
    const other = keyFromSeed(0x55);
    const refuse = (bytes: Uint8Array, k = keys) => {
      try {
        RevocationList.fromBytes(bytes, { keys: k });
        return 'loaded';
      } catch (error) {
        return isTallystickError(error, 'ERR_TOKEN') ? 'refused' : String(error);
      }
    };
    expect(refuse(signed, [{ kid: other.kid, publicKey: other.publicKey }])).toBe('refused');
    expect(refuse(list.toBytes())).toBe('refused');
    for (let at = 0; at < signed.length; at++) {
      const copy = signed.slice();
      copy[at]! ^= 0x40;
      expect(refuse(copy), `byte ${at}`).toBe('refused');
    }
  });

  it('refuses non-canonical bytes: unsorted, duplicated, truncated, trailing', () => {
    const a = '01'.repeat(16);
    const b = '02'.repeat(16);
    const good = RevocationList.create({ tokenIds: [a, b] }).toBytes();
    const swapped = good.slice();
    swapped.set(good.subarray(good.length - 16), good.length - 32);
    swapped.set(good.subarray(good.length - 32, good.length - 16), good.length - 16);
    const duplicated = good.slice();
    duplicated.set(good.subarray(good.length - 32, good.length - 16), good.length - 16);
    const bad = [
      swapped,
      duplicated,
      good.subarray(0, good.length - 1),
      new Uint8Array([...good, 0]),
      new Uint8Array(3),
    ];
    for (const bytes of bad) expect(() => RevocationList.fromBytes(bytes)).toThrow(/revocation/);
  });

  it('validates what it is built from', () => {
    expect(() => RevocationList.create({ tokenIds: ['xyz'] })).toThrow(RangeError);
    expect(() => RevocationList.create({ kids: ['ABCDEF01'] })).toThrow(RangeError);
    expect(() => RevocationList.create({ issuedAt: 1.5 })).toThrow(RangeError);
    expect(RevocationList.create().hasTokenId('nope')).toBe(false);
  });
});
