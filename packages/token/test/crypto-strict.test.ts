/**
 * The strict rule at its edges, and the arithmetic under it checked against
 * @noble/ed25519 as an independent reference.
 */
import { createHash, createPublicKey, verify as opensslVerify } from 'node:crypto';
import { etc, hashes, Point, utils } from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { decodeHex } from '@tallystick/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canon, invert, mul, P } from '../src/crypto/field.js';
import { halfSize, wnaf } from '../src/crypto/halfsize.js';
import {
  type PreparedKey,
  prepareKey,
  publicKeyFromSecret,
  sign,
  verifyBatch,
  verifyPrepared,
  verifySignature,
} from '../src/crypto/index.js';
import { buildTable, decodeInto, Ext, recode, windowCount } from '../src/crypto/point.js';
import type { Prepared } from '../src/crypto/prepared.js';
import { L } from '../src/crypto/pure.js';
import { sha512 as ourSha512 } from '../src/crypto/sha512.js';
import { isPointEncodingCanonical, isScalarCanonical, isSmallOrderEncoding } from '../src/crypto/strict.js';
import { LARGE_TABLE_AT, SMALL_TABLE_AT } from '../src/crypto/tiered.js';

hashes.sha512 = sha512;

const le = (bytes: Uint8Array) => BigInt(`0x${etc.bytesToHex(Uint8Array.from(bytes).reverse())}`);
const toLe = (n: bigint) => etc.hexToBytes(n.toString(16).padStart(64, '0')).reverse();
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** 32-byte strings biased towards the edges: y near 0, 1, p - 1, p and 2^255. */
const edgy32 = fc.oneof(
  bytes32,
  fc
    .tuple(
      fc.constantFrom(0n, 1n, P - 1n, P, P + 1n, 2n ** 255n - 1n),
      fc.integer({ min: -20, max: 20 }),
      fc.boolean(),
    )
    .map(([base, delta, sign]) => {
      const y = (((base + BigInt(delta)) % 2n ** 255n) + 2n ** 255n) % 2n ** 255n;
      const b = toLe(y);
      if (sign) b[31]! |= 0x80;
      return b;
    }),
);

const secretKey = new Uint8Array(32).fill(0x42);
const publicKey = publicKeyFromSecret(secretKey);
const message = new TextEncoder().encode('tallystick/token/v1 strict rule');
const signature = sign(message, secretKey);
const { scalar: a } = utils.getExtendedPublicKey(secretKey);

/** Every path we ship, for one case. */
function allPaths(pk: Uint8Array, sig: Uint8Array, msg: Uint8Array): boolean[] {
  const keys = [prepareKey(pk, 'noble'), prepareKey(pk, 'native')];
  const other = prepareKey(publicKey, 'noble')!;
  return [
    ...keys.map((k) => k !== undefined && verifyPrepared(k, sig, msg)),
    ...keys.map(
      (k) =>
        k !== undefined &&
        verifyBatch([
          { key: k, signature: sig, message: msg },
          { key: other, signature, message },
        ])[0]!,
    ),
    verifySignature(sig, msg, pk, { backend: 'noble' }),
    verifySignature(sig, msg, pk, { backend: 'native' }),
  ];
}

/** A signature made with the secret scalar for an arbitrary nonce point R = [r]B + T. */
function signWithR(
  r: bigint,
  torsion: InstanceType<typeof Point>,
  pk: Uint8Array,
  scalar: bigint,
  msg: Uint8Array,
) {
  const R = Point.BASE.multiply(r).add(torsion);
  const rBytes = R.toBytes();
  const k = le(sha512(etc.concatBytes(rBytes, pk, msg))) % L;
  const S = (r + k * scalar) % L;
  return etc.concatBytes(rBytes, toLe(S));
}

function openssl(pk: Uint8Array, sig: Uint8Array, msg: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]);
  return opensslVerify(null, msg, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig);
}

/** The eight points of E[8], from a generator of order 8. */
const T8 = Point.fromBytes(decodeHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
const torsion = Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T8.multiply(BigInt(i), false)));

