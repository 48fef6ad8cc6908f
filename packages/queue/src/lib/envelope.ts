import {
  canonicalJson,
  type Clock,
  encodeHlc,
  type Hlc,
  type IntentEnvelope,
  intentEnvelopeSchema,
  type JsonValue,
  newIntentId,
  TallystickError,
} from '@tallystick/core';
import type { IntentInput } from '../types.js';

export interface EnvelopeContext {
  device: string;
  hlc: Hlc;
  clock: Clock;
  maxPayloadBytes: number;
}

const encoder = new TextEncoder();

/**
 * Turns an {@link IntentInput} into a validated, frozen envelope that shares
 * nothing with the caller's objects (a later mutation by the caller cannot
 * change what is stored). Every check runs before anything touches the store.
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
    canonical = canonicalJson(input.payload);
  } catch (error) {
    throw new TallystickError('ERR_SCHEMA', `invalid intent: payload ${(error as Error).message}`, {
      cause: error,
    });
  }
  const size = encoder.encode(canonical).length;
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
    hlc: '',
    createdAt: Math.floor(context.clock.now()),
    payload: JSON.parse(canonical) as JsonValue,
  };
  if (input.partitionKey !== undefined) draft.partitionKey = input.partitionKey;
  // Validate with a placeholder stamp first, so a rejected intent does not advance the clock.
  const checked = intentEnvelopeSchema.safeParse({ ...draft, hlc: '0000000000000000-x' });
  if (!checked.success) {
    const issues = checked.error.issues
      .map((i) => `${i.path.join('.') || 'intent'}: ${i.message}`)
      .join('; ');
    throw new TallystickError('ERR_SCHEMA', `invalid intent: ${issues}`, { cause: checked.error });
  }
  draft.hlc = encodeHlc(context.hlc.now());
  return deepFreeze(draft) as unknown as IntentEnvelope;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
