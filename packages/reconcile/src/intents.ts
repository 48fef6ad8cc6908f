import { HLC_MAX_WALL, type IntentEnvelope, isIntentId } from '@tallystick/core';
import { intentEnvelopeSchema, moneySchema } from '@tallystick/core/schemas';
import { z } from 'zod';
import { fastParse } from './lib/fast-parse.js';
import { amountProblem } from './lib/money.js';
import { isStorableText } from './lib/storable.js';

const sku = z.string().regex(/^[0-9A-Za-z._~:/-]{1,64}$/, 'sku must be 1-64 characters of [0-9A-Za-z._~:/-]');
const quantity = z.number().int().min(1).max(1_000_000);
const intentRef = z.string().refine(isIntentId, 'must be the id (a lower-case UUIDv7) of another intent');
const price = z.strictObject(moneySchema.shape).refine((m) => m.amount >= 0, 'amount must not be negative');
const positive = z.strictObject(moneySchema.shape).refine((m) => m.amount > 0, 'amount must be positive');
// Free text (tokens, key ids, terminal names) must be storable: Postgres refuses U+0000 and
// lone surrogates in jsonb, and a batch holding one would fail on every retry.
const text = (max: number) =>
  z.string().min(1).max(max).refine(isStorableText, 'must be well-formed text without U+0000');
const optionalText = (max: number) =>
  z.string().max(max).refine(isStorableText, 'must be well-formed text without U+0000').optional();
// Basis points: 1250 is 12.5 % off. Integers keep discount arithmetic exact.
const discountBps = z.number().int().min(0).max(10_000).default(0);

/**
 * The zod schema of each intent type's payload. Unknown fields are refused
 * rather than dropped: a field this version does not understand may change
 * what the intent means, and money is no place to guess.
 *
 * - `sale`: units of a SKU sold at a unit price (minor units) less a discount in
 *   basis points, optionally against a hold (`holdId`, the hold intent's id).
 * - `restock`: units added to a SKU's stock.
 * - `hold`: units of a SKU reserved until `expiresAt` (epoch ms).
 * - `hold_release`: a hold given back before it expires.
 * - `refund`: money (and `quantity` units back to the shelf, 0 for none) for an earlier sale.
 * - `redemption`: a signed single-use token (voucher, ticket) taken at a till.
 * - `price_update`: a SKU's list price and discount from this point on.
 * - `token.redeemed`: the redemption record `@tallystick/token` produces
 *   (`verifier.redeem(...).redemption`); reconciled exactly like `redemption`:
 *   the token is verified again and the record's own claims are not trusted.
 *
 * @example
 * ```ts
 * import { intentPayloadSchemas } from '@tallystick/reconcile';
 * intentPayloadSchemas.sale.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * // { sku: 'apple', quantity: 2, unitPrice: {...}, discountBps: 0 }
 * ```
 */
export const intentPayloadSchemas = {
  sale: z.strictObject({ sku, quantity, unitPrice: price, discountBps, holdId: intentRef.optional() }),
  restock: z.strictObject({ sku, quantity }),
  hold: z.strictObject({ sku, quantity, expiresAt: z.number().int().min(0).max(HLC_MAX_WALL) }),
  hold_release: z.strictObject({ sku, holdId: intentRef }),
  refund: z.strictObject({
    sku,
    saleId: intentRef,
    amount: positive,
    quantity: z.number().int().min(0).max(1_000_000),
  }),
  redemption: z.strictObject({ token: text(4096) }),
  price_update: z.strictObject({ sku, unitPrice: price, discountBps }),
  'token.redeemed': z.strictObject({
    tokenId: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'tokenId must be 32 lower-case hex digits')
      .optional(),
    kid: optionalText(64),
    amount: z.number().int().optional(),
    currency: optionalText(8),
    audience: optionalText(256),
    terminal: optionalText(256),
    holder: optionalText(64),
    redeemedAt: z.number().int().min(0).optional(),
    issuedAt: z.number().int().min(0).optional(),
    expiresAt: z.number().int().min(0).optional(),
    token: text(4096),
  }),
} as const;

export { isStorableText };

/**
 * The intent types the engine understands.
 *
 * @example
 * ```ts
 * import { type IntentType, intentPayloadSchemas } from '@tallystick/reconcile';
 * const types = Object.keys(intentPayloadSchemas) as IntentType[]; // ['sale', 'restock', 'hold', ...]
 * types.filter((t) => t !== 'redemption' && t !== 'token.redeemed' && t !== 'price_update'); // the types that touch stock
 * ```
 */
export type IntentType = keyof typeof intentPayloadSchemas;

/**
 * Tells whether an intent type is a token redemption (`redemption` or `token.redeemed`).
 *
 * @example
 * ```ts
 * import { isRedemptionType } from '@tallystick/reconcile';
 * isRedemptionType('token.redeemed'); // true
 * ```
 */
export function isRedemptionType(type: string): type is 'redemption' | 'token.redeemed' {
  return type === 'redemption' || type === 'token.redeemed';
}

/**
 * The parsed payload of each intent type.
 *
 * @example
 * ```ts
 * import { type IntentPayloads, intentPayloadSchemas } from '@tallystick/reconcile';
 * const sale: IntentPayloads['sale'] = intentPayloadSchemas.sale.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * sale.discountBps; // 0: the default, filled in
 * ```
 */
