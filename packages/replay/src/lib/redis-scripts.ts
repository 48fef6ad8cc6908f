/**
 * Lua run atomically inside Redis. Records are plain strings so the scripts
 * need no JSON library, and ownership is a prefix check:
 *
 *   in flight:  i|<token>|<fingerprint>|<leaseUntil>|<expiresAt>
 *   completed:  c|<fingerprint>|<expiresAt>|<response JSON>
 *
 * Tokens are base64url and fingerprints refuse `|`, so the separators are unambiguous.
 */

import { sha1 } from '@noble/hashes/legacy.js';
import { encodeHex } from '@tallystick/core';
import type { IdempotencyRecord } from './records.js';
import { decodeResponse } from './validate.js';

export interface Script {
  readonly source: string;
  /** Redis caches scripts by SHA-1; EVALSHA then sends 40 bytes instead of the source. */
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: encodeHex(sha1(new TextEncoder().encode(source))) };
}

/** KEYS[1]; ARGV: token, expiresAt, response JSON, px. Completes only the owner's in-flight record. */
export const COMPLETE = script(`local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local prefix = 'i|' .. ARGV[1] .. '|'
if string.sub(v, 1, #prefix) ~= prefix then return 0 end
local fp = string.match(v, '^i|[^|]*|([^|]*)|')
redis.call('SET', KEYS[1], 'c|' .. fp .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1`);

/** KEYS[1]; ARGV: token. Deletes only the owner's in-flight record. */
export const RELEASE = script(`local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local prefix = 'i|' .. ARGV[1] .. '|'
if string.sub(v, 1, #prefix) ~= prefix then return 0 end
redis.call('DEL', KEYS[1])
return 1`);

/** KEYS[1]; ARGV: the value read, the new value, px. Takes over an expired record only if nobody changed it since. */
export const TAKE_OVER = script(`if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`);

export function inFlightValue(
  token: string,
  fingerprint: string,
  leaseUntil: number,
  expiresAt: number,
): string {
  return `i|${token}|${fingerprint}|${leaseUntil}|${expiresAt}`;
}

export function parseValue(value: string): IdempotencyRecord | undefined {
  if (value.startsWith('i|')) {
    const [, token, fingerprint, leaseUntil, expiresAt] = value.split('|');
    if (token === undefined || fingerprint === undefined || expiresAt === undefined) return undefined;
    return {
      state: 'in_flight',
      token,
      fingerprint,
      leaseUntil: Number(leaseUntil),
      expiresAt: Number(expiresAt),
    };
  }
  if (value.startsWith('c|')) {
    const second = value.indexOf('|', 2);
    const third = value.indexOf('|', second + 1);
    if (second < 0 || third < 0) return undefined;
    return {
      state: 'completed',
      fingerprint: value.slice(2, second),
      expiresAt: Number(value.slice(second + 1, third)),
      response: decodeResponse(value.slice(third + 1)),
    };
  }
  return undefined;
}

/**
 * KEYS[1] a scope's quota counter for one window; ARGV: px. Adds one and
 * resolves the count; the first use sets its expiry, so a window's counter
 * is collected after the window ends.
 */
export const COUNT = script(`local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`);
