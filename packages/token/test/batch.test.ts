/**
 * verifyBatch returns, for every item, exactly the verdict of single
 * verification: random mixes of valid and invalid items, several keys, both
 * backends, and errors crafted to cancel out in a non-random combination.
 */
import { etc, hashes, utils } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PreparedKey,
  prepareKey,
  publicKeyFromSecret,
  sign,
  verifyBatch,
  verifyPrepared,
} from '../src/crypto/index.js';
import { L } from '../src/crypto/pure.js';

hashes.sha512 = sha512;

const le = (bytes: Uint8Array) => BigInt(`0x${etc.bytesToHex(Uint8Array.from(bytes).reverse())}`);
const toLe = (n: bigint) => etc.hexToBytes(n.toString(16).padStart(64, '0')).reverse();

const signers = [0x31, 0x32, 0x33].map((b) => {
  const secretKey = new Uint8Array(32).fill(b);
  const publicKey = publicKeyFromSecret(secretKey);
  return {
    secretKey,
    publicKey,
    noble: prepareKey(publicKey, 'noble')!,
    native: prepareKey(publicKey, 'native')!,
  };
});

type Item = { key: PreparedKey; signature: Uint8Array; message: Uint8Array };

/** The kinds of item a reconciliation backlog can hold. */
const kinds = ['valid', 'flipped-signature', 'wrong-message', 'wrong-key', 'S+L', 'garbage'] as const;

function makeItem(
  kind: (typeof kinds)[number],
  signer: number,
  n: number,
  backend: 'noble' | 'native',
): Item {
  const s = signers[signer]!;
  const message = new Uint8Array(120).fill(n & 255);
  message[0] = n >> 8;
  const key = s[backend];
  if (kind === 'garbage') return { key, signature: new Uint8Array(64).fill(n & 255), message };
  const signature = sign(message, s.secretKey);
  switch (kind) {
    case 'valid':
      return { key, signature, message };
    case 'flipped-signature': {
      const bad = signature.slice();
      bad[n % 64]! ^= 1 << (n % 8);
      return { key, signature: bad, message };
    }
    case 'wrong-message':
      return { key, signature, message: message.subarray(1) };
    case 'wrong-key':
      return { key: signers[(signer + 1) % signers.length]![backend], signature, message };
    case 'S+L':
      return {
        key,
        signature: etc.concatBytes(signature.subarray(0, 32), toLe(le(signature.subarray(32)) + L)),
        message,
      };
  }
}

describe('verifyBatch', () => {
  it('law: batch verdicts equal single verdicts for random mixes of valid and invalid items', () => {
    const item = fc.record({
      kind: fc.constantFrom(...kinds, 'valid', 'valid', 'valid'),
      signer: fc.nat(signers.length - 1),
      backend: fc.constantFrom('noble', 'noble', 'noble', 'native'),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 0, maxLength: 40 }), (specs) => {
        const items = specs.map((s, n) => makeItem(s.kind, s.signer, n, s.backend as 'noble' | 'native'));
        const singles = items.map((i) => verifyPrepared(i.key, i.signature, i.message));
        expect(verifyBatch(items)).toEqual(singles);
        expect(singles).toEqual(specs.map((s) => s.kind === 'valid'));
      }),
      { numRuns: 40 },
    );
  });

  it('bisection names exactly the bad items of a 300-item batch', () => {
    const items = Array.from({ length: 300 }, (_, n) => makeItem('valid', n % 3, n, 'noble'));
    expect(verifyBatch(items)).toEqual(Array(300).fill(true));
    for (const bad of [
      [0],
      [299],
      [7, 8, 9],
      [1, 100, 150, 298],
      Array.from({ length: 30 }, (_, i) => i * 10),
    ]) {
      const mixed = items.map((it, n) => {
        if (!bad.includes(n)) return it;
        const signature = it.signature.slice();
        signature[n % 64]! ^= 1 << (n % 8);
        return { ...it, signature };
      });
      const verdicts = verifyBatch(mixed);
      expect(verdicts.flatMap((v, n) => (v ? [] : [n]))).toEqual(bad);
    }
    expect(verifyBatch(items.map((_, n) => makeItem('garbage', 0, n, 'noble')))).toEqual(
      Array(300).fill(false),
    );
  });

  it('random coefficients catch two invalid signatures whose errors cancel in a plain sum', () => {
    // S1 + d and S2 - d: each equation is off by [d]B and [-d]B, which cancel
    // unless the two items get different coefficients.
    const [a, b] = [makeItem('valid', 0, 1, 'noble'), makeItem('valid', 0, 2, 'noble')];
    const shift = (sig: Uint8Array, d: bigint) =>
      etc.concatBytes(sig.subarray(0, 32), toLe((((le(sig.subarray(32)) + d) % L) + L) % L));
    const items = [
      { ...a, signature: shift(a.signature, 5n) },
      { ...b, signature: shift(b.signature, -5n) },
      makeItem('valid', 1, 3, 'noble'),
    ];
    for (let i = 0; i < 20; i++) expect(verifyBatch(items)).toEqual([false, false, true]);
  });

  it('coalesces one key across many items and still verifies each', () => {
    const one = Array.from({ length: 64 }, (_, n) => makeItem('valid', 2, n, 'noble'));
    expect(verifyBatch(one)).toEqual(Array(64).fill(true));
    const { scalar } = utils.getExtendedPublicKey(signers[2]!.secretKey);
    expect(scalar).toBeGreaterThan(0n);
  });

  it('items whose key was prepared separately for each still get exact verdicts', () => {
    const s = signers[0]!;
    const items = Array.from({ length: 24 }, (_, n) => ({
      ...makeItem('valid', 0, n, 'noble'),
      key: prepareKey(s.publicKey, 'noble')!,
    }));
    expect(verifyBatch(items)).toEqual(Array(24).fill(true));
    items[5] = { ...items[5]!, message: new Uint8Array(3) };
    expect(verifyBatch(items).flatMap((v, n) => (v ? [] : [n]))).toEqual([5]);
  });

  it('handles an empty batch and items that are not items', () => {
    expect(verifyBatch([])).toEqual([]);
    const good = makeItem('valid', 0, 0, 'noble');
    expect(verifyBatch([good, null as never, { key: good.key } as never, good])).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});