export type IntentPayloads = { [K in IntentType]: z.output<(typeof intentPayloadSchemas)[K]> };

/**
 * A validated intent: core's envelope with a typed payload.
 *
 * @example
 * ```ts
 * import { type Intent, parseIntent } from '@tallystick/reconcile';
 * const parsed = parseIntent({
 *   id: '019a5f0e-8c1b-7d3a-9b2e-4f6a7c8d9e0f', type: 'restock', device: 'till-1',
 *   hlc: '0000000000010000-till-1', createdAt: 1, payload: { sku: 'apple', quantity: 24 },
 * });
 * const intent: Intent | undefined = parsed.ok ? parsed.intent : undefined;
 * if (intent?.type === 'restock') intent.payload.quantity; // 24, typed
 * ```
 */
export type Intent<K extends IntentType = IntentType> = {
  [T in K]: Omit<IntentEnvelope, 'type' | 'payload'> & { type: T; payload: IntentPayloads[T] };
}[K];

/**
 * Why an input was refused at the door:
 * - `malformed`: not an intent envelope (bad id, HLC, device, missing field);
 * - `unknown_type`: a type this engine has no schema for;
 * - `invalid_payload`: the payload does not match its type's schema;
 * - `id_reused`: an id already seen with different content;
 * - `clock_ahead`: stamped further in the future than the engine allows;
 * - `no_verifier`: a redemption, and no verifier was configured;
 * - `amount_overflow`: well-formed, but its own money passes what the ledger
 *   can hold exactly (a sale whose `unitPrice.amount × quantity` exceeds
 *   2^53 − 1 minor units).
 *
 * Every code but `clock_ahead` is final: the same intent will be refused the
 * same way on every retry. `clock_ahead` may pass once the clock catches up.
 *
 * @example
 * ```ts
 * import { parseIntent, type RejectionCode } from '@tallystick/reconcile';
 * const parsed = parseIntent({ type: 'sale' });
 * const code: RejectionCode | undefined = parsed.ok ? undefined : parsed.code; // 'malformed'
 * ```
 */
export type RejectionCode =
  | 'malformed'
  | 'unknown_type'
  | 'invalid_payload'
  | 'id_reused'
  | 'clock_ahead'
  | 'no_verifier'
  | 'amount_overflow';

/**
 * The outcome of {@link parseIntent}.
 *
 * @example
 * ```ts
 * import { parseIntent } from '@tallystick/reconcile';
 * const r = parseIntent({});
 * if (!r.ok) console.log(r.code, r.reason);
 * ```
 */
export type ParsedIntent =
  | { readonly ok: true; readonly intent: Intent }
  | { readonly ok: false; readonly code: RejectionCode; readonly reason: string };

// Core's envelope rules, with the generic payload check replaced by the typed
// schemas below, which are stricter and several times cheaper.
const envelope = z.object({ ...intentEnvelopeSchema.shape, payload: z.unknown() });

/**
 * Validates one raw input as an intent. Never throws: a bad input is a typed
 * refusal with a reason naming the offending field.
 *
 * @example
 * ```ts
 * import { parseIntent } from '@tallystick/reconcile';
 * parseIntent({ type: 'sale' }); // { ok: false, code: 'malformed', reason: 'id: ...' }
 * ```
 */
export function parseIntent(raw: unknown): ParsedIntent {
  try {
    const fast = fastParse(raw);
    // The fast path takes only intents the schemas and the amount check accept.
    return fast !== undefined ? { ok: true, intent: fast } : parseBySchema(raw);
  } catch {
    // Only a hostile object (a throwing getter, a revoked Proxy) gets here; JSON never does.
    return { ok: false, code: 'malformed', reason: 'unreadable input (a getter or proxy threw)' };
  }
}

// Refuses what no fold could ever carry exactly: arithmetic on one intent's own numbers.
function checked(intent: Intent): ParsedIntent {
  const reason = amountProblem(intent);
  return reason === undefined ? { ok: true, intent } : { ok: false, code: 'amount_overflow', reason };
}

/**
 * {@link parseIntent} through the zod schemas alone: the reference the fast
 * path is tested against. Internal; not exported from the package.
 *
 * @example
 * ```ts
 * parseBySchema({}).ok; // false
 * ```
 */
export function parseBySchema(raw: unknown): ParsedIntent {
  const outer = envelope.safeParse(raw);
  if (!outer.success) return { ok: false, code: 'malformed', reason: describe(outer.error) };
  const type = outer.data.type;
  if (!Object.hasOwn(intentPayloadSchemas, type)) {
    return { ok: false, code: 'unknown_type', reason: `unknown intent type "${type}"` };
  }
  const schema = intentPayloadSchemas[type as IntentType];
  const payload = schema.safeParse(outer.data.payload);
  if (!payload.success)
    return { ok: false, code: 'invalid_payload', reason: describe(payload.error, 'payload') };
  // zod's output is a fresh object we own: set the typed payload in place rather than copy.
  const intent = outer.data as unknown as { payload: unknown };
  intent.payload = payload.data;
  return checked(intent as Intent);
}

function describe(error: z.ZodError, prefix?: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`.slice(0, 300);
    })
    .join('; ');
}
