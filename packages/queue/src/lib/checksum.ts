import { type IntentEnvelope, TallystickError } from '@tallystick/core';

/**
 * Integrity of what a store keeps at rest. Every durable store keeps, next to
 * the exact envelope text it stores, a 32-bit FNV-1a hash of that text;
 * reading an intent back for delivery recomputes it. Each step of FNV-1a
 * (xor a UTF-16 unit in, multiply by an odd prime mod 2^32) is a bijection of
 * the state, so any single changed character (one digit of an amount) always
 * changes the hash; other damage goes unnoticed with odds of 1 in 2^32. That
 * is the damage it is here for: disks, copies, hand edits. It is no defence
 * against someone who can rewrite the row and its hash together.
 *
 * A few lines of plain JavaScript: the IndexedDB store runs in browsers
 * (no node:zlib there) under a tight size budget.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `text`, as an unsigned integer. */
export function textChecksum(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * What `appendIfAbsent` throws when the intent held under the id fails its integrity check: handing back
 * the altered envelope would pass damaged data off as what the caller stored. Nothing is stored.
 */
export function corruptHeldError(id: string): TallystickError {
  return new TallystickError(
    'ERR_STORE',
    `intent ${id} is held but failed its integrity check (altered at rest; listed as dead, reason corrupt); nothing was stored`,
  );
}

/** The dead-letter reason text of an intent whose stored envelope no longer matches its checksum. */
export const CORRUPT_ERROR =
  'stored envelope failed its integrity check (altered at rest: checksum mismatch); not delivered';

/**
 * Parses a stored envelope after checking it: the text against `checksum`,
 * and the envelope against the columns the store keeps beside it (`expect`),
 * which order delivery. Returns the envelope, or undefined when anything
 * disagrees. A `checksum` of null marks a legacy row, written before stores
 * kept one: it is read unchecked.
 */
export function readChecked(
  text: string,
  checksum: number | string | null | undefined,
  expect?: { id: string; partitionKey: string | undefined; createdAt: number },
): IntentEnvelope | undefined {
  if (checksum !== null && checksum !== undefined && textChecksum(text) !== Number(checksum))
    return undefined;
  let intent: IntentEnvelope;
  try {
    intent = JSON.parse(text) as IntentEnvelope;
  } catch {
    return undefined;
  }
  if (typeof intent !== 'object' || intent === null) return undefined;
  if (
    expect &&
    (intent.id !== expect.id ||
      intent.partitionKey !== expect.partitionKey ||
      intent.createdAt !== expect.createdAt)
  ) {
    return undefined;
  }
  return intent;
}
