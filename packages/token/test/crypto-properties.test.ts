/**
 * Laws of the signature contract over random keys and messages, on every
 * path: pure JS, node:crypto, batch, one-shot.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  prepareKey,
  publicKeyFromSecret,
  sign,
  verifyBatch,
  verifyPrepared,
  verifySignature,
} from '../src/crypto/index.js';

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Token-sized messages, and the empty one. */
const message = fc.uint8Array({ minLength: 0, maxLength: 160 });

const anchor = (() => {
  const { secretKey, publicKey } = generateKeyPair();
  const msg = new Uint8Array([9]);
  return { publicKey, message: msg, signature: sign(msg, secretKey) };
})();

/** A pool of signers prepared once, so most runs exercise keys that already have tables. */
const pool = Array.from({ length: 8 }, (_, i) => {
  const secretKey = new Uint8Array(32).fill(0x60 + i);
  const publicKey = publicKeyFromSecret(secretKey);
  return {
    secretKey,
    publicKey,
    noble: prepareKey(publicKey, 'noble')!,
    native: prepareKey(publicKey, 'native')!,
  };
});
const pooled = new Map(pool.map((p) => [p.publicKey.join(), p]));

function everyPath(publicKey: Uint8Array, signature: Uint8Array, msg: Uint8Array): boolean[] {
  const known = pooled.get(publicKey.join());
  const noble = known?.noble ?? prepareKey(publicKey, 'noble');
  const native = known?.native ?? prepareKey(publicKey, 'native');
  const batch = (key: ReturnType<typeof prepareKey>) => {
    if (!key) return false;
    const anchorKey = prepareKey(anchor.publicKey, key.backend)!;
    const verdicts = verifyBatch([
      { key: anchorKey, signature: anchor.signature, message: anchor.message },
      { key, signature, message: msg },
      { key: anchorKey, signature: anchor.signature, message: anchor.message },
    ]);
    expect([verdicts[0], verdicts[2]]).toEqual([true, true]);
    return verdicts[1]!;
  };
  return [
    noble !== undefined && verifyPrepared(noble, signature, msg),
    native !== undefined && verifyPrepared(native, signature, msg),
    batch(noble),
    batch(native),
    verifySignature(signature, msg, publicKey),
    verifySignature(signature, msg, publicKey, { backend: 'noble' }),
  ];
}

describe('signature laws on every path', () => {
  it('law: sign then verify succeeds, on every backend and in batch', () => {
    fc.assert(
      fc.property(seed, message, (secretKey, msg) => {
        const publicKey = publicKeyFromSecret(secretKey);
        expect(everyPath(publicKey, sign(msg, secretKey), msg)).toEqual(Array(6).fill(true));
      }),
      { numRuns: 60 },
    );
  });

  it('law: flipping any single bit of signature, message or key is rejected everywhere', () => {
    const part = fc.constantFrom('signature', 'message', 'key');
    fc.assert(
      fc.property(
        fc.nat(pool.length - 1),
        message,
        part,
        fc.nat(),
        fc.nat(7),
        (signer, msg, which, at, bit) => {
          const { secretKey, publicKey } = pool[signer]!;
          const signature = sign(msg, secretKey);
          const target =
            which === 'signature' ? signature.slice() : which === 'key' ? publicKey.slice() : msg.slice();
          if (target.length === 0) return; // nothing to flip in an empty message
          target[at % target.length]! ^= 1 << bit;
          const verdicts =
            which === 'signature'
              ? everyPath(publicKey, target, msg)
              : which === 'key'
                ? everyPath(target, signature, msg)
                : everyPath(publicKey, signature, target);
          expect(verdicts).toEqual(Array(6).fill(false));
        },
      ),
      { numRuns: 240 },
    );
  });

  it('law: the same prepared key gives the same verdict as the one-shot call, for random bytes', () => {
    const key = prepareKey(anchor.publicKey, 'noble')!;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), message, (signature, msg) => {
        const v = verifyPrepared(key, signature, msg);
        expect(v).toBe(verifySignature(signature, msg, anchor.publicKey, { backend: 'native' }));
        expect(v).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
