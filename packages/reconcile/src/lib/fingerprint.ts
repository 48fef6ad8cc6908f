import { canonicalJson } from '@tallystick/core';
import type { Intent } from '../intents.js';

/**
 * A 106-bit hash of an intent's canonical JSON (two independent 53-bit lanes).
 * It only tells a replay from an id reused for different content, which is a
 * device bug, not an attack: the id, not the hash, is what keeps an intent
 * from applying twice. Not cryptographic, and it needs no async digest API.
 */
export function fingerprintOf(intent: Intent): string {
  const text = canonicalJson({
    type: intent.type,
    device: intent.device,
    hlc: intent.hlc,
    createdAt: intent.createdAt,
    partitionKey: intent.partitionKey ?? null,
    payload: intent.payload,
  });
  return lane(text, 0x9e3779b1) + lane(text, 0x85ebca77);
}

function lane(text: string, seed: number): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}
