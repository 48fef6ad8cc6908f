/**
 * The signature contract of @tallystick/token: one strict Ed25519 rule,
 * enforced by our own code before any backend runs, so the pure-JS path,
 * node:crypto and batch verification return the same verdict on every input.
 *
 * The rule (see docs/performance.md, "The verification rule"):
 * - the signature is 64 bytes and S < L;
 * - R and A are canonical encodings (y < p, no sign bit when x = 0) of curve points;
 * - neither R nor A is of small order;
 * - the cofactored equation [8][S]B = [8]R + [8][k]A, k = SHA-512(R || A || M) mod L.
 *
 * All verification functions are synchronous and total: bad input of any type
 * yields false or undefined, never an exception.
 */

import { type BatchEntry, batchVerify } from './batch.js';
import { publicKeyOf, signMessage } from './keys.js';
import { loadNodeCrypto } from './native.js';
import {
  type Prepared,
  type PreparedKey,
  prepare,
  resolve,
  type SignatureBackend,
  verifyOne,
} from './prepared.js';
import { isSignatureAdmissible } from './strict.js';

export type { PreparedKey, SignatureBackend };

/**
 * Decodes and strict-checks an Ed25519 public key once, for many verifies.
 * Cache the result per key id: its precomputed tables grow with use, so the
 * first verify stays cheap and a busy key gets the fastest path.
 *
 * @param backend - 'auto' (default): node:crypto where present, else pure JS.
 * @returns undefined if the key is not 32 bytes, not a canonical point
 * encoding, not on the curve, or of small order; or if `backend` is 'native'
 * and node:crypto is absent, or `backend` is not a known name.
 * @example
 * ```ts
 * const key = prepareKey(publicKey, 'auto');
 * if (key && verifyPrepared(key, signature, message)) accept();
 * ```
 */
export function prepareKey(
  publicKey: Uint8Array,
  backend: SignatureBackend = 'auto',
): PreparedKey | undefined {
  return prepare(publicKey, backend);
}

/**
 * Verifies one signature under a prepared key with the strict rule. Never throws.
 *
 * @example
 * ```ts
 * verifyPrepared(prepareKey(publicKey)!, signature, message); // true or false
 * ```
 */
export function verifyPrepared(key: PreparedKey, signature: Uint8Array, message: Uint8Array): boolean {
  const k = resolve(key);
  return k !== undefined && verifyOne(k, signature, message);
}

/**
 * Verifies many signatures at once: element i is exactly
 * `verifyPrepared(items[i].key, items[i].signature, items[i].message)`.
 * Items under pure-JS keys share one random-linear-combination check, with
 * bisection to pin down the bad ones; items under node:crypto keys are
 * checked one by one, because OpenSSL's single verify is faster still.
 * Never throws.
 *
 * @example
 * ```ts
 * const verdicts = verifyBatch(tokens.map((t) => ({ key, signature: t.signature, message: t.message })));
 * ```
 */
export function verifyBatch(
  items: ReadonlyArray<{ key: PreparedKey; signature: Uint8Array; message: Uint8Array }>,
): boolean[] {
  if (!Array.isArray(items)) return [];
  const n = items.length;
  const out = new Array<boolean>(n).fill(false);
  const entries = new Array<BatchEntry | undefined>(n);
  let pooled = 0;
  for (let i = 0; i < n; i++) {
    const item: unknown = items[i];
    if (typeof item !== 'object' || item === null) continue;
    const { key, signature, message } = item as { key?: unknown; signature?: unknown; message?: unknown };
    const k = resolve(key);
    if (k === undefined) continue;
    if (k.native !== undefined || n < 2) {
      out[i] = verifyOne(k, signature, message);
    } else if (signature instanceof Uint8Array && admissible(signature, message)) {
      entries[i] = { key: k.pure, publicKey: k.publicKey, signature, message };
      pooled++;
    }
  }
  if (pooled > 0) batchVerify(entries, out);
  return out;
}

function admissible(signature: unknown, message: unknown): message is Uint8Array {
  return signature instanceof Uint8Array && message instanceof Uint8Array && isSignatureAdmissible(signature);
}

const oneShot: { auto?: Prepared; noble?: Prepared; native?: Prepared } = {};

/**
 * Verifies an Ed25519 signature under the strict rule: the one-shot form of
 * {@link prepareKey} + {@link verifyPrepared}. The last key per backend is
 * remembered, so repeated calls with one key reuse its preparation. Never throws.
 *
 * @example
 * ```ts
 * import { verifySignature } from '@tallystick/token';
 * verifySignature(signature, message, publicKey, { backend: 'noble' }); // boolean
 * ```
 */
export function verifySignature(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options?: { backend?: SignatureBackend },
): boolean {
  // Total on hostile values: a Proxy's trap, a throwing getter or a
  // DataView posing as a Uint8Array ends here as false. A cold path.
  try {
    const backend = options?.backend ?? 'auto';
    let key = oneShot[backend];
    if (key === undefined || !sameBytes(key.publicKey, publicKey)) {
      key = prepare(publicKey, backend);
      if (key === undefined) return false;
      oneShot[backend] = key;
    }
    return verifyOne(key, signature, message);
  } catch {
    return false;
  }
}

function sameBytes(a: Uint8Array, b: unknown): boolean {
  if (!(b instanceof Uint8Array) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Signs with a 32-byte Ed25519 seed (RFC 8032, deterministic).
 *
 * @throws {TypeError} if an argument is not a Uint8Array.
 * @throws {RangeError} if `secretKey` is not 32 bytes.
 * @example
 * ```ts
 * const { secretKey } = generateKeyPair();
 * const signature = sign(new TextEncoder().encode('hi'), secretKey); // 64 bytes
 * ```
 */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return signMessage(message, secretKey);
}

/**
 * The 32-byte public key of a 32-byte Ed25519 seed.
 *
 * @throws {TypeError} if `secretKey` is not a Uint8Array.
 * @throws {RangeError} if `secretKey` is not 32 bytes.
 * @example
 * ```ts
 * publicKeyFromSecret(generateKeyPair().secretKey).length; // 32
 * ```
 */
export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  return publicKeyOf(secretKey);
}

/**
 * A fresh key pair, the seed drawn from crypto.getRandomValues.
 *
 * @example
 * ```ts
 * const { secretKey, publicKey } = generateKeyPair();
 * ```
 */
export function generateKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = crypto.getRandomValues(new Uint8Array(32));
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/**
 * True when node:crypto with Ed25519 is present, i.e. when 'auto' means 'native'.
 *
 * @example
 * ```ts
 * const backend = isNativeAvailable() ? 'native' : 'noble';
 * ```
 */
export function isNativeAvailable(): boolean {
  return loadNodeCrypto() !== undefined;
}
