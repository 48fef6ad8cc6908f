import type { Intent } from '../intents.js';

/**
 * A 53-bit hash of an intent's content. It
 * only tells a replay from an id reused for different content, which is a
 * device bug, not an attack: the id, not the hash, keeps an intent from
 * applying twice. Not cryptographic, and no async digest API needed.
 *
 * The text hashed is `JSON.stringify` of the parsed intent rather than RFC 8785
 * canonical JSON: zod builds parsed objects in schema order, so equal content
 * always gives equal text, and the native serializer is several times faster on
 * the engine's hottest path.
 */
export function fingerprintOf(intent: Intent): string {
  const text = JSON.stringify([
    intent.type,
    intent.device,
    intent.hlc,
    intent.createdAt,
    intent.partitionKey ?? null,
    intent.payload,
  ]);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
