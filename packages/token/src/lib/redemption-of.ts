import { encodeBase64url } from '@tallystick/core';
import type { Redemption } from '../redemption.js';
import type { Token } from '../token.js';

/** Builds the record in one fixed key order, so equal redemptions serialize alike. */
export function redemptionOf(token: Token, terminal: string | undefined, redeemedAt: number): Redemption {
  const record: { -readonly [K in keyof Redemption]: Redemption[K] } = {
    tokenId: token.id,
    kid: token.kid,
    redeemedAt,
    issuedAt: token.issuedAt,
    expiresAt: token.expiresAt,
    token: encodeBase64url(token.bytes),
  };
  if (token.amount) {
    record.amount = token.amount.amount;
    record.currency = token.amount.currency;
  }
  if (token.audience !== undefined) record.audience = token.audience;
  if (terminal !== undefined) record.terminal = terminal;
  if (token.holder !== undefined) record.holder = token.holder;
  return record;
}
