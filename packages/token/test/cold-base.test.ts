/**
 * The process's first pure-JS verify is the one that builds B's table
 * (pure.ts, addBase) before it multiplies by B. Every other test file reaches
 * that path at most once, in whatever order its cases run, so here each run
 * loads a fresh copy of the crypto modules and checks that the very first
 * verdict is the strict rule's verdict.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';

type Crypto = typeof import('../src/crypto/index.js');

/** The crypto modules as a new process would see them: B has no table yet. */
async function freshCrypto(): Promise<Crypto> {
  vi.resetModules();
  return import('../src/crypto/index.js');
}

const seed = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ minLength: 0, maxLength: 160 });

describe("B's first use (no table yet)", () => {
  it('law: the first verify in a fresh process accepts exactly the valid signatures', async () => {
    await fc.assert(
      fc.asyncProperty(seed, message, fc.boolean(), async (secretKey, msg, tamper) => {
        const signature = ed25519.sign(msg, secretKey);
        const publicKey = ed25519.getPublicKey(secretKey);
        if (tamper) signature[40]! ^= 1; // S changes: the full-size B scalar is what is under test
        const { prepareKey, verifyPrepared } = await freshCrypto();
        const key = prepareKey(publicKey, 'noble')!;
        expect(verifyPrepared(key, signature, msg)).toBe(
          !tamper && ed25519.verify(signature, msg, publicKey),
        );
      }),
      { numRuns: 24 },
    );
  });

  it('the first verify and later ones agree, on both sides of the tables', async () => {
    const { prepareKey, verifyPrepared } = await freshCrypto();
    const secretKey = new Uint8Array(32).fill(7);
    const publicKey = ed25519.getPublicKey(secretKey);
    const key = prepareKey(publicKey, 'noble')!;
    const msg = new Uint8Array([1, 2, 3]);
    const good = ed25519.sign(msg, secretKey);
    const bad = good.slice();
    bad[40]! ^= 1; // S, so R still decodes and every call counts a use
    // Use 1 has neither table, use 2 builds both 5-bit tables, uses 3 on read them.
    expect([good, bad, good, bad, good].map((s) => verifyPrepared(key, s, msg))).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});
