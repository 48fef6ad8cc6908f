import type { IntentEnvelope } from '@tallystick/core';

/**
 * The JSON text `enqueue` wrote for an envelope it built, kept on the envelope
 * under a private, non-enumerable symbol, so a store writes that text instead
 * of serializing the envelope a second time. Neither JSON, structured clone,
 * spreading nor `Object.keys` sees it. (A WeakMap keyed by envelope measured
 * 4 µs per enqueue here: V8 processes its ephemerons on every scavenge.) Kept
 * apart from the envelope builder so that stores do not import the schema
 * library through it.
 */
const TEXT = Symbol('tallystick.envelopeJson');

/** Records `text` as the JSON of `envelope` (before it is frozen); `text` must parse back to an equal envelope. */
export function rememberEnvelopeJson(envelope: IntentEnvelope, text: string): void {
  Object.defineProperty(envelope, TEXT, { value: text });
}

/**
 * The JSON text of `intent`: the text `enqueue` already wrote for it, or
 * `JSON.stringify` for an envelope from elsewhere. Either parses back to an
 * equal envelope.
 */
export function envelopeJson(intent: IntentEnvelope): string {
  return (intent as { [TEXT]?: string })[TEXT] ?? JSON.stringify(intent);
}
