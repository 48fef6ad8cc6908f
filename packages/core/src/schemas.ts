/**
 * @packageDocumentation
 * Zod schemas for the shapes that cross a process boundary. A separate entry
 * (`@tallystick/core/schemas`) so that code which never validates does not
 * bundle zod at all, and built on `zod/mini` so that code which does (the
 * queue's `enqueue` in a browser) pays about 8 KB instead of the 90 KB that
 * classic zod's method chains keep alive. Mini schemas compose with classic
 * ones: `z.object({ ...intentEnvelopeSchema.shape })` works in either.
 */
import * as z from 'zod/mini';
import { isValidHlcNode } from './clock/hlc-timestamp.js';
import { canonicalJson } from './codecs/canonical-json.js';
import { isIntentId } from './ids.js';
import { type IntentEnvelope, MAX_INTENT_PAYLOAD_BYTES } from './intent.js';
import { isCurrencyCode } from './money/currencies.js';

const HLC_TEXT = /^[0-9a-f]{16}-[0-9A-Za-z._~-]{1,64}$/;

/**
 * Zod schema for {@link Money} crossing a process boundary.
 *
 * @example
 * ```ts
 * import { moneySchema } from '@tallystick/core/schemas';
 * moneySchema.parse({ amount: 500, currency: 'USD' });
 * ```
 */
export const moneySchema = z.object({
  amount: z.number().check(z.refine(Number.isSafeInteger, 'amount must be a safe integer of minor units')),
  currency: z.string().check(z.refine(isCurrencyCode, 'currency must be an ISO 4217 code')),
});

/**
 * Zod schema for a JSON value that canonicalizes (no NaN, no undefined, no
 * class instances) and stays within {@link MAX_INTENT_PAYLOAD_BYTES}.
 *
 * @example
 * ```ts
 * import { jsonPayloadSchema } from '@tallystick/core/schemas';
 * jsonPayloadSchema.safeParse({ a: 1 }).success; // true
 * jsonPayloadSchema.safeParse({ a: Number.NaN }).success; // false
 * ```
 */
export const jsonPayloadSchema = z.unknown().check(
  z.superRefine((value, ctx) => {
    let text: string;
    try {
      text = canonicalJson(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
      return;
    }
    const size = new TextEncoder().encode(text).length;
    if (size > MAX_INTENT_PAYLOAD_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `payload is ${size} bytes, more than ${MAX_INTENT_PAYLOAD_BYTES}`,
        input: value,
      });
    }
  }),
);

/**
 * Zod schema for the envelope every intent travels in between a device, its
 * queue and the server: who (`device`), when (`hlc`), what (`type`, `payload`)
 * and the `id` that doubles as idempotency key.
 *
 * @example
 * ```ts
 * import { newIntentId } from '@tallystick/core';
 * import { intentEnvelopeSchema } from '@tallystick/core/schemas';
 * intentEnvelopeSchema.parse({
 *   id: newIntentId(),
 *   type: 'sale',
 *   device: 'till-1',
 *   hlc: '0000000000010000-till-1',
 *   createdAt: 1,
 *   payload: { sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } },
 * });
 * ```
 */
export const intentEnvelopeSchema = z.object({
  id: z.string().check(z.refine(isIntentId, 'id must be a lower-case UUIDv7')),
  type: z
    .string()
    .check(
      z.regex(
        /^[a-z][a-z0-9_.-]{0,63}$/,
        'type must be 1-64 characters of [a-z0-9_.-], starting with a letter',
      ),
    ),
  device: z.string().check(z.refine(isValidHlcNode, 'device must be 1-64 characters of [0-9A-Za-z._~-]')),
  hlc: z.string().check(z.regex(HLC_TEXT, 'hlc must be an encoded HLC timestamp')),
  partitionKey: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  createdAt: z.int().check(z.nonnegative()),
  payload: jsonPayloadSchema,
});

export type { IntentEnvelope };
export { MAX_INTENT_PAYLOAD_BYTES };
