/**
 * What each pure-JS design choice of the token package's verifier buys, for
 * bench/verify: measured on its internals in interleaved rounds against raw
 * @noble/ed25519.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import * as ours from '../../../packages/token/src/crypto/index.js';
import { mulAdd } from '../../../packages/token/src/crypto/msm.js';
import { buildTable, decodeInto, Ext } from '../../../packages/token/src/crypto/point.js';
import {
  BASE,
  challenge,
  preparePure,
  pureVerify,
  subtractAffine,
} from '../../../packages/token/src/crypto/pure.js';
import { sha512 as ourSha512 } from '../../../packages/token/src/crypto/sha512.js';
import { median, QUICK } from '../../lib/harness.js';

ed.hashes.sha512 = sha512;

export type Row = Record<string, string | number>;

/**
 * What each pure-JS design choice buys, measured on internals in
 * interleaved rounds against raw @noble/ed25519: no table with full-length
 * Horner vs half-size scalars, 5-bit vs 8-bit key tables, our SHA-512 vs
 * @noble/hashes', and batch size.
 */
export function designChoices(publicKey: Uint8Array, secretKey: Uint8Array, message: Uint8Array): Row[] {
  const signature = ours.sign(message, secretKey);
  const A = new Ext();
  decodeInto(publicKey, 0, A);
  const tier = (w: number) => {
    const t = preparePure(publicKey)!;
    t.table = buildTable(A, w);
    t.uses = Number.MIN_SAFE_INTEGER; // never reaches an upgrade
    return t;
  };
  const [w5, w8] = [tier(5), tier(8)];
  const r = new Ext();
  const acc = new Ext();
  const k = new Uint8Array(32);
  const hashInput = new Uint8Array(64 + message.length);
  const digest = new Uint8Array(64);
  const batchKey = ours.prepareKey(publicKey, 'noble')!;
  const batches = [16, 64, 256, 1024].map((n) =>
    Array.from({ length: n }, (_, i) => {
      const msg = message.slice();
      msg[0] = i & 255;
      msg[1] = i >> 8;
      return {
        key: batchKey,
        signature: ours.sign(msg, secretKey),
        message: msg,
      };
    }),
  );
  const variants: [string, number, () => boolean][] = [
    ['raw @noble/ed25519 verify', 1, () => ed.verify(signature, message, publicKey)],
    [
      'new key, full-length Horner for [k]A (~252 doublings)',
      1,
      () => {
        const fresh = preparePure(publicKey)!;
        if (!decodeInto(signature, 0, r)) return false;
        const h = challenge(signature, publicKey, message);
        for (let i = 0; i < 32; i++) k[i] = Number((h >> BigInt(8 * i)) & 255n);
        acc.setIdentity();
        mulAdd(BASE, acc, signature, 32, false);
        mulAdd(fresh, acc, k, 0, true);
        return subtractAffine(acc, r).isSmallOrder();
      },
    ],
    [
      'new key, half-size scalars (~127 shared doublings)',
      1,
      () => pureVerify(preparePure(publicKey)!, publicKey, signature, message),
    ],
    ['key with 5-bit table (816 points)', 1, () => pureVerify(w5, publicKey, signature, message)],
    ['key with 8-bit table (4096 points)', 1, () => pureVerify(w8, publicKey, signature, message)],
    ['SHA-512 of R||A||M, @noble/hashes', 1, () => sha512(hashInput).length === 64],
    [
      'SHA-512 of R||A||M, ours',
      1,
      () => {
        ourSha512(hashInput, hashInput.length, digest);
        return true;
      },
    ],
    ...batches.map((b): [string, number, () => boolean] => [
      `verifyBatch of ${b.length}, per item`,
      b.length,
      () => ours.verifyBatch(b)[0]!,
    ]),
  ];
  const rounds = QUICK ? 2 : 4;
  const perRound: number[][] = variants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let v = 0; v < variants.length; v++) {
      const [, ops, fn] = variants[(v + round) % variants.length]!;
      const until = performance.now() + (QUICK ? 100 : 300);
      let calls = 0;
      const t0 = performance.now();
      while (performance.now() < until || calls < 2) {
        if (!fn()) throw new Error('design-choice variant returned false');
        calls++;
      }
      perRound[(v + round) % variants.length]!.push((calls * ops * 1000) / (performance.now() - t0));
    }
  }
  const base = median(perRound[0]!);
  return variants.map(([name], i) => ({
    variant: name,
    'ops/s': Math.round(median(perRound[i]!)),
    'ratio to raw noble': `${(median(perRound[i]!) / base).toFixed(2)}x`,
  }));
}
