/**
 * Everything a verifier checks after the issuer signature, in the order the
 * spec fixes (docs/spec/token-format.md, "Verification order"), so every
 * implementation reports the same code for the same input.
 */
import { prepareKey, type SignatureBackend, verifyPrepared } from '../crypto/index.js';
import type { VerifyFailure, VerifyResult } from '../result.js';
import type { RevocationList } from '../revocation.js';
import { fail } from './fail.js';
import type { KeyEntry } from './key-set.js';
import { AT, PRESENTATION_VERSION, SIZE } from './layout.js';
import type { ParsedToken } from './parse.js';
import { holderMatches, PRESENTATION_AT, presentationMessage, presentationTime } from './presentation.js';

export interface Policy {
  readonly skewMs: number;
  readonly presentationWindowMs: number;
  /** This terminal's names (its id and its groups); undefined accepts only tokens without an audience. */
  readonly audiences: ReadonlySet<string> | undefined;
  readonly revoked: RevocationList | undefined;
  readonly backend: SignatureBackend;
}

/** The claim checks, once the issuer signature is known good. */
export function checkClaims(
  parsed: ParsedToken,
  buf: Uint8Array,
  entry: KeyEntry,
  policy: Policy,
  now: number,
  presentation: Uint8Array | undefined,
  challenge: Uint8Array | undefined,
): VerifyResult {
  const { token, start } = parsed;
  const revoked = policy.revoked;
  if (revoked?.hasKidAt(buf, start + AT.kid)) return fail('revoked', `key ${token.kid} is revoked`);
  if (token.issuedAt < entry.notBefore || token.issuedAt > entry.notAfter) {
    return fail('key_inactive', `key ${token.kid} inactive`);
  }
  if (revoked?.hasTokenIdAt(buf, start + AT.tokenId)) return fail('revoked', `token ${token.id} is revoked`);
  const skew = policy.skewMs;
  if (token.issuedAt > now + skew || (token.notBefore !== undefined && now < token.notBefore - skew)) {
    return fail('not_yet_valid', 'not valid yet');
  }
  if (now >= token.expiresAt + skew) return fail('expired', 'token expired');
  if (token.audience !== undefined && !policy.audiences?.has(token.audience)) {
    return fail('wrong_audience', `token is for ${token.audience}`);
  }
  if (parsed.holderAt >= 0) {
    const refusal = checkPresentation(parsed, buf, policy, now, presentation, challenge);
    if (refusal) return refusal;
  }
  return { ok: true, token };
}

function checkPresentation(
  parsed: ParsedToken,
  buf: Uint8Array,
  policy: Policy,
  now: number,
  presentation: Uint8Array | undefined,
  challenge: Uint8Array | undefined,
): VerifyFailure | undefined {
  if (presentation === undefined) return fail('binding_required', 'presentation required');
  if (presentation.length !== SIZE.presentation || presentation[0] !== PRESENTATION_VERSION) {
    return fail('bad_presentation', 'not a v1 presentation');
  }
  const publicKey = presentation.subarray(PRESENTATION_AT.publicKey, PRESENTATION_AT.time);
  if (!holderMatches(publicKey, buf, parsed.holderAt)) {
    return fail('bad_presentation', 'wrong device');
  }
  const key = prepareKey(publicKey, policy.backend);
  const time = presentationTime(presentation);
  const message = presentationMessage(buf, parsed.start + AT.tokenId, time, challenge);
  if (!key || !verifyPrepared(key, presentation.subarray(PRESENTATION_AT.signature), message)) {
    return fail('bad_presentation', 'bad presentation signature');
  }
  const age = now - time * 1000;
  if (age < -policy.skewMs || age > policy.presentationWindowMs + policy.skewMs) {
    return fail('stale_presentation', 'presentation too old or too new');
  }
  return undefined;
}
