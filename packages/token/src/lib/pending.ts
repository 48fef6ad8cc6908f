/**
 * Verification split in two around the issuer signature, so `verify` (one
 * signature) and `verifyBatch` (all signatures at once) share every other
 * step and so every verdict.
 */

import type { Clock } from '@tallystick/core';
import { LIMITS } from '../format.js';
import type { VerifyFailure, VerifyResult } from '../result.js';
import type { BatchItem } from '../verifier-options.js';
import { checkClaims, type Policy } from './checks.js';
import { fail } from './fail.js';
import { copyBytes, readInput, readPresentation, TOKEN_START } from './input.js';
import type { KeyEntry, KeySet } from './key-set.js';
import { type ParsedToken, parseToken } from './parse.js';

/** A token parsed, its key found, its signature not yet checked. */
export interface Pending {
  readonly ok: true;
  readonly parsed: ParsedToken;
  readonly buf: Uint8Array;
  readonly entry: KeyEntry;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  /** Undefined when none came; empty when one came but was unreadable or came twice. */
  readonly presentation: Uint8Array | undefined;
  readonly challenge: Uint8Array | undefined;
  /** The call's time, epoch ms. */
  readonly now: number;
}

const UNREADABLE = new Uint8Array(0);

/**
 * One call's input, options and time, each field read exactly once into a
 * local, so a getter can neither throw past the verifier nor change an answer
 * between its check and its use.
 */
export interface Call {
  readonly input: unknown;
  /** Epoch ms, checked usable. */
  readonly now: number;
  readonly presentation: unknown;
  readonly challenge: unknown;
}

/** Latest time a Date can hold, epoch ms. */
const MAX_TIME = 8.64e15;
export const BAD_TIME = fail('malformed', 'now must be epoch ms >= 0');

/**
 * Reads `options` (and, for a batch item, its `input`) once, and the time:
 * the call's `now`, else `fallback`, else the clock's. Never throws: a
 * Proxy's trap or a getter that throws makes the call `malformed`, and so
 * does a time that is not a number from 0 to the last Date (NaN, ±Infinity,
 * negative, not a number), whether it came from the caller or the clock.
 */
export function readCall(
  input: unknown,
  options: unknown,
  item: boolean,
  fallback: unknown,
  clock: Clock,
): Call | VerifyFailure {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    return fail('malformed', 'options must be an object');
  let call: { -readonly [K in keyof Call]: unknown };
  try {
    const o = (options ?? {}) as BatchItem;
    call = {
      input: item ? o.input : input,
      now: o.now,
      presentation: o.presentation,
      challenge: o.challenge,
    };
    if (call.now === undefined) call.now = fallback ?? clock.now();
  } catch {
    return fail('malformed', 'a getter threw');
  }
  const now = call.now;
  return typeof now === 'number' && now >= 0 && now <= MAX_TIME ? (call as Call) : BAD_TIME;
}

/** Everything before the signature: read, parse, find the key. Never throws. */
export function pend(call: Call, keys: KeySet): Pending | VerifyFailure {
  const raw = readInput(call.input);
  if (!raw.ok) return raw;
  const parsed = parseToken(raw.buf, TOKEN_START);
  if (!parsed.ok) return parsed;
  const entry = keys.get(parsed.kid);
  if (entry === undefined) return fail('unknown_key', `no key with kid ${parsed.token.kid}`);
  let presentation = raw.presentation;
  let challenge: Uint8Array | undefined;
  if (call.challenge !== undefined) {
    challenge = copyBytes(call.challenge, LIMITS.maxChallengeBytes);
    if (!challenge) return fail('malformed', 'bad options.challenge');
  }
  if (call.presentation !== undefined) {
    presentation =
      presentation === undefined ? (readPresentation(call.presentation) ?? UNREADABLE) : UNREADABLE;
  }
  const buf = raw.buf;
  return {
    ok: true,
    parsed,
    buf,
    entry,
    message: buf.subarray(0, parsed.bodyEnd),
    signature: buf.subarray(parsed.bodyEnd),
    presentation,
    challenge,
    now: call.now,
  };
}

/** Everything after the signature. */
export function settle(p: Pending, signatureOk: boolean, policy: Policy, now: number): VerifyResult {
  if (!signatureOk) return fail('bad_signature', 'bad issuer signature');
  return checkClaims(p.parsed, p.buf, p.entry, policy, now, p.presentation, p.challenge);
}
