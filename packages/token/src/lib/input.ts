/**
 * Turns any accepted input into the parser's buffer. Lengths are checked
 * before any decoding, so a hostile input costs at most a scan of
 * LIMITS.maxInputChars characters.
 */
import { tryDecodeBase45, tryDecodeBase64url } from '@tallystick/core';
import { DOMAIN, LIMITS } from '../format.js';
import type { VerifyFailure } from '../result.js';
import { fail } from './fail.js';
import { ascii, SIZE } from './layout.js';

/**
 * What a verifier or decoder accepts: the raw bytes, `TS1:` + base45, `TP1:` +
 * base45 of token and presentation, or bare base64url.
 *
 * @example
 * ```ts
 * import { createIssuer, createVerifier, generateIssuerKey } from '@tallystick/token';
 * const issuer = createIssuer(generateIssuerKey());
 * import type { TokenInput } from '@tallystick/token';
 * const verifier = createVerifier({ keys: [issuer.verificationKey] });
 * const issued = issuer.issue({ ttlMs: 60_000 });
 * const inputs: TokenInput[] = [issued.qr, issued.bytes]; // the scanned text, or the raw bytes
 * inputs.map((input) => verifier.verify(input).ok); // [true, true]
 * ```
 */
export type TokenInput = Uint8Array | string;

export const TOKEN_DOMAIN = ascii(DOMAIN.token);
/** The token starts at this offset of the parser buffer; the domain string fills the bytes before it. */
export const TOKEN_START = TOKEN_DOMAIN.length;

/** The parser buffer (domain string then the token) and the presentation that came with it, if any. */
export interface RawInput {
  readonly ok: true;
  readonly buf: Uint8Array;
  readonly presentation: Uint8Array | undefined;
}

/** Reads an input without throwing, whatever its type. */
export function readInput(input: unknown): RawInput | VerifyFailure {
  if (typeof input === 'string') return readText(input);
  const n = byteLength(input);
  if (n < 0) return fail('malformed', 'input is not a Uint8Array or string');
  if (n > LIMITS.maxTokenBytes) return tooLong();
  return { ok: true, buf: prefixed(input as Uint8Array, n), presentation: undefined };
}

function readText(text: string): RawInput | VerifyFailure {
  if (text.length > LIMITS.maxInputChars) return tooLong();
  const kind = prefixKind(text);
  if (kind === 'other') return fail('unsupported_version', `prefix ${text.slice(0, 4)} not supported`);
  if (kind === 'none') {
    const bytes = tryDecodeBase64url(text);
    if (!bytes) return fail('malformed', 'neither TS1:/TP1: nor base64url');
    if (bytes.length > LIMITS.maxTokenBytes) return tooLong();
    return { ok: true, buf: prefixed(bytes, bytes.length), presentation: undefined };
  }
  const bytes = tryDecodeBase45(text.slice(4));
  if (!bytes) return fail('malformed', 'bad base45');
  if (kind === 'token') {
    if (bytes.length > LIMITS.maxTokenBytes) return tooLong();
    return { ok: true, buf: prefixed(bytes, bytes.length), presentation: undefined };
  }
  // TP1: the presentation has a fixed size, so it is the last 101 bytes.
  const split = bytes.length - SIZE.presentation;
  if (split < 1) return fail('malformed', 'TP1: too short');
  if (split > LIMITS.maxTokenBytes) return tooLong();
  return { ok: true, buf: prefixed(bytes.subarray(0, split), split), presentation: bytes.subarray(split) };
}

/** Classifies the first four characters: TS1:, TP1:, another T?n: prefix (a future version), or none. */
function prefixKind(text: string): 'token' | 'presented' | 'other' | 'none' {
  if (text.length < 4 || text.charCodeAt(3) !== 58 /* : */ || text.charCodeAt(0) !== 84 /* T */)
    return 'none';
  const form = text.charCodeAt(1);
  const digit = text.charCodeAt(2);
  if ((form !== 83 /* S */ && form !== 80) /* P */ || digit < 48 || digit > 57) return 'none';
  if (digit !== 49 /* 1 */) return 'other';
  return form === 83 ? 'token' : 'presented';
}

/** The domain string then all `n` bytes of `bytes`, copied by the intrinsic so no user code runs. */
function prefixed(bytes: Uint8Array, n: number): Uint8Array {
  const buf = new Uint8Array(TOKEN_START + n);
  buf.set(TOKEN_DOMAIN, 0);
  if (n > 0) setBytes.call(buf, bytes, TOKEN_START);
  return buf;
}

function tooLong(): VerifyFailure {
  return fail('malformed', 'input too long');
}

// The %TypedArray% intrinsics, captured at load. They read internal slots, so
// a Proxy, a DataView, another kind of typed array or an object with throwing
// getters gets a plain answer and no user code runs, in any realm.
const typedArray = Object.getPrototypeOf(Uint8Array.prototype);
const accessor = (name: PropertyKey) => Object.getOwnPropertyDescriptor(typedArray, name)!.get!;
const tagOf = accessor(Symbol.toStringTag);
const lengthOf = accessor('length');
const setBytes: (this: Uint8Array, source: Uint8Array, offset: number) => void = typedArray.set;

/**
 * The length of a real Uint8Array from any realm (a Buffer or other subclass
 * included), or -1 for anything else. A detached or out-of-bounds one has
 * length 0. Never throws and runs no user code.
 */
export function byteLength(value: unknown): number {
  return tagOf.call(value) === 'Uint8Array' ? lengthOf.call(value) : -1;
}

/** True for a real Uint8Array from any realm; see {@link byteLength}. */
export function isBytes(value: unknown): value is Uint8Array {
  return byteLength(value) >= 0;
}

/**
 * A private copy of a real Uint8Array of at most `max` bytes, else
 * undefined. Never throws; whatever the caller later does to its array (or a
 * getter does to it) cannot change what was checked.
 */
export function copyBytes(value: unknown, max: number): Uint8Array | undefined {
  const n = byteLength(value);
  if (n < 0 || n > max) return undefined;
  const out = new Uint8Array(n);
  if (n > 0) setBytes.call(out, value as Uint8Array, 0);
  return out;
}

/** Reads a presentation given on its own: 101 bytes, or their base64url. Never throws. */
export function readPresentation(value: unknown): Uint8Array | undefined {
  const bytes =
    typeof value === 'string'
      ? value.length <= 200
        ? tryDecodeBase64url(value)
        : undefined
      : copyBytes(value, SIZE.presentation);
  return bytes && bytes.length === SIZE.presentation ? bytes : undefined;
}
