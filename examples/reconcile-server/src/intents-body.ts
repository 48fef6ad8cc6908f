/**
 * The body `POST /intents` accepts, in exactly two shapes:
 *
 * - a batch: `{ "intents": [envelope, ...] }` (what the PWA outbox sends);
 * - one envelope: `{ "id": ..., "type": ..., ... }` (what the queue's
 *   `createHttpSender` sends, one intent per request).
 *
 * An object with an `intents` member is a batch, one with `id` and `type`
 * an envelope. Any other object, a bare array, a scalar, an `intents` that is not an array, an
 * empty or oversized batch, and a batch holding anything but objects (`null`,
 * numbers, arrays) can never succeed, so the whole request is refused with
 * 400 before anything is applied: half a batch is never applied on behalf of
 * a client whose batch is malformed. Each object is then the reconciler's to
 * judge, one outcome per intent.
 */
import type { JsonValue } from '@tallystick/core';
import { problem, type Reply } from './http.js';

/** What the body holds: the envelopes to apply (objects, unchecked beyond that), or the 400 to answer. */
export type IntentsBody =
  | { readonly ok: true; readonly intents: readonly object[]; readonly single: boolean }
  | { readonly ok: false; readonly reply: Reply };

const SHAPES = 'Send {"intents": [envelope, ...]} or one envelope object.';

/** Reads a parsed `POST /intents` body into envelopes; see the module comment for the shapes. */
export function readIntentsBody(body: JsonValue | undefined, maxBatch: number): IntentsBody {
  if (body === null || typeof body !== 'object') {
    return invalid('The body is not a batch of intents', `The body is ${describe(body)}. ${SHAPES}`);
  }
  if (Array.isArray(body)) {
    return invalid('The body is not a batch of intents', `A bare array is not accepted. ${SHAPES}`);
  }
  if (!Object.hasOwn(body, 'intents')) {
    if (Object.hasOwn(body, 'id') && Object.hasOwn(body, 'type'))
      return { ok: true, intents: [body], single: true };
    return invalid(
      'The body is not a batch of intents',
      `The object has neither "intents" nor "id" and "type". ${SHAPES}`,
    );
  }
  const intents = body.intents;
  if (!Array.isArray(intents)) {
    return invalid('The body is not a batch of intents', `"intents" is ${describe(intents)}, not an array.`);
  }
  if (intents.length === 0) return invalid('The batch is empty', 'Send at least one intent.');
  if (intents.length > maxBatch) {
    const detail = `Send at most ${maxBatch} intents per request; this one had ${intents.length}.`;
    return invalid('The batch is too large', detail);
  }
  const notObjects: number[] = [];
  intents.forEach((intent, index) => {
    if (intent === null || typeof intent !== 'object' || Array.isArray(intent)) notObjects.push(index);
  });
  if (notObjects.length > 0) {
    const shown = notObjects.slice(0, 10).map((i) => `#${i} is ${describe(intents[i])}`);
    return invalid(
      'The batch holds entries that are not intents',
      `Every entry must be an envelope object; ${shown.join(', ')}${notObjects.length > 10 ? ', ...' : ''}. Nothing was applied.`,
      { indices: notObjects.slice(0, 100) },
    );
  }
  return { ok: true, intents: intents as object[], single: false };
}

function invalid(title: string, detail: string, extra: Record<string, unknown> = {}): IntentsBody {
  return { ok: false, reply: problem(400, 'invalid-batch', title, detail, extra) };
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'empty';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
