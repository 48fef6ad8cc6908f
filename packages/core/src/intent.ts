/**
 * The largest payload, in bytes of canonical JSON, that an intent may carry.
 * An intent is a business fact (a sale, a redemption), not a file upload.
 *
 * @example
 * ```ts
 * import { canonicalJson, MAX_INTENT_PAYLOAD_BYTES } from '@tallystick/core';
 * const payload = { sku: 'apple', quantity: 2 };
 * new TextEncoder().encode(canonicalJson(payload)).length <= MAX_INTENT_PAYLOAD_BYTES; // true: 65536 bytes at most
 * ```
 */
export const MAX_INTENT_PAYLOAD_BYTES = 64 * 1024;

/**
 * An intent as it crosses a process boundary: who (`device`), when (`hlc`),
 * what (`type`, `payload`) and the `id` (a UUIDv7) that doubles as idempotency
 * key. Validate untrusted input with `intentEnvelopeSchema` from
 * `@tallystick/core/schemas`; this type lives in the main entry so that code
 * which only passes envelopes around does not bundle zod.
 *
 * @example
 * ```ts
 * import { encodeHlc, type IntentEnvelope, newIntentId } from '@tallystick/core';
 * import { intentEnvelopeSchema } from '@tallystick/core/schemas';
 * const intent: IntentEnvelope = {
 *   id: newIntentId(),
 *   type: 'restock',
 *   device: 'till-1',
 *   hlc: encodeHlc({ wall: 1, counter: 0, node: 'till-1' }),
 *   createdAt: 1,
 *   payload: { sku: 'apple', quantity: 24 },
 * };
 * intentEnvelopeSchema.parse(intent); // valid: the shape every queue stores and every server receives
 * ```
 */
export interface IntentEnvelope {
  id: string;
  type: string;
  device: string;
  hlc: string;
  partitionKey?: string | undefined;
  createdAt: number;
  /** Canonical-JSON-serializable; validated by `jsonPayloadSchema`. */
  payload: unknown;
}
