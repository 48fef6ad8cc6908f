import { readInput, TOKEN_START, type TokenInput } from './lib/input.js';
import { parseToken } from './lib/parse.js';
import type { VerifyFailure } from './result.js';
import type { Token } from './token.js';

/**
 * The outcome of {@link decodeToken}.
 *
 * @example
 * ```ts
 * import { createIssuer, type DecodeResult, decodeToken, generateIssuerKey } from '@tallystick/token';
 * const { qr } = createIssuer(generateIssuerKey()).issue({ amount: { amount: 500, currency: 'EUR' } });
 * const result: DecodeResult = decodeToken(qr);
 * if (result.ok) result.token.amount; // { amount: 500, currency: 'EUR' }, not yet verified
 * ```
 */
export type DecodeResult =
  | { readonly ok: true; readonly token: Token; readonly presentation: Uint8Array | undefined }
  | (VerifyFailure & { readonly code: 'malformed' | 'unsupported_version' });

/**
 * Decodes a token without verifying it, for tools, logs and support: it
 * checks the encoding (canonical form, ranges, lengths) but not the
 * signature, the key, the time or anything else. Never act on its result;
 * use a verifier. Never throws, on any input.
 *
 * @example
 * ```ts
 * import { decodeToken } from '@tallystick/token';
 * const result = decodeToken('TS1:...');
 * console.log(result.ok ? result.token : result.code);
 * ```
 */
export function decodeToken(input: TokenInput): DecodeResult {
  const raw = readInput(input);
  if (!raw.ok) return raw as DecodeResult;
  const parsed = parseToken(raw.buf, TOKEN_START);
  if (!parsed.ok) return parsed as DecodeResult;
  return { ok: true, token: parsed.token, presentation: raw.presentation };
}
