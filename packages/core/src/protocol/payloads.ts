import * as z from 'zod/mini';
import { HLC_MAX_WALL } from '../clock/hlc-timestamp.js';
import { isIntentId } from '../ids.js';
import { isCurrencyCode } from '../money/currencies.js';
import type { Redemption } from './intent-types.js';

/**
 * The most units one intent may move (sale, restock, hold, refund): a till
 * scanning more is a typo, not a sale.
 *
 * @example
 * ```ts
 * import { intentPayloadSchemas, MAX_INTENT_QUANTITY } from '@tallystick/core/protocol';
 * const tooMany = { sku: 'apple', quantity: MAX_INTENT_QUANTITY + 1, unitPrice: { amount: 1, currency: 'EUR' } };
 * console.log(intentPayloadSchemas.sale.safeParse(tooMany).success); // false
 * ```
 */
export const MAX_INTENT_QUANTITY = 1_000_000;

// Postgres refuses U+0000 and lone surrogates in jsonb: a batch holding one would fail on every retry.
const storable = (value: string) => value.isWellFormed() && !value.includes('\u0000');
const text = (max: number, what: string) =>
  z
    .string(`${what} must be a string`)
    .check(
      z.minLength(1, `${what} must not be empty`),
      z.maxLength(max, `${what} must be at most ${max} characters`),
      z.refine(storable, 'must be well-formed text without U+0000'),
    );
const optionalText = (max: number, what: string) => z.optional(text(max, what));
const int = (min: number, max: number, what: string) =>
  z
    .number(`${what} must be a number`)
    .check(
      z.refine(Number.isSafeInteger, `${what} must be an integer`),
      z.gte(min, `${what} must be at least ${min}`),
      z.lte(max, `${what} must be at most ${max}`),
    );

const sku = z
  .string('sku must be a string')
  .check(z.regex(/^[0-9A-Za-z._~:/-]{1,64}$/, 'sku must be 1-64 characters of [0-9A-Za-z._~:/-]'));
const quantity = int(1, MAX_INTENT_QUANTITY, 'quantity');
const intentRef = z
  .string('must be a string')
  .check(z.refine(isIntentId, 'must be the id (a lower-case UUIDv7) of another intent'));
const money = (min: number) =>
  z.strictObject({
    amount: int(min, Number.MAX_SAFE_INTEGER, 'amount (integer minor units)'),
    currency: z
      .string('currency must be a string')
      .check(z.refine(isCurrencyCode, 'currency must be an ISO 4217 code')),
  });
// Basis points: 1250 is 12.5 % off. Integers keep discount arithmetic exact.
const discountBps = z._default(int(0, 10_000, 'discountBps'), 0);
const epochMs = (what: string) => int(0, HLC_MAX_WALL, what);

/**
 * A `sale`: `quantity` units of `sku` sold at `unitPrice` (integer minor
 * units) less `discountBps` basis points (default 0), optionally against a
 * hold (`holdId`: the `hold` intent's id).
 *
 * @example
 * ```ts
 * import { salePayloadSchema } from '@tallystick/core/protocol';
 * salePayloadSchema.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * ```
 */
export const salePayloadSchema = z.strictObject({
  sku,
  quantity,
  unitPrice: money(0),
  discountBps,
  holdId: z.optional(intentRef),
});

/**
 * A `restock`: `quantity` units added to `sku`'s stock.
 *
 * @example
 * ```ts
 * import { restockPayloadSchema } from '@tallystick/core/protocol';
 * restockPayloadSchema.parse({ sku: 'apple', quantity: 40 });
 * ```
 */
export const restockPayloadSchema = z.strictObject({ sku, quantity });

/**
 * A `hold`: `quantity` units of `sku` reserved until `expiresAt` (epoch ms).
 *
 * @example
 * ```ts
 * import { holdPayloadSchema } from '@tallystick/core/protocol';
 * holdPayloadSchema.parse({ sku: 'apple', quantity: 1, expiresAt: 1_767_225_900_000 });
 * ```
 */
export const holdPayloadSchema = z.strictObject({ sku, quantity, expiresAt: epochMs('expiresAt') });

/**
 * A `hold_release`: the hold `holdId` given back before it expires.
 *
 * @example
 * ```ts
 * import { holdReleasePayloadSchema } from '@tallystick/core/protocol';
 * holdReleasePayloadSchema.safeParse({ sku: 'apple', holdId: 'not-an-id' }).success; // false
 * ```
 */
export const holdReleasePayloadSchema = z.strictObject({ sku, holdId: intentRef });

/**
 * A `refund`: `amount` (positive, integer minor units) paid back for the sale
 * `saleId`, and `quantity` units back to the shelf (0 for none).
 *
 * @example
 * ```ts
 * import { refundPayloadSchema } from '@tallystick/core/protocol';
 * refundPayloadSchema.safeParse({ sku: 'apple', saleId: 'x', amount: { amount: 0, currency: 'EUR' }, quantity: 0 }).success; // false
 * ```
 */
export const refundPayloadSchema = z.strictObject({
  sku,
  saleId: intentRef,
  amount: money(1),
  quantity: int(0, MAX_INTENT_QUANTITY, 'quantity'),
});

/**
 * A `price_update`: `sku`'s list price and discount from this point on.
 *
 * @example
 * ```ts
 * import { priceUpdatePayloadSchema } from '@tallystick/core/protocol';
 * priceUpdatePayloadSchema.parse({ sku: 'apple', unitPrice: { amount: 130, currency: 'EUR' } });
 * ```
 */
export const priceUpdatePayloadSchema = z.strictObject({
  sku,
  unitPrice: money(0),
  discountBps,
});

/**
 * A `token.redeemed`: the {@link Redemption} record. `amount` and `currency`
 * come together or not at all.
 *
 * @example
 * ```ts
 * import { redemptionSchema } from '@tallystick/core/protocol';
 * redemptionSchema.safeParse({ token: 'T1.abc' }).success; // false: tokenId, kid and the times are required
 * ```
 */
export const redemptionSchema = z
  .strictObject({
    tokenId: z
      .string('tokenId must be a string')
      .check(z.regex(/^[0-9a-f]{32}$/, 'tokenId must be 32 lower-case hex digits')),
    kid: text(64, 'kid'),
    amount: z.optional(int(0, Number.MAX_SAFE_INTEGER, 'amount (integer minor units)')),
    currency: z.optional(
      z
        .string('currency must be a string')
        .check(z.refine(isCurrencyCode, 'currency must be an ISO 4217 code')),
    ),
    audience: optionalText(256, 'audience'),
    terminal: optionalText(256, 'terminal'),
    holder: optionalText(64, 'holder'),
    redeemedAt: epochMs('redeemedAt'),
    issuedAt: epochMs('issuedAt'),
    expiresAt: epochMs('expiresAt'),
    token: text(4096, 'token'),
  })
  .check(
    z.refine((r) => (r.amount === undefined) === (r.currency === undefined), {
      message: 'amount and currency come together or not at all',
      path: ['currency'],
    }),
  );

// The record type is written out by hand (zod-free, for the main entry); this keeps it the schema's
// output: the same fields, the same optional ones, the same value types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out = z.output<typeof redemptionSchema>;
type Defined<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
const redemptionTypeIsSchemaOutput: [
  Same<Defined<Redemption>, Defined<Out>>,
  Same<OptionalKeys<Redemption>, OptionalKeys<Out>>,
] = [true, true];
void redemptionTypeIsSchemaOutput;
