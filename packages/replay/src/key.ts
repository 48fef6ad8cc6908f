import { TallystickError } from '@tallystick/core';
import type { IdempotencyKey } from './store.js';

/**
 * Keys are at most 255 characters, as Stripe allows and the IETF draft's examples fit.
 *
 * @example
 * ```ts
 * import { MAX_IDEMPOTENCY_KEY_LENGTH } from '@tallystick/replay';
 * 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH); // the longest accepted key
 * ```
 */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/**
 * Scopes (tenant or client ids) share the key's ceiling of 255 characters.
 *
 * @example
 * ```ts
 * import { MAX_SCOPE_LENGTH, scopedKey } from '@tallystick/replay';
 * scopedKey('m'.repeat(MAX_SCOPE_LENGTH), 'k-1'); // the longest scope; one more character throws RangeError
 * ```
 */
export const MAX_SCOPE_LENGTH = 255;

// Visible ASCII only: what an RFC 8941 sf-string may carry, minus the space,
// which proxies and loggers trim or fold too readily to be safe in a key.
const KEY_PATTERN = /^[\x21-\x7e]+$/;
// A scope is an application id, so anything printable goes except controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject control characters
const SCOPE_FORBIDDEN = /[\u0000-\u001f\u007f]/;

/**
 * Why a raw `Idempotency-Key` header was refused.
 *
 * @example
 * ```ts
 * import { checkIdempotencyKey, type KeyProblem } from '@tallystick/replay';
 * const parsed = checkIdempotencyKey('x'.repeat(300));
 * const problem: KeyProblem | undefined = parsed.ok ? undefined : parsed.problem; // 'too_long'
 * ```
 */
export type KeyProblem = 'missing' | 'empty' | 'too_long' | 'invalid_characters' | 'malformed_string';

/**
 * The outcome of {@link parseIdempotencyKeyHeader}: a typed result, because a
 * bad header is ordinary client input and not an exception.
 *
 * @example
 * ```ts
 * import { type ParsedKey, parseIdempotencyKeyHeader } from '@tallystick/replay';
 * const parsed: ParsedKey = parseIdempotencyKeyHeader('"order-1"'); // { ok: true, key: 'order-1' }
 * ```
 */
export type ParsedKey =
  | { readonly ok: true; readonly key: string }
  | { readonly ok: false; readonly problem: KeyProblem };

/**
 * Parses an `Idempotency-Key` header value. The IETF draft defines the header
 * as an RFC 8941 structured-field string (`"8e03978e-…"`, quoted); many APIs,
 * Stripe among them, send the bare token instead. Both are accepted. The key
 * must then be 1 to 255 visible ASCII characters.
 *
 * @example
 * ```ts
 * import { parseIdempotencyKeyHeader } from '@tallystick/replay';
 * parseIdempotencyKeyHeader('"8e03978e-40d5-43e8-bc93-6894a57f9324"'); // { ok: true, key: '8e03978e-…' }
 * parseIdempotencyKeyHeader('has space'); // { ok: false, problem: 'invalid_characters' }
 * ```
 */
export function parseIdempotencyKeyHeader(value: string | null | undefined): ParsedKey {
  if (value === null || value === undefined) return { ok: false, problem: 'missing' };
  const trimmed = value.trim();
  let key = trimmed;
  if (trimmed.startsWith('"')) {
    const unquoted = parseSfString(trimmed);
    if (unquoted === undefined) return { ok: false, problem: 'malformed_string' };
    key = unquoted;
  }
  return checkKey(key);
}

/**
 * Checks an already-extracted key against the format rules.
 *
 * @example
 * ```ts
 * import { checkIdempotencyKey } from '@tallystick/replay';
 * checkIdempotencyKey('x'.repeat(256)); // { ok: false, problem: 'too_long' }
 * ```
 */
export function checkIdempotencyKey(key: string): ParsedKey {
  return checkKey(key);
}

function checkKey(key: string): ParsedKey {
  if (key.length === 0) return { ok: false, problem: 'empty' };
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return { ok: false, problem: 'too_long' };
  if (!KEY_PATTERN.test(key)) return { ok: false, problem: 'invalid_characters' };
  return { ok: true, key };
}

/** RFC 8941 §4.2.5: a quoted string whose only escapes are \" and \\. */
function parseSfString(input: string): string | undefined {
  let out = '';
  for (let i = 1; i < input.length; i++) {
    const ch = input[i]!;
    if (ch === '\\') {
      const next = input[i + 1];
      if (next !== '"' && next !== '\\') return undefined;
      out += next;
      i++;
    } else if (ch === '"') {
      return i === input.length - 1 ? out : undefined;
    } else {
      out += ch;
    }
  }
  return undefined;
}

/**
 * Builds the composite key a store works with: the client's key within a
 * scope (tenant, merchant or API client), so clients never collide.
 *
 * @throws {TypeError} if `scope` or `key` is not a string.
 * @throws {TallystickError} `ERR_IDEMPOTENCY_KEY_INVALID` if the scope is empty, longer than
 *   255 characters or holds control characters, or the key breaks {@link checkIdempotencyKey}.
 * @example
 * ```ts
 * import { scopedKey } from '@tallystick/replay';
 * const key = scopedKey('merchant-42', '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f');
 * ```
 */
export function scopedKey(scope: string, key: string): IdempotencyKey {
  if (typeof scope !== 'string') throw new TypeError(`scope must be a string, got ${typeof scope}`);
  if (typeof key !== 'string') throw new TypeError(`key must be a string, got ${typeof key}`);
  const scopeProblem = checkScope(scope);
  if (scopeProblem) throw new TallystickError('ERR_IDEMPOTENCY_KEY_INVALID', `scope ${scopeProblem}`);
  const checked = checkKey(key);
  if (!checked.ok) {
    throw new TallystickError(
      'ERR_IDEMPOTENCY_KEY_INVALID',
      `key is invalid: ${checked.problem.replace('_', ' ')}`,
    );
  }
  return { scope, key };
}

/** Returns why a scope is unusable, or undefined when it is fine. */
function checkScope(scope: string): string | undefined {
  if (scope.length === 0) return 'must not be empty';
  if (scope.length > MAX_SCOPE_LENGTH) return `must be at most ${MAX_SCOPE_LENGTH} characters`;
  if (SCOPE_FORBIDDEN.test(scope)) return 'must not contain control characters';
  if (!scope.isWellFormed()) return 'must not contain lone surrogates';
  return undefined;
}