describe('byte-level rule', () => {
  it('law: S is admissible exactly when S < L', () => {
    for (const s of [0n, 1n, L - 1n]) expect(isScalarCanonical(toLe(s), 0)).toBe(true);
    for (const s of [L, L + 1n, 2n ** 253n, 2n ** 256n - 1n])
      expect(isScalarCanonical(toLe(s), 0)).toBe(false);
    const nearL = fc.bigInt({ min: L - 300n, max: L + 300n });
    fc.assert(
      fc.property(fc.oneof(bytes32, nearL.map(toLe)), (b) => isScalarCanonical(b, 0) === le(b) < L),
      { numRuns: 2000 },
    );
  });

  it('law: an encoding is canonical exactly when y < p and x = 0 carries no sign bit', () => {
    fc.assert(
      fc.property(edgy32, (b) => {
        const y = le(b) & (2n ** 255n - 1n);
        const sign = b[31]! >> 7;
        const reference = y < P && !(sign === 1 && (y === 1n || y === P - 1n));
        return isPointEncodingCanonical(b, 0) === reference;
      }),
      { numRuns: 3000 },
    );
  });

  it('law: our decoding accepts exactly what strict RFC 8032 decoding accepts, to the same point', () => {
    fc.assert(
      fc.property(edgy32, (b) => {
        let reference: InstanceType<typeof Point> | undefined;
        try {
          reference = Point.fromBytes(b, false);
        } catch {
          reference = undefined;
        }
        const ours = new Ext();
        const ok = isPointEncodingCanonical(b, 0) && decodeInto(b, 0, ours);
        if (!ok || !reference) return ok === (reference !== undefined);
        return canon(ours.X) === reference.x && canon(ours.Y) === reference.y;
      }),
      { numRuns: 1500 },
    );
  });

  it('the small-order list is exactly the canonical encodings of E[8]', () => {
    const encodings = torsion.map((t) => etc.bytesToHex(t.toBytes())).sort();
    const flagged: string[] = [];
    for (const t of torsion) {
      const b = t.toBytes();
      expect(isSmallOrderEncoding(b, 0)).toBe(true);
      flagged.push(etc.bytesToHex(b));
    }
    expect(new Set(flagged).size).toBe(8);
    expect(flagged.sort()).toEqual(encodings);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: L - 1n }),
        (s) => !isSmallOrderEncoding(Point.BASE.multiply(s).toBytes(), 0),
      ),
      { numRuns: 300 },
    );
  });

  it('small-order and non-canonical keys are refused by prepareKey on every backend', () => {
    for (const t of torsion) {
      expect(prepareKey(t.toBytes(), 'noble')).toBeUndefined();
      expect(prepareKey(t.toBytes(), 'native')).toBeUndefined();
    }
    // Every y >= p encoding (y = p..2^255-1), both signs: aliases of y = 0..18.
    for (let d = 0n; d < 19n; d++) {
      for (const sign of [0, 0x80]) {
        const b = toLe(P + d);
        b[31]! |= sign;
        expect(prepareKey(b, 'noble')).toBeUndefined();
        expect(prepareKey(b, 'native')).toBeUndefined();
      }
    }
    expect(prepareKey(new Uint8Array(31))).toBeUndefined();
    expect(prepareKey('x' as unknown as Uint8Array)).toBeUndefined();
    expect(prepareKey(publicKey, 'bogus' as 'auto')).toBeUndefined();
  });
});

