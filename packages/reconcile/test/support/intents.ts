import { encodeHlc, HLC_MAX_WALL, type Money, tryDecodeBase64url } from '@tallystick/core';
import { decodeToken } from '@tallystick/token';
import { tokenIdOf } from './ed25519-verifier.js';

let counter = 0;

/** A UUIDv7-shaped id from a number, so generated sets are reproducible and ids sort by number. */
export function idOf(n: number): string {
  return `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function freshId(): string {
  counter++;
  return idOf(0x100000000 + counter);
}

export interface RawIntent {
  id: string;
  type: string;
  device: string;
  hlc: string;
  createdAt: number;
  payload: unknown;
}

/** Builds an envelope stamped (wall, counter) by `device`. */
export function intent(
  type: string,
  device: string,
  wall: number,
  payload: unknown,
  options: { id?: string; counter?: number } = {},
): RawIntent {
  return {
    id: options.id ?? freshId(),
    type,
    device,
    hlc: encodeHlc({ wall, counter: options.counter ?? 0, node: device }),
    createdAt: wall,
    payload,
  };
}

export const eur = (amount: number) => ({ amount, currency: 'EUR' });

/**
 * A `token.redeemed` intent carrying `token` at `wall`, its record built the
 * way a till's redeemer builds it: from a test-scheme token (`T1.<claims>.<sig>`)
 * or a `@tallystick/token` one, decoded but not verified. Text that is neither
 * (garbage, poison) gets placeholder claims, since the server verifies the
 * token anyway and the record's claims are never trusted.
 */
export function redeemed(
  device: string,
  wall: number,
  token: string,
  options: { id?: string; counter?: number } = {},
): RawIntent {
  return intent('token.redeemed', device, wall, redemptionRecord(token, wall, device), options);
}

/** The redemption record for `token` redeemed at `wall` by `terminal` (see {@link redeemed}). */
export function redemptionRecord(token: string, wall: number, terminal?: string): Record<string, unknown> {
  const claims = claimsOf(token);
  const record: Record<string, unknown> = {
    tokenId: claims.id,
    kid: claims.kid,
    redeemedAt: wall,
    issuedAt: claims.issuedAt,
    expiresAt: claims.expiresAt,
    token,
  };
  if (claims.amount) {
    record.amount = claims.amount.amount;
    record.currency = claims.amount.currency;
  }
  if (terminal !== undefined) record.terminal = terminal;
  return record;
}

interface Claims {
  id: string;
  kid: string;
  issuedAt: number;
  expiresAt: number;
  amount?: Money | undefined;
}

function claimsOf(token: string): Claims {
  const real = decodeToken(token);
  if (real.ok) {
    const t = real.token;
    return { id: t.id, kid: t.kid, issuedAt: t.issuedAt, expiresAt: t.expiresAt, amount: t.amount };
  }
  const test = testClaims(token);
  if (test) {
    return {
      id: tokenIdOf(String(test.id)),
      kid: typeof test.kid === 'string' && test.kid.length > 0 ? test.kid : 'none',
      issuedAt: 0,
      expiresAt: typeof test.expiresAt === 'number' ? test.expiresAt : HLC_MAX_WALL,
      amount: test.amount,
    };
  }
  return { id: tokenIdOf(token), kid: 'none', issuedAt: 0, expiresAt: HLC_MAX_WALL };
}

function testClaims(
  token: string,
): { id?: unknown; kid?: unknown; expiresAt?: unknown; amount?: Money } | undefined {
  const [version, body] = token.split('.');
  const bytes = version === 'T1' && body !== undefined ? tryDecodeBase64url(body) : undefined;
  if (!bytes) return undefined;
  try {
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}
