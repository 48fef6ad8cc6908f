import { sha256 } from '@noble/hashes/sha2.js';
import { canonicalJson, encodeHex } from '@tallystick/core';

const encoder = new TextEncoder();

/**
 * Options for {@link fingerprint}.
 *
 * @example
 * ```ts
 * import { fingerprint, type FingerprintOptions } from '@tallystick/replay';
 * const options: FingerprintOptions = { fields: ['amount', 'currency', 'intentId'] };
 * fingerprint({ intentId: 'i-1', amount: 1250, currency: 'EUR', attempt: 3 }, options) ===
 *   fingerprint({ intentId: 'i-1', amount: 1250, currency: 'EUR', attempt: 4 }, options); // true: retries match
 * ```
 */
export interface FingerprintOptions {
  /**
   * Top-level fields of an object payload that define "the same request".
   * Others (a client timestamp, a retry counter) may then differ between
   * retries without counting as a different payload. A listed field that is
   * absent is fingerprinted as absent, which differs from `null`.
   */
  readonly fields?: readonly string[];
}

/**
 * The fingerprint of a payload: lower-case hex SHA-256 of its RFC 8785
 * canonical JSON, so key order, whitespace and number spelling never make two
 * equal payloads look different.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` if the payload (or a selected field) is not plain JSON data.
 * @throws {TypeError} if `fields` is given and the payload is not a plain object, or a field name is not a string.
 * @example
 * ```ts
 * import { fingerprint } from '@tallystick/replay';
 * fingerprint({ b: 1, a: 2 }) === fingerprint({ a: 2, b: 1 }); // true
 * fingerprint({ amount: 100, sentAt: 1 }, { fields: ['amount'] })
 *   === fingerprint({ amount: 100, sentAt: 2 }, { fields: ['amount'] }); // true
 * ```
 */
export function fingerprint(payload: unknown, options?: FingerprintOptions): string {
  const selected = options?.fields === undefined ? payload : select(payload, options.fields);
  return encodeHex(sha256(encoder.encode(canonicalJson(selected))));
}

function select(payload: unknown, fields: readonly string[]): Record<string, unknown> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError('payload must be a plain object when fields are selected');
  }
  if (!Array.isArray(fields)) throw new TypeError('fields must be an array of strings');
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (typeof field !== 'string') throw new TypeError(`fields must hold strings, got ${typeof field}`);
    if (Object.hasOwn(payload, field)) picked[field] = (payload as Record<string, unknown>)[field];
  }
  return picked;
}

/**
 * The fingerprint the HTTP wrappers use: the method, the path with its query,
 * and the JSON body (or its selected fields), so the same key sent to a
 * different endpoint also counts as a different request.
 *
 * @throws {TallystickError} `ERR_NOT_CANONICAL_JSON` if the body is not plain JSON data.
 * @throws {TypeError} if `fields` is given and the body is not a plain object.
 * @example
 * ```ts
 * import { fingerprintRequest } from '@tallystick/replay';
 * fingerprintRequest('POST', '/sales', { amount: 1250 });
 * ```
 */
export function fingerprintRequest(
  method: string,
  path: string,
  body: unknown,
  options?: FingerprintOptions,
): string {
  const selected = options?.fields === undefined || body === undefined ? body : select(body, options.fields);
  // An absent body is encoded as a missing member, which canonical JSON keeps distinct from `null`.
  const request: Record<string, unknown> = { method: method.toUpperCase(), path };
  if (selected !== undefined) request['body'] = selected;
  return encodeHex(sha256(encoder.encode(canonicalJson(request))));
}
