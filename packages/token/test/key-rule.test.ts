/**
 * Issue 14 item 10, one rule for public keys: a key must be a canonical curve
 * point of prime order. Small-order and mixed-order keys are refused by
 * createVerifier, by verifySignature and by every batch path, and an
 * independent verifier written from the spec (support/torsion.ts) agrees
 * with every path on keys and signatures carrying any torsion component.
 */
import { TallystickError } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareKey, verifyBatch, verifyPrepared } from '../src/crypto/index.js';
import { createVerifier, type SignatureBackend, verifySignature } from '../src/index.js';
import * as verifyEntry from '../src/verify.js';
import { keyWithTorsion, L, signWithTorsion, specVerify, torsion } from './support/torsion.js';

const BACKENDS: SignatureBackend[] = ['noble', 'native', 'auto'];
const scalar = fc.bigInt({ min: 1n, max: L - 1n });
const message = fc.uint8Array({ maxLength: 48 });

describe('the key rule', () => {
  it('createVerifier (both entries) refuses small-order and mixed-order keys with ERR_KEY', () => {
    for (let t = 0; t < 8; t++) {
      const keys = [keyWithTorsion(0n, t), ...(t > 0 ? [keyWithTorsion(12345n, t)] : [])];
      for (const publicKey of keys) {
        for (const backend of BACKENDS) {
          for (const create of [createVerifier, verifyEntry.createVerifier]) {
            let error: unknown;
            try {
              create({ keys: [{ kid: '01020304', publicKey }], backend });
            } catch (e) {
              error = e;
            }
            expect(error).toBeInstanceOf(TallystickError);
            expect((error as TallystickError).code).toBe('ERR_KEY');
          }
        }
      }
    }
    // The same key without its torsion component loads.
    expect(() =>
      createVerifier({ keys: [{ kid: '01020304', publicKey: keyWithTorsion(12345n, 0) }] }),
    ).not.toThrow();
  });

  it('the identity key with R = identity and S = 0 (true under any equation) is refused everywhere', () => {
    const identity = keyWithTorsion(0n, 0);
    const sig = new Uint8Array(64);
    sig.set(identity, 0);
    const msg = new Uint8Array([1, 2, 3]);
    expect(specVerify(sig, msg, identity)).toBe(false);
    for (const backend of BACKENDS) {
      expect(verifySignature(sig, msg, identity, { backend })).toBe(false);
      expect(prepareKey(identity, backend)).toBeUndefined();
    }
  });

  it('law: every path agrees with the independent spec verifier, torsion on A and R included', () => {
    fc.assert(
      fc.property(
        scalar,
        scalar,
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        message,
        fc.boolean(),
        (a, r, ta, tr, msg, tamper) => {
          const pk = keyWithTorsion(a, ta);
          const sig = signWithTorsion(a, pk, r, tr, msg);
          if (tamper) sig[40]! ^= 1;
          const expected = specVerify(sig, msg, pk);
          // Valid under the spec exactly when untampered and A has no torsion (R may have some).
          expect(expected).toBe(!tamper && ta === 0);
          for (const backend of BACKENDS) {
            expect(verifySignature(sig, msg, pk, { backend })).toBe(expected);
            expect(verifyEntry.verifySignature(sig, msg, pk, { backend })).toBe(expected);
            const key = prepareKey(pk, backend);
            expect(key !== undefined && verifyPrepared(key, sig, msg)).toBe(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('law: batch and single verification agree under the rule, item by item', () => {
    const item = fc.tuple(
      scalar,
      scalar,
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0, max: 7 }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 2, maxLength: 8 }),
        fc.constantFrom<SignatureBackend>('noble', 'native'),
        (items, backend) => {
          const msg = new Uint8Array([7]);
          const batch = items.map(([a, r, ta, tr, tamper]) => {
            const pk = keyWithTorsion(a, ta);
            const sig = signWithTorsion(a, pk, r, tr, msg);
            if (tamper) sig[33]! ^= 1;
            // A forged PreparedKey-shaped object: the batch must prepare it afresh, so the key rule applies.
            return {
              key: prepareKey(pk, backend) ?? ({ publicKey: pk, backend } as never),
              signature: sig,
              message: msg,
              pk,
            };
          });
          const single = batch.map((b) => specVerify(b.signature, b.message, b.pk));
          expect(verifyBatch(batch)).toEqual(single);
          expect(single.filter(Boolean).length).toBe(
            items.filter(([, , ta, , tamper]) => ta === 0 && !tamper).length,
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('torsion points really are what the vectors say: [8]T = O, and [L](aB + T) = [L]T ≠ O for T ≠ O', () => {
    for (let t = 1; t < 8; t++) {
      expect(torsion[t]!.multiplyUnsafe(8n).is0()).toBe(true);
      expect(torsion[t]!.isSmallOrder()).toBe(true);
    }
  });
});
