/**
 * The checks of a key file's members, in the order docs/spec/token-format.md
 * section 9.1 fixes, so every implementation reports the same first failure.
 * Each returns the value or a failure; nothing here throws on any input.
 */
import { TallystickError, tryDecodeBase64url } from '@tallystick/core';
import { prepareKey } from '../crypto/index.js';
import { kidFromPublicKey, type VerificationKey } from '../keys.js';
import { isBytes } from './input.js';

/** Why a key file was refused (see `KeyFileCode` in key-file.ts). */
export type Code =
  | 'malformed'
  | 'unsupported_version'
  | 'unsupported_alg'
  | 'bad_base64url'
  | 'bad_length'
  | 'kid_mismatch'
  | 'secret_mismatch'
  | 'refused_key'
  | 'duplicate_kid'
  | 'bad_window';

export interface Failure {
  readonly ok: false;
  readonly code: Code;
  readonly message: string;
}

// Failures are told from parsed values by identity: a hostile file may hold `"ok": false` itself.
const failures = new WeakSet<object>();

export function failure(code: Code, message: string): Failure {
  const f: Failure = { ok: false, code, message };
  failures.add(f);
  return f;
}

export const ALG = 'Ed25519';
export const VERSION = 1;
/** Keys per set: each costs a strict check (a scalar multiplication) when loaded. */
export const MAX_KEYS = 1024;
/** Characters of JSON text, checked before parsing. */
export const MAX_TEXT = 1 << 20;

export type Json = Record<string, unknown>;

/** Parses text or UTF-8 bytes (or takes an already parsed value) into a JSON object. */
export function readObject(input: unknown, what: string): Json | Failure {
  let value = input;
  if (isBytes(input)) {
    if (input.length > MAX_TEXT) return failure('malformed', `${what} is over ${MAX_TEXT} bytes`);
    try {
      value = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return failure('malformed', `${what} is not UTF-8`);
    }
  }
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT) return failure('malformed', `${what} is over ${MAX_TEXT} characters`);
    try {
      value = JSON.parse(value);
    } catch {
      return failure('malformed', `${what} is not JSON`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('malformed', `${what} must be a JSON object`);
  }
  return value as Json;
}

/**
 * The envelope: `version`, then `type`, then no member outside `allowed`.
 * Version comes first so that a file of tallystick 0.1 (no version, no type)
 * is told apart from a file of the other kind. Unknown members are refused
 * because a misspelt window (`notAftr`) would otherwise be dropped silently
 * and leave a key valid for ever.
 */
export function readEnvelope(obj: Json, type: string, allowed: readonly string[]): Failure | undefined {
  if (obj.version !== VERSION) {
    const old =
      obj.version === undefined ? ' (a key file of tallystick 0.1? see the 0.2 migration note)' : '';
    return failure('unsupported_version', `version must be ${VERSION}, got ${describe(obj.version)}${old}`);
  }
  if (obj.type !== type) {
    return failure('malformed', `type must be "${type}", got ${describe(obj.type)}`);
  }
  return unknownMember(obj, allowed, type);
}

export function unknownMember(obj: Json, allowed: readonly string[], where: string): Failure | undefined {
  for (const name of Object.keys(obj)) {
    if (!allowed.includes(name)) return failure('malformed', `${where}: unknown member "${name}"`);
  }
  return undefined;
}

export function readAlg(obj: Json, where: string): Failure | undefined {
  if (typeof obj.alg !== 'string') return failure('malformed', `${where}.alg must be a string`);
  if (obj.alg !== ALG) return failure('unsupported_alg', `${where}.alg must be "${ALG}", got "${obj.alg}"`);
  return undefined;
}

/** A 32-byte key as unpadded canonical base64url. */
export function readKeyBytes(value: unknown, where: string): Uint8Array | Failure {
  if (typeof value !== 'string') return failure('malformed', `${where} must be a base64url string`);
  const bytes = tryDecodeBase64url(value);
  if (!bytes) return failure('bad_base64url', `${where} is not canonical unpadded base64url`);
  if (bytes.length !== 32) return failure('bad_length', `${where} must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

export function readKid(value: unknown, publicKey: Uint8Array, where: string): string | Failure {
  if (typeof value !== 'string') return failure('malformed', `${where}.kid must be a string`);
  const kid = kidFromPublicKey(publicKey);
  if (value !== kid)
    return failure('kid_mismatch', `${where}.kid is "${value}"; its public key's kid is "${kid}"`);
  return kid;
}

export interface Window {
  readonly notBefore?: number;
  readonly notAfter?: number;
}

/** Optional inclusive bounds on issued-at, epoch ms: safe integers, not reversed. */
export function readWindow(obj: Json, where: string): Window | Failure {
  const out: { notBefore?: number; notAfter?: number } = {};
  for (const name of ['notBefore', 'notAfter'] as const) {
    const value = obj[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      return failure('bad_window', `${where}.${name} must be an integer of epoch ms, got ${describe(value)}`);
    }
    out[name] = value;
  }
  if (out.notBefore !== undefined && out.notAfter !== undefined && out.notBefore > out.notAfter) {
    return failure('bad_window', `${where}.notBefore is after its notAfter`);
  }
  return out;
}

/** The strict rule of spec section 4: a canonical point of prime order. */
export function isStrictKey(publicKey: Uint8Array): boolean {
  return prepareKey(publicKey, 'noble') !== undefined;
}

export function isFailure(value: unknown): value is Failure {
  return typeof value === 'object' && value !== null && failures.has(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export const KEY_MEMBERS = ['kid', 'alg', 'publicKey', 'notBefore', 'notAfter'];

/** One entry of a key set: members, alg, public key, kid, window, then the strict rule. */
export function readPublicEntry(value: unknown, where: string): VerificationKey | Failure {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure('malformed', `${where} must be an object`);
  }
  const entry = value as Json;
  const bad = unknownMember(entry, KEY_MEMBERS, where) ?? readAlg(entry, where);
  if (bad) return bad;
  const publicKey = readKeyBytes(entry.publicKey, `${where}.publicKey`);
  if (isFailure(publicKey)) return publicKey;
  const kid = readKid(entry.kid, publicKey, where);
  if (isFailure(kid)) return kid;
  const window = readWindow(entry, where);
  if (isFailure(window)) return window;
  // Last: the one check that costs a scalar multiplication.
  if (!isStrictKey(publicKey)) {
    return failure('refused_key', `${where}.publicKey is not a key of prime order (spec section 4)`);
  }
  return { kid, publicKey, ...window };
}

/** Runs the decoder on what the encoder built, so the encoder never writes a file the decoder refuses. */
export function checked(file: object, decode: (value: unknown) => { ok: boolean }): string {
  const result = decode(file);
  if (!result.ok) {
    const { code, message } = result as Failure;
    if (code === 'malformed') throw new TypeError(message);
    if (code === 'bad_window' || code === 'bad_length') throw new RangeError(message);
    throw new TallystickError('ERR_KEY', `${message} (${code})`);
  }
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
