import { canonicalJson, type IntentEnvelope, isIntentId, TallystickError } from '@tallystick/core';
import type { EnqueueOptions } from './queue-api.js';

/**
 * The caller-chosen id of `enqueue(input, { id })`, checked before anything is stamped or stored.
 * @throws {TypeError} if the options or the id have the wrong type.
 * @throws {TallystickError} `ERR_SCHEMA` if the id is not a lower-case UUIDv7.
 */
export function chosenId(options: EnqueueOptions | undefined): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw new TypeError('enqueue options must be an object');
  const { id } = options;
  if (id === undefined) return undefined;
  if (typeof id !== 'string') throw new TypeError(`options.id must be a string, got ${typeof id}`);
  if (!isIntentId(id)) {
    throw new TallystickError(
      'ERR_SCHEMA',
      `invalid intent: id must be a lower-case UUIDv7, got ${JSON.stringify(id)}`,
    );
  }
  return id;
}

/**
 * The held envelope when it is the intent the caller meant; a different one under the same id is refused
 * (`ERR_IDEMPOTENCY`): compared by type, partition key and canonical payload.
 */
export function sameIntent(held: IntentEnvelope, wanted: IntentEnvelope): IntentEnvelope {
  if (
    held.type !== wanted.type ||
    held.partitionKey !== wanted.partitionKey ||
    canonicalJson(held.payload) !== canonicalJson(wanted.payload)
  ) {
    throw new TallystickError(
      'ERR_IDEMPOTENCY',
      `intent ${wanted.id} is already queued with a different type, partition key or payload; nothing was stored`,
    );
  }
  return held;
}
