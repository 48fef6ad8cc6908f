import type { Intent } from '../intents.js';

/**
 * A 53-bit hash of an intent's content. It only tells a replay from an id
 * reused for different content, which is a device bug, not an attack: the id,
 * not the hash, keeps an intent from applying twice. Not cryptographic.
 *
 * It walks the parsed intent directly instead of hashing serialized text:
 * zod builds parsed objects in schema order, so equal content always walks in
 * the same order, and skipping the intermediate string halves the cost of the
 * engine's hottest per-intent step. Every value is tagged with its kind and
 * strings with their length, so different contents cannot walk alike.
 *
 * The walk recurses, but only over what validation built: payloads are fixed
 * shapes at most two objects deep (a sale's `unitPrice`), so client input can
 * never make it deep. Raw input is never walked recursively anywhere in the
 * engine: zod checks it against those fixed shapes and stops at the first
 * mismatch (test/ingest.test.ts feeds it 100,000-deep nesting).
 */
export function fingerprintOf(intent: Intent): string {
  a = 0xdeadbeef;
  b = 0x41c6ce57;
  walk(intent.type);
  walk(intent.device);
  walk(intent.hlc);
  walk(intent.createdAt);
  walk(intent.partitionKey ?? null);
  walk(intent.payload);
  const h1 = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  const h2 = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // The same 14 digits as (2^32 * (h2 & 0x1fffff) + h1).toString(16): a double's radix
  // conversion costs several times the whole walk.
  let out = '';
  for (let shift = 20; shift >= 0; shift -= 4) out += HEX[((h2 & 2097151) >>> shift) & 15];
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(h1 >>> shift) & 15];
  return out;
}

const HEX = '0123456789abcdef';

// The two lanes live in module scope: the walk is synchronous, so calls never interleave.
let a = 0;
let b = 0;

function mix(word: number): void {
  a = Math.imul(a ^ word, 2654435761);
  b = Math.imul(b ^ word, 1597334677);
}

function text(value: string): void {
  mix(value.length);
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    a = Math.imul(a ^ ch, 2654435761);
    b = Math.imul(b ^ ch, 1597334677);
  }
}

function walk(value: unknown): void {
  switch (typeof value) {
    case 'string':
      mix(1);
      text(value);
      return;
    case 'number':
      mix(2);
      // Safe integers (all the schemas allow) split exactly into two 32-bit words.
      mix(value >>> 0);
      mix(Math.floor(value / 4294967296) | 0);
      return;
    case 'boolean':
      mix(value ? 3 : 4);
      return;
    case 'object':
      if (value === null) {
        mix(5);
      } else if (Array.isArray(value)) {
        mix(6);
        mix(value.length);
        for (const item of value) walk(item);
      } else {
        mix(7);
        for (const key in value) {
          const member = (value as Record<string, unknown>)[key];
          if (member === undefined) continue;
          text(key);
          walk(member);
        }
        mix(8);
      }
      return;
    default:
      mix(9);
  }
}
