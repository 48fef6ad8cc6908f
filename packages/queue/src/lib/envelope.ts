import {
  type Clock,
  canonicalJson,
  encodeHlc,
  type Hlc,
  type IntentEnvelope,
  newIntentId,
  TallystickError,
} from '@tallystick/core';
import { intentEnvelopeSchema } from '@tallystick/core/schemas';
import type { IntentInput } from '../types.js';
import { rememberEnvelopeJson } from './envelope-json.js';

export interface EnvelopeContext {
  device: string;
  hlc: Hlc;
  clock: Clock;
  maxPayloadBytes: number;
  /** A caller-chosen id (checked by the caller); a fresh UUIDv7 otherwise. */
  id?: string | undefined;
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
  const { type, partitionKey } = input;
  const createdAt = Math.floor(context.clock.now());
  // The caller's fields are checked by hand on the way in; only a refusal asks zod, for its message
  // (a property test holds the hand check to accepting nothing zod refuses). id, device and hlc are
  // ours: device was checked when the queue was made, and the stamp comes after every check, so a
  // rejected intent never advances the clock.
  const checked = callerFieldsValid(type, partitionKey, createdAt);
  if (!checked) rejectFields(type, partitionKey, createdAt, context.device);
  const id = context.id ?? newIntentId();
  const hlc = encodeHlc(context.hlc.now());
  const envelope: IntentEnvelope = {
    id,
    type,
    device: context.device,
    hlc,
    createdAt,
    payload: JSON.parse(canonical) as unknown,
  };
  if (partitionKey !== undefined) envelope.partitionKey = partitionKey;
  // The canonical text is spliced in as it is, so the stores never serialize the envelope again. Only
  // hand-checked fields are known to need no escaping (the device was checked the same way).
  if (checked) {
    const key = partitionKey === undefined ? '' : `,"partitionKey":${JSON.stringify(partitionKey)}`;
    rememberEnvelopeJson(
      envelope,
      `{"id":"${id}","type":"${type}","device":"${context.device}","hlc":"${hlc}","createdAt":${createdAt},"payload":${canonical}${key}}`,
    );
  }
  Object.freeze(envelope);
  return envelope;
}

const TYPE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

/** A subset of what core's envelope schema accepts for these fields (the schema decides every refusal). */
export function callerFieldsValid(type: unknown, partitionKey: unknown, createdAt: number): boolean {
  return (
    typeof type === 'string' &&
    TYPE_PATTERN.test(type) &&
    (partitionKey === undefined ||
      (typeof partitionKey === 'string' && partitionKey.length >= 1 && partitionKey.length <= 128)) &&
    Number.isSafeInteger(createdAt) &&
    createdAt >= 0
  );
}

/** Runs core's envelope schema over fields the hand check refused; throws its issues as `ERR_SCHEMA`. */
function rejectFields(type: unknown, partitionKey: unknown, createdAt: number, device: string): void {
  const draft: Record<string, unknown> = {
    id: PLACEHOLDER_ID,
    type,
    device,
    hlc: PLACEHOLDER_HLC,
    createdAt,
    payload: null,
  };
  if (partitionKey !== undefined) draft.partitionKey = partitionKey;
  const checked = intentEnvelopeSchema.safeParse(draft);
  if (checked.success) return;
  const issues = checked.error.issues.map((i) => `${i.path.join('.') || 'intent'}: ${i.message}`).join('; ');
  throw new TallystickError('ERR_SCHEMA', `invalid intent: ${issues}`, { cause: checked.error });
}

const PLACEHOLDER_ID = '00000000-0000-7000-8000-000000000000';
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
