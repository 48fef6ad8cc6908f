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
 * import type { TokenInput } from '@tallystick/token';
 * const fromQr: TokenInput = 'TS1:...';
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
  if (isBytes(input)) {
    if (input.length > LIMITS.maxTokenBytes) return tooLong();
    return { ok: true, buf: prefixed(input, 0, input.length), presentation: undefined };
  }
  return fail('malformed', 'input is not a Uint8Array or string');
}

function readText(text: string): RawInput | VerifyFailure {
  if (text.length > LIMITS.maxInputChars) return tooLong();
  const kind = prefixKind(text);
  if (kind === 'other') return fail('unsupported_version', `prefix ${text.slice(0, 4)} not supported`);
  if (kind === 'none') {
    const bytes = tryDecodeBase64url(text);
    if (!bytes) return fail('malformed', 'neither TS1:/TP1: nor base64url');
    if (bytes.length > LIMITS.maxTokenBytes) return tooLong();
    return { ok: true, buf: prefixed(bytes, 0, bytes.length), presentation: undefined };
  }
  const bytes = tryDecodeBase45(text.slice(4));
  if (!bytes) return fail('malformed', 'bad base45');
  if (kind === 'token') {
    if (bytes.length > LIMITS.maxTokenBytes) return tooLong();
    return { ok: true, buf: prefixed(bytes, 0, bytes.length), presentation: undefined };
  }
  // TP1: the presentation has a fixed size, so it is the last 101 bytes.
  const split = bytes.length - SIZE.presentation;
  if (split < 1) return fail('malformed', 'TP1: too short');
  if (split > LIMITS.maxTokenBytes) return tooLong();
  return { ok: true, buf: prefixed(bytes, 0, split), presentation: bytes.subarray(split) };
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

function prefixed(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const buf = new Uint8Array(TOKEN_START + to - from);
  buf.set(TOKEN_DOMAIN, 0);
  buf.set(bytes.subarray(from, to), TOKEN_START);
  return buf;
}

function tooLong(): VerifyFailure {
  return fail('malformed', 'input too long');
}

/** Uint8Array from any realm (instanceof fails across iframes and vm contexts). */
export function isBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor?.name === 'Uint8Array')
  );
}

/** Reads a presentation given on its own: 101 bytes, or their base64url. */
export function readPresentation(value: unknown): Uint8Array | undefined {
  if (isBytes(value)) return value.length === SIZE.presentation ? value : undefined;
  if (typeof value === 'string' && value.length <= 200) {
    const bytes = tryDecodeBase64url(value);
    return bytes && bytes.length === SIZE.presentation ? bytes : undefined;
  }
  return undefined;
}
