/**
 * A small real token scheme for tests and the benchmark, independent of
 * @tallystick/token: `T1.<claims as base64url JSON>.<Ed25519 signature>`, signed
 * and verified with node:crypto. Claims: id, kid, optional amount and expiry.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { encodeBase64url, type Money, tryDecodeBase64url } from '@tallystick/core';
import type { RedemptionCheck, RedemptionVerdict, RedemptionVerifier } from '@tallystick/reconcile';

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A key derived from its id, so separate processes (the distributed test, the bench) share it. */
export function newKey(kid: string): TestKey {
  const seed = createHash('sha256').update(`tallystick-test-key:${kid}`).digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

export function issue(key: TestKey, claims: { id: string; amount?: Money; expiresAt?: number }): string {
  const body = encodeBase64url(new TextEncoder().encode(JSON.stringify({ ...claims, kid: key.kid })));
  const signature = sign(null, Buffer.from(body), key.privateKey);
  return `T1.${body}.${encodeBase64url(signature)}`;
}

/**
 * The protocol's token id (32 lower-case hex digits) for a test-scheme claim
 * id: the id itself when it already is one, else a hash of it. The verifier
 * answers this id, and redemption records carry it.
 */
export function tokenIdOf(claimId: string): string {
  return /^[0-9a-f]{32}$/.test(claimId)
    ? claimId
    : createHash('sha256').update(claimId).digest('hex').slice(0, 32);
}

export function testVerifier(
  keys: TestKey[],
  revoked: string[] = [],
): RedemptionVerifier & { calls: number } {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  const out = {
    calls: 0,
    verifyBatch(checks: readonly RedemptionCheck[]): RedemptionVerdict[] {
      out.calls++;
      return checks.map((check) => verifyOne(check, byKid, revoked));
    },
  };
  return out;
}

function verifyOne(
  check: RedemptionCheck,
  byKid: Map<string, TestKey>,
  revoked: string[],
): RedemptionVerdict {
  const [version, body, signature, ...rest] = check.token.split('.');
  const bytes = body === undefined ? undefined : tryDecodeBase64url(body);
  const sig = signature === undefined ? undefined : tryDecodeBase64url(signature);
  if (version !== 'T1' || rest.length > 0 || !bytes || !sig) return fail('malformed', 'not a T1 token');
  let claims: { id?: unknown; kid?: unknown; amount?: Money; expiresAt?: number };
  try {
    claims = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return fail('malformed', 'claims are not JSON');
  }
  const key = typeof claims.kid === 'string' ? byKid.get(claims.kid) : undefined;
  if (!key) return fail('unknown_key', `no key ${String(claims.kid)}`);
  if (revoked.includes(key.kid)) return fail('revoked', `key ${key.kid} is revoked`);
  if (!verify(null, Buffer.from(body!), key.publicKey, sig))
    return fail('bad_signature', 'signature does not verify');
  if (claims.expiresAt !== undefined && check.at >= claims.expiresAt)
    return fail('expired', 'expired when redeemed');
  return {
    ok: true,
    token: {
      id: tokenIdOf(String(claims.id)),
      keyId: key.kid,
      ...(claims.amount ? { amount: claims.amount } : {}),
    },
  };
}

function fail(code: string, message: string): RedemptionVerdict {
  return { ok: false, code, message };
}
