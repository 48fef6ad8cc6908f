import type { IntentEnvelope } from '@tallystick/core';

/**
 * Integrity of what a store keeps at rest. Every durable store keeps, next to
 * the exact envelope text it stores, the CRC-32 of that text; reading an
 * intent back for delivery recomputes it. CRC-32 catches every burst of up to
 * 32 flipped bits and any single changed character (one digit of an amount),
 * which is the damage it is here for: disks, copies, hand edits. It is no
 * defence against someone who can rewrite the row and its checksum together.
 *
 * Plain JavaScript (the IndexedDB store runs in browsers, without node:zlib);
 * the value equals zlib's `crc32` of the text's UTF-8 bytes, lone surrogates
 * encoded as U+FFFD the way TextEncoder and the SQL drivers store them.
 */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE) of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function textChecksum(text: string): number {
  let crc = -1;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      crc = TABLE[(crc ^ c) & 0xff]! ^ (crc >>> 8);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    const bytes =
      c < 0x800
        ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
        : c < 0x10000
          ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
          : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const b of bytes) crc = TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
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
