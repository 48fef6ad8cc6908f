/**
 * Prepared keys and the single-signature path shared by every entry point:
 * the byte-level rule, then node:crypto or the pure-JS equation.
 */
import { createNativeKey, loadNodeCrypto, type NodeKeyObject, nativeVerify } from './native.js';
import { preparePure, pureVerify } from './pure.js';
import { isPointEncodingCanonical, isSignatureAdmissible, isSmallOrderEncoding } from './strict.js';
import type { TieredPoint } from './tiered.js';

/**
 * Which implementation checks the equation: 'noble' (pure JS, everywhere),
 * 'native' (node:crypto) or 'auto' (native where present, else pure JS).
 * Every backend gives the same verdict on every input.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { SignatureBackend } from '@tallystick/token';
 * const backend: SignatureBackend = 'noble'; // pure JS everywhere; 'auto' uses node:crypto where present
 * const verifier = createVerifier({ keys: [issuer.verificationKey], backend });
 * ```
 */
export type SignatureBackend = 'noble' | 'native' | 'auto';

/**
 * A public key decoded, strict-checked and cached once (precomputed tables
 * for the pure-JS path, a KeyObject for node:crypto). Keep one per key id.
 *
 * @example
 * ```ts
 * const key: PreparedKey | undefined = prepareKey(publicKey, 'auto');
 * key?.backend; // 'native' on Node, 'noble' elsewhere
 * ```
 */
export interface PreparedKey {
  readonly publicKey: Uint8Array;
  readonly backend: 'noble' | 'native';
}

/** The one implementation of PreparedKey; its extra fields are internal. */
export class Prepared implements PreparedKey {
  // Declared, not parameter properties: those compile to a field list plus
  // the same assignments again, bytes the verify bundle need not ship.
  declare readonly publicKey: Uint8Array;
  declare readonly backend: 'noble' | 'native';
  /** A and its growing tables: the pure-JS path, and node:crypto's second opinion. */
  declare readonly pure: TieredPoint;
  declare readonly native: NodeKeyObject | undefined;

  constructor(
    publicKey: Uint8Array,
    backend: 'noble' | 'native',
    pure: TieredPoint,
    native: NodeKeyObject | undefined,
  ) {
    this.publicKey = publicKey;
    this.backend = backend;
    this.pure = pure;
    this.native = native;
  }
}

/** See prepareKey in index.ts. */
export function prepare(publicKey: unknown, backend: unknown): Prepared | undefined {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return undefined;
  if (backend !== 'auto' && backend !== 'noble' && backend !== 'native') return undefined;
  if (!isPointEncodingCanonical(publicKey, 0) || isSmallOrderEncoding(publicKey, 0)) return undefined;
  const nativeAvailable = loadNodeCrypto() !== undefined;
  if (backend === 'native' && !nativeAvailable) return undefined;
  const useNative = backend === 'native' || (backend === 'auto' && nativeAvailable);
  const pure = preparePure(publicKey);
  if (!pure) return undefined; // not on the curve
  const copy = publicKey.slice(); // the caller may reuse its buffer
  const native = useNative ? createNativeKey(copy) : undefined;
  if (useNative && !native) return undefined;
  return new Prepared(copy, useNative ? 'native' : 'noble', pure, native);
}

/**
 * Our own key object as is; anything else shaped like a PreparedKey is
 * prepared afresh, so a forged object can never skip the key checks.
 */
export function resolve(key: unknown): Prepared | undefined {
  if (key instanceof Prepared) return key;
  if (typeof key !== 'object' || key === null) return undefined;
  const { publicKey, backend } = key as Partial<PreparedKey>;
  return prepare(publicKey, backend);
}

/** The strict rule for one signature, then the key's backend. Total: never throws. */
export function verifyOne(key: Prepared, signature: unknown, message: unknown): boolean {
  if (!(signature instanceof Uint8Array) || !(message instanceof Uint8Array)) return false;
  if (!isSignatureAdmissible(signature)) return false;
  if (key.native !== undefined) {
    if (nativeVerify(key.native, signature, message)) return true;
    // OpenSSL checks the cofactorless equation, which refuses the signatures
    // whose R carries a torsion component that the cofactored equation
    // ignores. Its refusals get a second opinion so the verdict is the same
    // on every backend; this costs a pure-JS verify on the reject path only.
    return pureVerify(key.pure, key.publicKey, signature, message);
  }
  return pureVerify(key.pure, key.publicKey, signature, message);
}
