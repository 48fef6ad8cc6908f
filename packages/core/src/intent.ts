/**
 * The largest payload, in bytes of canonical JSON, that an intent may carry.
 * An intent is a business fact (a sale, a redemption), not a file upload.
 *
 * @example
 * ```ts
 * import { MAX_INTENT_PAYLOAD_BYTES } from '@tallystick/core';
 * MAX_INTENT_PAYLOAD_BYTES; // 65536
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
 * import type { IntentEnvelope } from '@tallystick/core';
 * function deviceOf(intent: IntentEnvelope): string {
 *   return intent.device;
 * }
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
