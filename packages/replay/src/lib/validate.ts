import { newRandomId } from '@tallystick/core';
import type { ClaimOptions, IdempotencyKey, StoredResponse } from '../store.js';

/** A year: longer TTLs are almost certainly a unit mistake (seconds passed as ms is the other way round). */
const MAX_TTL_MS = 366 * 24 * 60 * 60 * 1000;

export function assertClaimOptions(options: ClaimOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  assertTtl(options.ttlMs, 'options.ttlMs');
  const { leaseMs } = options;
  if (typeof leaseMs !== 'number')
    throw new TypeError(`options.leaseMs must be a number, got ${typeof leaseMs}`);
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1 || leaseMs > options.ttlMs) {
    throw new RangeError(`options.leaseMs must be an integer from 1 to options.ttlMs, got ${leaseMs}`);
  }
}

export function assertTtl(ttlMs: unknown, name: string): asserts ttlMs is number {
  if (typeof ttlMs !== 'number') throw new TypeError(`${name} must be a number, got ${typeof ttlMs}`);
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    throw new RangeError(`${name} must be an integer from 1 to ${MAX_TTL_MS} ms, got ${ttlMs}`);
  }
}

export function assertKey(key: IdempotencyKey): void {
  if (
    key === null ||
    typeof key !== 'object' ||
    typeof key.scope !== 'string' ||
    typeof key.key !== 'string'
  ) {
    throw new TypeError('key must be an IdempotencyKey { scope, key }; build one with scopedKey()');
  }
}

// Hex, base64, base64url and a `sha256:` style prefix all fit; `|` never does,
// because the Redis adapter uses it as its field separator.
const FINGERPRINT = /^[A-Za-z0-9+/=_.:-]{1,128}$/;

export function assertFingerprint(fingerprint: string): void {
  if (typeof fingerprint !== 'string')
    throw new TypeError(`fingerprint must be a string, got ${typeof fingerprint}`);
  if (!FINGERPRINT.test(fingerprint)) {
    throw new RangeError(
      'fingerprint must be 1 to 128 characters of [A-Za-z0-9+/=_.:-] (hex from fingerprint() fits)',
    );
  }
}

export function assertToken(token: string): void {
  if (typeof token !== 'string')
    throw new TypeError(`token must be the string claim() returned, got ${typeof token}`);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token))
    throw new RangeError('token must be the base64url string claim() returned');
}

export function assertResponse(response: StoredResponse): void {
  if (response === null || typeof response !== 'object') throw new TypeError('response must be an object');
  const { status, headers, body, bodyEncoding } = response;
  if (typeof status !== 'number')
    throw new TypeError(`response.status must be a number, got ${typeof status}`);
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`response.status must be an integer from 100 to 599, got ${status}`);
  }
  if (headers === null || typeof headers !== 'object')
    throw new TypeError('response.headers must be an object');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string')
      throw new TypeError(`response.headers[${JSON.stringify(name)}] must be a string`);
  }
  if (typeof body !== 'string') throw new TypeError(`response.body must be a string, got ${typeof body}`);
  if (bodyEncoding !== undefined && bodyEncoding !== 'base64url') {
    throw new TypeError(`response.bodyEncoding must be 'base64url' or absent, got ${String(bodyEncoding)}`);
  }
}

/** 128 random bits: an owner token nobody can guess, so only the claimant can complete or release. */
export function newClaimToken(): string {
  return newRandomId();
}

/** Copies only the documented fields, so a response carrying extras serializes the same in every adapter. */
export function normalizeResponse(response: StoredResponse): StoredResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) headers[name.toLowerCase()] = value;
  return response.bodyEncoding === 'base64url'
    ? { status: response.status, headers, body: response.body, bodyEncoding: 'base64url' }
    : { status: response.status, headers, body: response.body };
}

export function encodeResponse(response: StoredResponse): string {
  return JSON.stringify(normalizeResponse(response));
}

export function decodeResponse(text: string): StoredResponse {
  return JSON.parse(text) as StoredResponse;
}

/** The arguments every store's `complete` checks before it touches storage. */
export function assertCompleteArgs(
  key: IdempotencyKey,
  token: string,
  response: StoredResponse,
  ttlMs: number,
): void {
  assertKey(key);
  assertToken(token);
  assertResponse(response);
  assertTtl(ttlMs, 'ttlMs');
}
