/**
 * Verification split in two around the issuer signature, so `verify` (one
 * signature) and `verifyBatch` (all signatures at once) share every other
 * step and so every verdict.
 */

import type { VerifyFailure, VerifyResult } from '../result.js';
import type { VerifyOptions } from '../verifier-options.js';
import { checkClaims, type Policy } from './checks.js';
import { fail } from './fail.js';
import { readInput, readPresentation, TOKEN_START } from './input.js';
import type { KeyEntry, KeySet } from './key-set.js';
import { type ParsedToken, parseToken } from './parse.js';
import { isChallenge } from './presentation.js';

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
}

const UNREADABLE = new Uint8Array(0);

/** Everything before the signature: read, parse, find the key. Never throws. */
export function pend(
  input: unknown,
  options: VerifyOptions | undefined,
  keys: KeySet,
): Pending | VerifyFailure {
  const raw = readInput(input);
  if (!raw.ok) return raw;
  const parsed = parseToken(raw.buf, TOKEN_START);
  if (!parsed.ok) return parsed;
  const entry = keys.get(parsed.kid);
  if (entry === undefined) return fail('unknown_key', `no key with kid ${parsed.token.kid}`);
  let presentation = raw.presentation;
  let challenge: Uint8Array | undefined;
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null)
      return fail('malformed', 'options must be an object');
    challenge = options.challenge;
    if (!isChallenge(challenge))
      return fail('malformed', 'options.challenge is not a Uint8Array of <= 64 bytes');
    if (options.presentation !== undefined) {
      presentation =
        presentation === undefined ? (readPresentation(options.presentation) ?? UNREADABLE) : UNREADABLE;
    }
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
  };
}

/** Everything after the signature. */
export function settle(p: Pending, signatureOk: boolean, policy: Policy, now: number): VerifyResult {
  if (!signatureOk) return fail('bad_signature', 'issuer signature does not verify');
  return checkClaims(p.parsed, p.buf, p.entry, policy, now, p.presentation, p.challenge);
}
