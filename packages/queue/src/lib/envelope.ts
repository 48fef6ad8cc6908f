import {
  type Clock,
  canonicalJson,
  encodeHlc,
  type Hlc,
  type IntentEnvelope,
  type JsonValue,
  newIntentId,
  TallystickError,
} from '@tallystick/core';
import { intentEnvelopeSchema } from '@tallystick/core/schemas';
import type { IntentInput } from '../types.js';

export interface EnvelopeContext {
  device: string;
  hlc: Hlc;
  clock: Clock;
  maxPayloadBytes: number;
}

/**
 * Turns an {@link IntentInput} into a validated envelope that shares nothing
 * with the caller's objects (a later mutation by the caller cannot change what
 * is stored). Every check runs before anything touches the store.
 *
 * @throws {TypeError} if `input` is not an object.
 * @throws {TallystickError} `ERR_SCHEMA` naming the offending field.
 */
export function buildEnvelope(input: IntentInput, context: EnvelopeContext): IntentEnvelope {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(
      `intent must be an object with type and payload, got ${input === null ? 'null' : typeof input}`,
    );
  }
  let canonical: string;
  try {
    // The rules of core's jsonPayloadSchema (canonical JSON, size cap), applied once: the canonical
    // text is also what the stored copy is parsed from.
    canonical = canonicalJson(input.payload);
  } catch (error) {
    throw new TallystickError('ERR_SCHEMA', `invalid intent: payload ${(error as Error).message}`, {
      cause: error,
    });
  }
  const size = utf8Length(canonical, context.maxPayloadBytes);
  if (size > context.maxPayloadBytes) {
    throw new TallystickError(
      'ERR_SCHEMA',
      `invalid intent: payload is ${size} bytes of canonical JSON, more than the ${context.maxPayloadBytes} allowed`,
    );
  }
  const draft: Record<string, unknown> = {
    id: newIntentId(),
    type: input.type,
    device: context.device,
    hlc: PLACEHOLDER_HLC,
    createdAt: Math.floor(context.clock.now()),
    payload: null,
  };
  if (input.partitionKey !== undefined) draft.partitionKey = input.partitionKey;
  // Every other field through core's envelope schema, with a placeholder stamp so that a rejected
  // intent does not advance the clock.
  const checked = intentEnvelopeSchema.safeParse(draft);
  if (!checked.success) {
    const issues = checked.error.issues
      .map((i) => `${i.path.join('.') || 'intent'}: ${i.message}`)
      .join('; ');
    throw new TallystickError('ERR_SCHEMA', `invalid intent: ${issues}`, { cause: checked.error });
  }
  draft.payload = JSON.parse(canonical) as JsonValue;
  draft.hlc = encodeHlc(context.hlc.now());
  return Object.freeze(draft) as unknown as IntentEnvelope;
}

const PLACEHOLDER_HLC = '0000000000000000-x';

/** The UTF-8 length of `text` when it exceeds `cap`; otherwise some number ≤ `cap`, found without counting if possible. */
export function utf8Length(text: string, cap: number): number {
  // Three bytes per UTF-16 unit is the worst case, so short text needs no count.
  if (text.length * 3 <= cap) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= cap; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
