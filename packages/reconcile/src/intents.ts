import { type IntentEnvelope, REDEMPTION_INTENT_TYPE } from '@tallystick/core';
import { type IntentPayloads, intentPayloadSchemas } from '@tallystick/core/protocol';
import { intentEnvelopeSchema } from '@tallystick/core/schemas';
import { z } from 'zod';
import { fastParse } from './lib/fast-parse.js';
import { amountProblem } from './lib/money.js';
import { isStorableText } from './lib/storable.js';

/**
 * The schema of each intent type's payload: the protocol's own
 * (`@tallystick/core/protocol`), re-exported so the engine and its callers
 * read one contract. `token.redeemed` is the redemption record
 * `@tallystick/token`'s redeemer produces; the engine verifies its token again
 * and trusts none of its other claims.
 *
 * @example
 * ```ts
 * import { intentPayloadSchemas } from '@tallystick/reconcile';
 * intentPayloadSchemas.sale.parse({ sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } });
 * // { sku: 'apple', quantity: 2, unitPrice: {...}, discountBps: 0 }
 * ```
 */
export { type IntentPayloads, intentPayloadSchemas, isStorableText };

/**
 * The intent types the engine understands.
 *
 * @example
 * ```ts
 * import { type IntentType, intentPayloadSchemas } from '@tallystick/reconcile';
 * const types = Object.keys(intentPayloadSchemas) as IntentType[]; // ['sale', 'restock', 'hold', ...]
 * types.filter((t) => t !== 'token.redeemed' && t !== 'price_update'); // the types that touch stock
 * ```
 */
export type IntentType = keyof typeof intentPayloadSchemas;

/**
 * Tells whether an intent type is a token redemption (`token.redeemed`).
 *
 * @example
 * ```ts
 * import { isRedemptionType } from '@tallystick/reconcile';
 * isRedemptionType('token.redeemed'); // true
 * ```
 */
export function isRedemptionType(type: string): type is 'token.redeemed' {
  return type === REDEMPTION_INTENT_TYPE;
}

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

function describe(
  error: { readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[] },
  prefix?: string,
): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(root)'}: ${issue.message}`.slice(0, 300);
    })
    .join('; ');
}
