/**
 * The names intents travel under, and the redemption record. Free of zod, so
 * that code which only produces intents (a till, `@tallystick/token`'s
 * redeemer) names them without bundling a validator. The schemas that check
 * each payload live beside this file in `@tallystick/core/protocol`.
 */

/**
 * Every intent type the protocol defines, by name. Producers spell types
 * through these constants; `@tallystick/reconcile` accepts exactly these.
 *
 * @example
 * ```ts
 * import { INTENT_TYPES } from '@tallystick/core';
 * const sale = { type: INTENT_TYPES.sale, payload: { sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } } };
 * console.log(Object.values(INTENT_TYPES).includes(sale.type)); // true
 * ```
 */
export const INTENT_TYPES = {
  sale: 'sale',
  restock: 'restock',
  hold: 'hold',
  holdRelease: 'hold_release',
  refund: 'refund',
  priceUpdate: 'price_update',
  tokenRedeemed: 'token.redeemed',
} as const;

/**
 * One of the names in {@link INTENT_TYPES}.
 *
 * @example
 * ```ts
 * import { INTENT_TYPES, type ProtocolIntentType } from '@tallystick/core';
 * const touchesStock = (t: ProtocolIntentType) => t !== 'token.redeemed' && t !== 'price_update';
 * console.log(Object.values(INTENT_TYPES).filter(touchesStock)); // ['sale', 'restock', 'hold', 'hold_release', 'refund']
 * ```
 */
export type ProtocolIntentType = (typeof INTENT_TYPES)[keyof typeof INTENT_TYPES];

/**
 * The intent type a redemption travels under: `'token.redeemed'`, with a
 * {@link Redemption} record as its payload. There is no other redemption type.
 *
 * @example
 * ```ts
 * import { REDEMPTION_INTENT_TYPE } from '@tallystick/core';
 * console.log(REDEMPTION_INTENT_TYPE); // 'token.redeemed'
 * ```
 */
export const REDEMPTION_INTENT_TYPE = INTENT_TYPES.tokenRedeemed;

/**
 * One redemption, as a plain JSON object ready to be an intent payload
 * (`{ type: 'token.redeemed', partitionKey: tokenId, payload: redemption }`).
 * `@tallystick/token`'s redeemer produces it; `@tallystick/reconcile`
 * consumes it, verifying `token` again rather than trusting the other fields
 * (a record whose `tokenId` is not the id inside `token` is refused). Absent
 * fields are omitted (canonical JSON has no `undefined`). Its schema is
 * `redemptionSchema` in `@tallystick/core/protocol`. A type alias, not an
 * interface, so that it is a `JsonValue` without a cast.
 *
 * @example
 * ```ts
 * import type { Redemption } from '@tallystick/core';
 * const total = (rs: Redemption[]) => rs.reduce((sum, r) => sum + (r.amount ?? 0), 0);
 * const record: Redemption = { tokenId: '00112233445566778899aabbccddeeff', kid: '0a1b2c3d', amount: 500, currency: 'EUR', redeemedAt: 1_700_000_000_000, issuedAt: 1_699_999_000_000, expiresAt: 1_700_000_900_000, token: 'AQID' };
 * console.log(total([record])); // 500
 * ```
 */
export type Redemption = {
  /** The token id: 32 lower-case hex digits. */
  readonly tokenId: string;
  /** The id of the key that signed the token. */
  readonly kid: string;
  /** Integer minor units of `currency`, when the token carries a value. */
  readonly amount?: number;
  /** ISO 4217 code; present exactly when `amount` is. */
  readonly currency?: string;
  /** The audience the token named. */
  readonly audience?: string;
  /** The terminal that redeemed it. */
  readonly terminal?: string;
  /** The holder binding (hex), when the token was device-bound. */
  readonly holder?: string;
  /** When the terminal redeemed it, epoch ms, by the terminal's clock. */
  readonly redeemedAt: number;
  /** When the token was issued, epoch ms. */
  readonly issuedAt: number;
  /** When the token expires, epoch ms. */
  readonly expiresAt: number;
  /** The token's bytes, base64url (or the scanned text). */
  readonly token: string;
};
