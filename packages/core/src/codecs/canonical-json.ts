import { TallystickError } from '../errors.js';

/**
 * A value that canonical JSON can represent: what `JSON.parse` can return.
 *
 * @example
 * ```ts
 * const v: JsonValue = { amount: 1250, tags: ['a', null, true] };
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Serializes a value as RFC 8785 JSON Canonicalization Scheme (JCS) text, so
 * that equal data always gives equal bytes and so equal fingerprints.
 *
 * - Object keys are sorted by UTF-16 code units, as the RFC requires.
 * - Numbers use the ECMAScript shortest round-trip form (`1e+21`, `0.1`, `-0` → `0`).
 * - Strings are escaped as `JSON.stringify` does, which matches JCS.
 *
 * Anything JSON cannot carry faithfully is refused rather than silently
 * altered: `undefined`, functions, symbols, bigints, NaN and ±Infinity, lone
 * surrogates, cycles, and objects that are not plain (Dates, Maps, class
 * instances with a `toJSON`).
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` naming the path of the first offending value.
 * @example
 * ```ts
 * import { canonicalJson } from '@tallystick/core';
 * canonicalJson({ b: 1, a: [true, 'x'] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) fail(path, 'a string with a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) fail(path, String(value));
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (seen.has(value)) fail(path, 'a cycle');
      seen.add(value);
      try {
        return Array.isArray(value) ? writeArray(value, path, seen) : writeObject(value, path, seen);
      } finally {
        seen.delete(value);
      }
    default:
      return fail(path, typeof value);
  }
}

function writeArray(value: unknown[], path: string, seen: Set<object>): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    out += write(value[i], `${path}[${i}]`, seen);
  }
  return out + ']';
}

function writeObject(value: object, path: string, seen: Set<object>): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    fail(path, `a ${proto?.constructor?.name ?? 'non-plain'} object`);
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for.
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    if (!key.isWellFormed()) fail(path, 'a key with a lone surrogate');
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + write(member, `${path}.${key}`, seen);
  }
  return out + '}';
}

function fail(path: string, what: string): never {
  throw new TallystickError('ERR_NOT_CANONICAL_JSON', `cannot canonicalize ${what} at ${path}`);
}
