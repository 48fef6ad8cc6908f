/**
 * @packageDocumentation
 * The wire contract between a till and the server, in one place: the intent
 * type names, the schema of each payload, and what each HTTP status means to a
 * sender. `@tallystick/token` produces `token.redeemed` records,
 * `@tallystick/reconcile` validates every intent with these schemas, and the
 * examples build their payloads against them. A separate entry, on `zod/mini`
 * like `@tallystick/core/schemas`, so code that never validates does not
 * bundle zod; the names and the {@link Redemption} type are also in the main
 * entry. See `docs/spec/intents.md`.
 */
import type * as z from 'zod/mini';
import {
  holdPayloadSchema,
  holdReleasePayloadSchema,
  priceUpdatePayloadSchema,
  redemptionSchema,
  refundPayloadSchema,
  restockPayloadSchema,
  salePayloadSchema,
} from './payloads.js';

export { classifyHttpStatus, type HttpStatusClass, isRetryableStatus } from './http-status.js';
export {
  INTENT_TYPES,
  type ProtocolIntentType,
  REDEMPTION_INTENT_TYPE,
  type Redemption,
} from './intent-types.js';
export {
  holdPayloadSchema,
  holdReleasePayloadSchema,
  MAX_INTENT_QUANTITY,
  priceUpdatePayloadSchema,
  redemptionSchema,
  refundPayloadSchema,
  restockPayloadSchema,
  salePayloadSchema,
} from './payloads.js';

/**
 * The schema of each intent type's payload, keyed by type name. Unknown
 * fields are refused rather than dropped: a field this version does not
 * understand may change what the intent means, and money is no place to guess.
 *
 * @example
 * ```ts
 * import { intentPayloadSchemas } from '@tallystick/core/protocol';
 * intentPayloadSchemas.sale.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * // { sku: 'apple', quantity: 2, unitPrice: {...}, discountBps: 0 }
 * ```
 */
export const intentPayloadSchemas = {
  sale: salePayloadSchema,
  restock: restockPayloadSchema,
  hold: holdPayloadSchema,
  hold_release: holdReleasePayloadSchema,
  refund: refundPayloadSchema,
  price_update: priceUpdatePayloadSchema,
  'token.redeemed': redemptionSchema,
} as const;

/**
 * A payload as a validated intent carries it (defaults filled in), by type.
 *
 * @example
 * ```ts
 * import { type IntentPayloads, intentPayloadSchemas } from '@tallystick/core/protocol';
 * const units = (p: IntentPayloads['sale']) => p.quantity;
 * const sale = intentPayloadSchemas.sale.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * console.log(units(sale)); // 2
 * ```
 */
export type IntentPayloads = {
  [K in keyof typeof intentPayloadSchemas]: Exact<z.output<(typeof intentPayloadSchemas)[K]>>;
};

/**
 * A payload as a sender may write it (defaulted fields optional), by type.
 *
 * @example
 * ```ts
 * import { type IntentPayloadInputs, intentPayloadSchemas } from '@tallystick/core/protocol';
 * const sale: IntentPayloadInputs['sale'] = { sku: 'apple', quantity: 1, unitPrice: { amount: 120, currency: 'EUR' } };
 * console.log(intentPayloadSchemas.sale.safeParse(sale).success); // true
 * ```
 */
export type IntentPayloadInputs = {
  [K in keyof typeof intentPayloadSchemas]: Exact<z.input<(typeof intentPayloadSchemas)[K]>>;
};

// An optional field is absent, never `undefined` (JSON has no undefined): so a payload is a JsonValue.
type Exact<T> = { [K in keyof T]: Exclude<T[K], undefined> };
