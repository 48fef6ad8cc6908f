/**
 * Holder presentations, v1: 101 bytes.
 *
 *   0  version u8 = 1
 *   1  device public key (32)
 *   33 time u32 BE, seconds
 *   37 Ed25519 signature (64) over
 *      "tallystick/presentation/v1" || token id (16) || time u32 BE || challenge length u8 || challenge
 *
 * The token names the device by a 16-byte hash of its key, so the key itself
 * rides in the presentation. Fixed size keeps TP1: text splittable without a
 * separator, which base45 lacks.
 */
import { sha512 } from '../crypto/sha512.js';
import { DOMAIN, LIMITS } from '../format.js';
import { ascii, PRESENTATION_VERSION, readU32, SIZE, writeU32 } from './layout.js';

const PRESENTATION_DOMAIN = ascii(DOMAIN.presentation);
const HOLDER_DOMAIN = ascii(DOMAIN.holder);
const EMPTY = new Uint8Array(0);

export const PRESENTATION_AT = { publicKey: 1, time: 33, signature: 37 } as const;

/**
 * SHA-512("tallystick/holder/v1" || public key), first 16 bytes. SHA-512 rather
 * than SHA-256 because Ed25519 verification needs SHA-512 anyway: one hash
 * function keeps the verify-only bundle under its 10 KB budget.
 */
export function holderHash(publicKey: Uint8Array): Uint8Array {
  const input = new Uint8Array(HOLDER_DOMAIN.length + publicKey.length);
  input.set(HOLDER_DOMAIN, 0);
  input.set(publicKey, HOLDER_DOMAIN.length);
  const digest = new Uint8Array(64);
  sha512(input, input.length, digest);
  return digest.subarray(0, SIZE.holder);
}

/** True when the hash of `publicKey` equals the 16 bytes at `buf[at..]`. */
export function holderMatches(publicKey: Uint8Array, buf: Uint8Array, at: number): boolean {
  const hash = holderHash(publicKey);
  let diff = 0;
  for (let i = 0; i < SIZE.holder; i++) diff |= hash[i]! ^ buf[at + i]!;
  return diff === 0;
}

/** The message a device signs. `tokenId` is read from `buf` at `idAt`. */
export function presentationMessage(
  buf: Uint8Array,
  idAt: number,
  timeSeconds: number,
  challenge: Uint8Array | undefined,
): Uint8Array {
  const c = challenge ?? EMPTY;
  const d = PRESENTATION_DOMAIN.length;
  const message = new Uint8Array(d + SIZE.tokenId + 4 + 1 + c.length);
  message.set(PRESENTATION_DOMAIN, 0);
  message.set(buf.subarray(idAt, idAt + SIZE.tokenId), d);
  writeU32(message, d + SIZE.tokenId, timeSeconds);
  message[d + SIZE.tokenId + 4] = c.length;
  message.set(c, d + SIZE.tokenId + 5);
  return message;
}

/** Assembles a presentation from its parts; the signature is made by the caller. */
export function assemblePresentation(
  publicKey: Uint8Array,
  timeSeconds: number,
  signature: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(SIZE.presentation);
  out[0] = PRESENTATION_VERSION;
  out.set(publicKey, PRESENTATION_AT.publicKey);
  writeU32(out, PRESENTATION_AT.time, timeSeconds);
  out.set(signature, PRESENTATION_AT.signature);
  return out;
}

export function presentationTime(presentation: Uint8Array): number {
  return readU32(presentation, PRESENTATION_AT.time);
}

export function isChallenge(value: unknown): value is Uint8Array | undefined {
  return value === undefined || (value instanceof Uint8Array && value.length <= LIMITS.maxChallengeBytes);
}
