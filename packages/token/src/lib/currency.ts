/**
 * Currency codes travel as 15 bits: three letters A–Z, five bits each, in a
 * big-endian u16 whose top bit is 0. Two bytes instead of three, and any
 * value with a group above 25 or the top bit set is non-canonical.
 */

/** Packs a three-letter upper-case code; -1 if `code` is not three letters A–Z. */
export function packCurrency(code: string): number {
  if (code.length !== 3) return -1;
  let packed = 0;
  for (let i = 0; i < 3; i++) {
    const letter = code.charCodeAt(i) - 65;
    if (letter < 0 || letter > 25) return -1;
    packed = (packed << 5) | letter;
  }
  return packed;
}

/** Unpacks a u16; undefined if it is not a canonical packing of three letters. */
export function unpackCurrency(packed: number): string | undefined {
  if (packed > 0x7fff) return undefined;
  const a = packed >> 10;
  const b = (packed >> 5) & 31;
  const c = packed & 31;
  if (a > 25 || b > 25 || c > 25) return undefined;
  return String.fromCharCode(65 + a, 65 + b, 65 + c);
}
