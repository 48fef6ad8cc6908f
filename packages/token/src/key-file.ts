import { encodeBase64url } from '@tallystick/core';
import { publicKeyFromSecret } from './crypto/index.js';
import type { IssuerKey, VerificationKey } from './keys.js';
import { isBytes } from './lib/input.js';
import {
  ALG,
  type Code,
  checked,
  type Failure,
  failure,
  isFailure,
  KEY_MEMBERS,
  MAX_KEYS,
  readAlg,
  readEnvelope,
  readKeyBytes,
  readKid,
  readObject,
  readPublicEntry,
  readWindow,
  sameBytes,
  VERSION,
} from './lib/key-file-read.js';

/**
 * The `type` member of a key set file (public keys for verifiers).
 *
 * @example
 * ```ts
 * import { createIssuer, encodeKeySet, generateIssuerKey, KEY_SET_TYPE } from '@tallystick/token';
 * const file = encodeKeySet([createIssuer(generateIssuerKey()).verificationKey]);
 * console.log(JSON.parse(file).type === KEY_SET_TYPE); // true
 * ```
 */
export const KEY_SET_TYPE = 'tallystick/key-set';

/**
 * The `type` member of an issuer key file (one secret key, for the issuing server only).
 *
 * @example
 * ```ts
 * import { encodeIssuerKey, generateIssuerKey, ISSUER_KEY_TYPE } from '@tallystick/token';
 * const file = encodeIssuerKey(generateIssuerKey());
 * console.log(JSON.parse(file).type === ISSUER_KEY_TYPE); // true: a file that holds a secret
 * ```
 */
export const ISSUER_KEY_TYPE = 'tallystick/issuer-key';

/**
 * Why a key file was refused. Stable: switch on these, never on messages.
 *
 * - `malformed`: not UTF-8 JSON, not an object, wrong `type`, a member missing, of the wrong type or
 *   unknown, over 1024 keys or 1 MiB.
 * - `unsupported_version`: `version` is not 1 (or is missing, as in the files of tallystick 0.1).
 * - `unsupported_alg`: `alg` is not "Ed25519".
 * - `bad_base64url`: a key is not canonical unpadded base64url.
 * - `bad_length`: a key does not decode to 32 bytes.
 * - `kid_mismatch`: `kid` is not the first 4 bytes of SHA-256 of the public key, in lower-case hex.
 * - `secret_mismatch`: the public key is not the one the secret key derives.
 * - `refused_key`: the public key fails the strict rule (small or mixed order; spec section 4).
 * - `duplicate_kid`: two entries of a key set have one kid.
 * - `bad_window`: `notBefore` or `notAfter` is not an integer of epoch ms, or notBefore > notAfter.
 *
 * @example
 * ```ts
 * import { decodeKeySet, type KeyFileCode } from '@tallystick/token';
 * const isTampered = (code: KeyFileCode) => code === 'kid_mismatch' || code === 'secret_mismatch';
 * const result = decodeKeySet('{"type":"tallystick/key-set","version":1,"keys":[]}');
 * console.log(result.ok || isTampered(result.code)); // true: an empty set is well-formed
 * ```
 */
export type KeyFileCode = Code;

/**
 * A refused key file: a stable `code` and a message naming the member at fault.
 *
 * @example
 * ```ts
 * import { decodeIssuerKey, type KeyFileFailure } from '@tallystick/token';
 * const result = decodeIssuerKey('{}');
 * const failure: KeyFileFailure | undefined = result.ok ? undefined : result;
 * console.log(failure?.code); // 'unsupported_version': a file of tallystick 0.1 has no version
 * ```
 */
export type KeyFileFailure = Failure;

/**
 * The outcome of {@link decodeKeySet}: the keys in file order, or why not.
 *
 * @example
 * ```ts
 * import { decodeKeySet, type KeySetResult } from '@tallystick/token';
 * const count = (r: KeySetResult) => (r.ok ? r.keys.length : 0);
 * console.log(count(decodeKeySet('not json'))); // 0
 * ```
 */
export type KeySetResult = { readonly ok: true; readonly keys: VerificationKey[] } | KeyFileFailure;

/**
 * The outcome of {@link decodeIssuerKey}: the key with its window, or why not.
 *
 * @example
 * ```ts
 * import { decodeIssuerKey, encodeIssuerKey, generateIssuerKey, type IssuerKeyResult } from '@tallystick/token';
 * const kidOf = (r: IssuerKeyResult) => (r.ok ? r.key.kid : undefined);
 * const key = generateIssuerKey();
 * console.log(kidOf(decodeIssuerKey(encodeIssuerKey(key))) === key.kid); // true
 * ```
 */
export type IssuerKeyResult = { readonly ok: true; readonly key: IssuerKey } | KeyFileFailure;

const SET_MEMBERS = ['type', 'version', 'keys'];
const ISSUER_MEMBERS = ['type', 'version', ...KEY_MEMBERS, 'secretKey'];

/**
 * Decodes a key set file (spec section 9.1): JSON text, its UTF-8 bytes,
 * or the value `JSON.parse` or `fetch(...).json()` gave. Every rule is checked, each
 * public key strict-checked once, so the keys can go straight to
 * `createVerifier`. Never throws, on any input.
 *
 * @example
 * ```ts
 * import { createVerifier, decodeKeySet } from '@tallystick/token';
 * const set = decodeKeySet(await (await fetch('https://shop.example/keys')).text());
 * if (!set.ok) throw new Error(`key set refused (${set.code}): ${set.message}`);
 * const verifier = createVerifier({ keys: set.keys, audience: 'store-7' });
 * ```
 */