describe('edge signatures, same verdict on every path', () => {
  it('a valid signature plus L in S (malleated) is refused', () => {
    const S = le(signature.subarray(32)) + L;
    const malleated = etc.concatBytes(signature.subarray(0, 32), toLe(S));
    expect(allPaths(publicKey, signature, message)).toEqual(Array(6).fill(true));
    expect(allPaths(publicKey, malleated, message)).toEqual(Array(6).fill(false));
  });

  it('R of small order is refused even when the cofactored equation holds', () => {
    for (const t of torsion) {
      // S = k·a makes [S]B - [k]A = O, so [8](... - R) = O for any R in E[8].
      const rBytes = t.toBytes();
      const k = le(sha512(etc.concatBytes(rBytes, publicKey, message))) % L;
      const sig = etc.concatBytes(rBytes, toLe((k * a) % L));
      expect(allPaths(publicKey, sig, message)).toEqual(Array(6).fill(false));
    }
  });

  it('R with a torsion component: cofactored equation accepts on every path, although raw OpenSSL refuses', () => {
    for (let i = 1; i < 8; i++) {
      const sig = signWithR(123456789n * BigInt(i), torsion[i]!, publicKey, a, message);
      expect(openssl(publicKey, sig, message)).toBe(false);
      expect(allPaths(publicKey, sig, message)).toEqual(Array(6).fill(true));
    }
  });

  it('a mixed-order key A + T (every torsion component) is refused on every path, though the cofactored equation holds', () => {
    for (let t = 1; t < 8; t++) {
      const mixed = Point.BASE.multiply(a).add(torsion[t]!).toBytes();
      expect(prepareKey(mixed, 'noble')).toBeUndefined();
      expect(prepareKey(mixed, 'native')).toBeUndefined();
      for (let m = 0; m < 4; m++) {
        const msg = new Uint8Array([m, t]);
        const sig = signWithR(987654321n + BigInt(m), Point.ZERO, mixed, a, msg);
        expect(allPaths(mixed, sig, msg)).toEqual(Array(6).fill(false));
      }
    }
  });

  it('law: a key is accepted exactly when it is a canonical curve point of prime order (not identity)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: L - 1n }), fc.integer({ min: 0, max: 7 }), (s, t) => {
        const point = Point.BASE.multiply(s).add(torsion[t]!);
        const prepared = prepareKey(point.toBytes(), 'noble');
        expect(prepared !== undefined).toBe(t === 0);
      }),
      { numRuns: 40 },
    );
  });

  it('the identity key with R = identity and S = 0 (valid under any equation) is refused', () => {
    const identity = Point.ZERO.toBytes();
    const sig = new Uint8Array(64);
    sig.set(identity, 0);
    expect(allPaths(identity, sig, message)).toEqual(Array(6).fill(false));
    expect(prepareKey(identity, 'noble')).toBeUndefined();
  });

  it('total on hostile input: no path throws, all say false', () => {
    const key = prepareKey(publicKey, 'noble')!;
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (x, y, z) => {
        expect(verifyPrepared(x as PreparedKey, y as Uint8Array, z as Uint8Array)).toBe(false);
        expect(verifyPrepared(key, x as Uint8Array, y as Uint8Array)).toBe(false);
        expect(verifySignature(x as Uint8Array, y as Uint8Array, z as Uint8Array)).toBe(false);
        expect(verifyBatch([{ key: x, signature: y, message: z } as never, x as never])).toEqual([
          false,
          false,
        ]);
        expect(verifyBatch(x as never)).toEqual(Array.isArray(x) ? x.map(() => false) : []);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('arithmetic against a bigint reference', () => {
  const fe = fc.bigInt({ min: 0n, max: 2n ** 258n });

  it('law: mul is multiplication mod p on loose inputs, invert is its inverse', () => {
    fc.assert(
      fc.property(fe, fe, (x, y) => canon(mul(x, y)) === (x * y) % P),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: P - 1n }), (x) => canon(mul(invert(x), x)) === 1n),
      { numRuns: 300 },
    );
  });

  it('law: signed digits reconstruct the scalar and stay within ±2^(w-1)', () => {
    for (const w of [4, 5, 6, 7, 8]) {
      const out = new Int16Array(windowCount(w));
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 2n ** 253n - 1n }), (s) => {
          recode(toLe(s), 0, w, out);
          let sum = 0n;
          for (let j = 0; j < out.length; j++) sum += BigInt(out[j]!) << BigInt(w * j);
          return sum === s && out.every((d) => Math.abs(d) <= 1 << (w - 1));
        }),
        { numRuns: 1000 },
      );
    }
  });

  it('SHA-512 gives the FIPS 180-2 answers and agrees with node:crypto on any length', () => {
    const digest = (text: string | Uint8Array) => {
      const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
      const out = new Uint8Array(64);
      ourSha512(bytes, bytes.length, out);
      return etc.bytesToHex(out);
    };
    expect(digest('abc')).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
    expect(digest('')).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
    );
    expect(
      digest(
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      ),
    ).toBe(
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
    );
    // Every length 0..300 crosses both padding cases (one and two final blocks).
    for (let n = 0; n <= 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 255);
      expect(digest(bytes)).toBe(createHash('sha512').update(bytes).digest('hex'));
    }
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        (bytes) => digest(bytes) === createHash('sha512').update(bytes).digest('hex'),
      ),
      { numRuns: 1000 },
    );
  });

  it('law: halfSize(k) gives u = v·k (mod L) with u < 2^126 and 0 < |v| < 2^127', () => {
    const scalar = fc.oneof(
      fc.bigInt({ min: 0n, max: L - 1n }),
      fc.constantFrom(
        0n,
        1n,
        2n,
        L - 1n,
        L - 2n,
        2n ** 126n,
        2n ** 126n - 1n,
        2n ** 126n + 1n,
        (L - 1n) / 2n,
      ),
    );
    fc.assert(
      fc.property(scalar, (k) => {
        const [u, v] = halfSize(k);
        const abs = v < 0n ? -v : v;
        return (
          (((u - v * k) % L) + L) % L === 0n && u >= 0n && u < 2n ** 126n && abs > 0n && abs < 2n ** 127n
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('law: the width-5 NAF reconstructs the value, with odd digits below 16 at least 5 apart', () => {
    const out = new Int8Array(136);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), (x) => {
        wnaf(x, out);
        let sum = 0n;
        let last = -5;
        for (let i = 0; i < out.length; i++) {
          const d = out[i]!;
          if (d === 0) continue;
          if (d % 2 === 0 || Math.abs(d) > 15 || i - last < 5) return false;
          last = i;
          sum += BigInt(d) << BigInt(i);
        }
        return sum === x;
      }),
      { numRuns: 3000 },
    );
  });

  it('table entries are the multiples [d·2^(wj)]P', () => {
    const point = Point.BASE.multiply(99n);
    const A = new Ext().setAffine(point.x, point.y);
    const table = buildTable(A, 5);
    const half = 16;
    for (const [j, d] of [
      [0, 1],
      [0, 16],
      [7, 3],
      [50, 9],
      [50, 16],
    ] as const) {
      const expected = point.multiply((BigInt(d) << BigInt(5 * j)) % L);
      const i = j * half + d - 1;
      expect(canon(table.ypx[i]!)).toBe((expected.y + expected.x) % P);
      expect(canon(table.ymx[i]!)).toBe((expected.y - expected.x + P) % P);
    }
  });

  it('verdicts do not change as a key moves through its table tiers (none, 5-bit, 8-bit)', () => {
    const seed = new Uint8Array(32).fill(0x55);
    const key = prepareKey(publicKeyFromSecret(seed), 'noble') as Prepared;
    const sig0 = sign(new Uint8Array([0]), seed);
    const widths = new Set<number | undefined>();
    for (let i = 0; i < LARGE_TABLE_AT + 4; i++) {
      const msg = new Uint8Array([i & 255, i >> 8]);
      const valid = i % 2 === 0;
      // Odd i: a valid signature, but of another message.
      const sig = valid ? sign(msg, seed) : sig0;
      widths.add(key.pure.table?.w);
      expect(verifyPrepared(key, sig, msg)).toBe(valid);
    }
    expect([...widths]).toEqual([undefined, 5, 8]);
    expect(SMALL_TABLE_AT).toBe(2);
  });
});
