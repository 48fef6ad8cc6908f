/**
 * The verifier's key set: each public key decoded and strict-checked once,
 * then found by its u32 key id, so the hot path neither parses a key nor
 * builds a string to look one up.
 */
import { TallystickError } from '@tallystick/core';
import { type PreparedKey, prepareKey, type SignatureBackend } from '../crypto/index.js';
import type { VerificationKey } from '../keys.js';
import { hexOf } from './encode.js';
import { isBytes } from './input.js';
import { readU32 } from './layout.js';

export interface KeyEntry {
  readonly kid: string;
  readonly key: PreparedKey;
  /** Issued-at bounds in epoch ms, inclusive. */
  readonly notBefore: number;
  readonly notAfter: number;
}

export type KeySet = ReadonlyMap<number, KeyEntry>;

/** Validates and prepares every key; throws on the first bad one, naming it. */
export function buildKeySet(keys: readonly VerificationKey[], backend: SignatureBackend): KeySet {
  if (!Array.isArray(keys)) throw new TypeError('keys must be an array');
  const set = new Map<number, KeyEntry>();
  keys.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`keys[${i}] must be an object`);
    const kidBytes = hexOf(entry.kid, 4, `keys[${i}].kid`);
    const kid = readU32(kidBytes, 0);
    if (set.has(kid)) throw new RangeError(`keys[${i}].kid appears twice`);
    if (!isBytes(entry.publicKey)) throw new TypeError(`keys[${i}].publicKey must be a Uint8Array`);
    const notBefore = bound(entry.notBefore, `keys[${i}].notBefore`, Number.NEGATIVE_INFINITY);
    const notAfter = bound(entry.notAfter, `keys[${i}].notAfter`, Number.POSITIVE_INFINITY);
    if (notBefore > notAfter) throw new RangeError(`keys[${i}].notBefore > notAfter`);
    const key = prepareKey(entry.publicKey, backend);
    if (!key) {
      throw new TallystickError(
        'ERR_KEY',
        `keys[${i}] is not a valid Ed25519 key of prime order (${backend})`,
      );
    }
    set.set(kid, { kid: entry.kid, key, notBefore, notAfter });
  });
  return set;
}

function bound(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name} must be epoch milliseconds`);
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer`);
  return value;
}

/** True for 8 lower-case hex digits, the text form of a key id. */
export function isKidText(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 8) return false;
  for (let i = 0; i < 8; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