export function decodeKeySet(input: unknown): KeySetResult {
  try {
    const obj = readObject(input, 'key set');
    if (isFailure(obj)) return obj;
    const bad = readEnvelope(obj, KEY_SET_TYPE, SET_MEMBERS);
    if (bad) return bad;
    const list = obj.keys;
    if (!Array.isArray(list)) return failure('malformed', 'keys must be an array');
    if (list.length > MAX_KEYS) return failure('malformed', `keys has over ${MAX_KEYS} entries`);
    const keys: VerificationKey[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      const key = readPublicEntry(list[i], `keys[${i}]`);
      if (isFailure(key)) return key;
      if (seen.has(key.kid)) return failure('duplicate_kid', `keys[${i}].kid "${key.kid}" appears twice`);
      seen.add(key.kid);
      keys.push(key);
    }
    return { ok: true, keys };
  } catch {
    // Only a hostile parsed value (a throwing getter, a proxy) gets here.
    return failure('malformed', 'key set could not be read');
  }
}

/**
 * Decodes an issuer key file (what `tallystick keygen --out` writes): the
 * secret key, the public key it derives, the kid that public key derives, and
 * the key's window. Never throws, on any input.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { createIssuer, decodeIssuerKey } from '@tallystick/token';
 * const file = decodeIssuerKey(readFileSync('issuer.json', 'utf8'));
 * if (!file.ok) throw new Error(`issuer key refused (${file.code}): ${file.message}`);
 * const issuer = createIssuer(file.key);
 * ```
 */
export function decodeIssuerKey(input: unknown): IssuerKeyResult {
  try {
    const obj = readObject(input, 'issuer key');
    if (isFailure(obj)) return obj;
    const bad = readEnvelope(obj, ISSUER_KEY_TYPE, ISSUER_MEMBERS) ?? readAlg(obj, 'key');
    if (bad) return bad;
    const secretKey = readKeyBytes(obj.secretKey, 'secretKey');
    if (isFailure(secretKey)) return secretKey;
    const publicKey = readKeyBytes(obj.publicKey, 'publicKey');
    if (isFailure(publicKey)) return publicKey;
    const derived = publicKeyFromSecret(secretKey);
    if (!sameBytes(derived, publicKey)) {
      return failure('secret_mismatch', 'publicKey is not the public key of secretKey');
    }
    const kid = readKid(obj.kid, publicKey, 'key');
    if (isFailure(kid)) return kid;
    const window = readWindow(obj, 'key');
    if (isFailure(window)) return window;
    return { ok: true, key: { secretKey, publicKey, kid, ...window } };
  } catch {
    return failure('malformed', 'issuer key could not be read');
  }
}

/**
 * Encodes verification keys as a key set file: readable JSON, two-space
 * indent, members in spec order. `decodeKeySet` gives the same keys back.
 *
 * @throws {TypeError} if `keys` is not an array of objects with a Uint8Array `publicKey` and a string `kid`.
 * @throws {RangeError} if a public key is not 32 bytes, or a window is fractional or reversed.
 * @throws {TallystickError} `ERR_KEY` if an entry would be refused on decoding (its code is in the
 * message): a kid that is not its key's, a refused key, a kid twice.
 * @example
 * ```ts
 * import { encodeKeySet, generateIssuerKey } from '@tallystick/token';
 * const { kid, publicKey } = generateIssuerKey();
 * const json = encodeKeySet([{ kid, publicKey, notBefore: Date.UTC(2026, 0, 1) }]);
 * ```
 */
export function encodeKeySet(keys: readonly VerificationKey[]): string {
  if (!Array.isArray(keys)) throw new TypeError('keys must be an array');
  const file = {
    type: KEY_SET_TYPE,
    version: VERSION,
    keys: keys.map((key, i) => {
      if (typeof key !== 'object' || key === null) throw new TypeError(`keys[${i}] must be an object`);
      return entryJson(key, `keys[${i}]`);
    }),
  };
  return checked(file, decodeKeySet);
}

/**
 * Encodes an issuer key file, the format `tallystick keygen` writes. Keep it
 * secret (the CLI writes it with mode 0600); publish `encodeKeySet` of its
 * public half.
 *
 * @throws {TypeError} if `key` is not an object with Uint8Array keys and a string `kid`.
 * @throws {RangeError} if a key is not 32 bytes, or the window is fractional or reversed.
 * @throws {TallystickError} `ERR_KEY` if the public key or the kid is not the secret key's.
 * @example
 * ```ts
 * import { decodeIssuerKey, encodeIssuerKey, generateIssuerKey } from '@tallystick/token';
 * const text = encodeIssuerKey({ ...generateIssuerKey(), notAfter: Date.UTC(2027, 0, 1) });
 * decodeIssuerKey(text).ok; // true
 * ```
 */
export function encodeIssuerKey(key: IssuerKey): string {
  if (typeof key !== 'object' || key === null) throw new TypeError('key must be an object');
  if (!isBytes(key.secretKey)) throw new TypeError('key.secretKey must be a Uint8Array');
  const { kid, alg, publicKey, ...window } = entryJson(key, 'key');
  const file = {
    type: ISSUER_KEY_TYPE,
    version: VERSION,
    kid,
    alg,
    publicKey,
    secretKey: encodeBase64url(key.secretKey),
    ...window,
  };
  return checked(file, decodeIssuerKey);
}

function entryJson(key: VerificationKey, where: string) {
  if (!isBytes(key.publicKey)) throw new TypeError(`${where}.publicKey must be a Uint8Array`);
  return {
    kid: key.kid,
    alg: ALG,
    publicKey: encodeBase64url(key.publicKey),
    ...(key.notBefore === undefined ? {} : { notBefore: key.notBefore }),
    ...(key.notAfter === undefined ? {} : { notAfter: key.notAfter }),
  };
}
