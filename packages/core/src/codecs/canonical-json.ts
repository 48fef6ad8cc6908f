import { TallystickError } from '../errors.js';

/**
 * A value that canonical JSON can represent: what `JSON.parse` can return.
 *
 * @example
 * ```ts
 * import { canonicalJson, type JsonValue } from '@tallystick/core';
 * const v: JsonValue = { tags: ['a', null, true], amount: 1250 };
 * canonicalJson(v); // '{"amount":1250,"tags":["a",null,true]}'
 * ```
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The deepest nesting {@link canonicalJson} accepts, counting arrays and
 * objects (a scalar inside the 64th container is fine). Intents and request
 * bodies are a few levels deep; the bound keeps a hostile body under any size
 * cap (`[[[[…` is two bytes a level) from overflowing the stack, so the
 * refusal is a typed error instead of a `RangeError` from the engine.
 *
 * @example
 * ```ts
 * import { canonicalJson, MAX_CANONICAL_JSON_DEPTH } from '@tallystick/core';
 * let deep: unknown = 1;
 * for (let i = 0; i < MAX_CANONICAL_JSON_DEPTH; i++) deep = [deep]; // the deepest accepted
 * canonicalJson(deep); // '[[[...1...]]]'; one level more throws ERR_NOT_CANONICAL_JSON
 * ```
 */
export const MAX_CANONICAL_JSON_DEPTH = 64;

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
 * surrogates, cycles, objects that are not plain (Dates, Maps, class
 * instances with a `toJSON`), and nesting deeper than
 * {@link MAX_CANONICAL_JSON_DEPTH}.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` naming the path of the first offending value.
 * @example
 * ```ts
 * import { canonicalJson } from '@tallystick/core';
 * canonicalJson({ b: 1, a: [true, 'x'] }); // '{"a":[true,"x"],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const open: object[] = [];
  try {
    return write(value, open);
  } catch (error) {
    if (error instanceof Refusal) {
      throw new TallystickError(
        'ERR_NOT_CANONICAL_JSON',
        `cannot canonicalize ${error.what} at $${error.path}`,
      );
    }
    throw error;
  }
}

/**
 * Thrown inside the walk and turned into the public error at the top. The path
 * is assembled only on the way out of a refusal, so the common case (a valid
 * payload on the enqueue path) never builds a path string.
 */
class Refusal {
  path = '';
  constructor(readonly what: string) {}
}

/** Prepends a path segment to a refusal passing through a container; anything else passes untouched. */
function within(error: unknown, segment: string): never {
  if (error instanceof Refusal) error.path = segment + error.path;
  throw error;
}

function write(value: unknown, open: object[]): string {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new Refusal('a string with a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(String(value));
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      // The objects being written, outermost first: payloads are shallow, so a scan beats a Set.
      if (open.includes(value)) throw new Refusal('a cycle');
      // `open` is the chain of containers around this one, so its length is the depth for free.
      if (open.length >= MAX_CANONICAL_JSON_DEPTH)
        throw new Refusal(`nesting deeper than ${MAX_CANONICAL_JSON_DEPTH} levels`);
      open.push(value);
      const text = Array.isArray(value) ? writeArray(value, open) : writeObject(value, open);
      open.pop();
      return text;
    }
    default:
      throw new Refusal(typeof value);
  }
}

function writeArray(value: unknown[], open: object[]): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    try {
      out += write(value[i], open);
    } catch (error) {
      within(error, `[${i}]`);
    }
  }
  return out + ']';
}

function writeObject(value: object, open: object[]): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null)
    throw new Refusal(`a ${proto?.constructor?.name ?? 'non-plain'} object`);
  const keys = Object.keys(value);
  // Default sort compares UTF-16 code units, exactly the order RFC 8785 §3.2.3 asks for; keys
  // written by code are often in order already, and checking costs less than sorting.
  if (!ascending(keys)) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.isWellFormed()) throw new Refusal('a key with a lone surrogate');
    if (i > 0) out += ',';
    try {
      out += `${JSON.stringify(key)}:${write((value as Record<string, unknown>)[key], open)}`;
    } catch (error) {
      within(error, `.${key}`);
    }
  }
  return out + '}';
}

function ascending(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}
