/** Byte layout of v1 tokens and presentations: the offsets a parser needs. */

/** Sizes of the fixed parts, in bytes. */
export const SIZE = {
  kid: 4,
  tokenId: 16,
  holder: 16,
  signature: 64,
  publicKey: 32,
  /** version (1) + device public key (32) + time (4) + signature (64). */
  presentation: 101,
} as const;

/** Flag bits of byte 1 of a v1 token. Bits 5 and 6 are reserved and must be 0. */
export const FLAG = {
  notBefore: 0x01,
  amount: 0x02,
  audience: 0x04,
  holder: 0x08,
  data: 0x10,
  reserved: 0x60,
  extensions: 0x80,
} as const;

/** Offsets of the fixed header: version, flags, kid, token id, issued-at. */
export const AT = {
  version: 0,
  flags: 1,
  kid: 2,
  tokenId: 6,
  issuedAt: 22,
  /** The lifetime varint starts here; everything after is variable. */
  lifetime: 26,
} as const;

export const PRESENTATION_VERSION = 1;

const encoder = new TextEncoder();

/** UTF-8 bytes of an ASCII context string, computed once per module. */
export function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Reads a big-endian u32 without a DataView (no allocation on the hot path). */
export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!);
}

export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 255;
  bytes[at + 2] = (value >>> 8) & 255;
  bytes[at + 3] = value & 255;
}
