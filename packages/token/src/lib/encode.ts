/**
 * The v1 encoder: the exact inverse of the parser. It validates every field
 * against the same rules the parser enforces, so it can only produce bytes
 * the parser accepts, and throws (it runs at issuance, never on the hot path).
 */
import { tryDecodeHex, varintLength, writeVarint } from '@tallystick/core';
import { LIMITS, TOKEN_VERSION } from '../format.js';
import type { Token } from '../token.js';
import { packCurrency } from './currency.js';
import { AT, FLAG, SIZE, writeU32 } from './layout.js';

/** The signed fields of a token: a {@link Token} without its bytes and version. */
export type TokenFields = Omit<Token, 'version' | 'bytes'>;

/** Encodes the body (everything the signature covers, without the domain string). */
export function encodeBody(fields: TokenFields): Uint8Array {
  const kid = hexOf(fields.kid, SIZE.kid, 'kid');
  const id = hexOf(fields.id, SIZE.tokenId, 'id');
  const iat = seconds(fields.issuedAt, 'issuedAt');
  if (iat < LIMITS.minIssuedAtSeconds || iat > LIMITS.maxExpirySeconds) {
    throw new RangeError(`issuedAt must be from 2020-01-01 to 2106-02-07, got ${fields.issuedAt}`);
  }
  const lifetime = seconds(fields.expiresAt, 'expiresAt') - iat;
  if (lifetime < 1 || lifetime > LIMITS.maxLifetimeSeconds || iat + lifetime > LIMITS.maxExpirySeconds) {
    throw new RangeError(`expiresAt must be 1 s to 400 days after issuedAt, got ${lifetime} s`);
  }
  let flags = 0;
  let size = AT.lifetime + varintLength(lifetime);
  let nbfDelta = 0;
  if (fields.notBefore !== undefined) {
    nbfDelta = seconds(fields.notBefore, 'notBefore') - iat;
    if (nbfDelta < 1 || nbfDelta >= lifetime)
      throw new RangeError('notBefore must be after issuedAt and before expiresAt');
    flags |= FLAG.notBefore;
    size += varintLength(nbfDelta);
  }
  let currency = -1;
  if (fields.amount !== undefined) {
    const { amount } = fields.amount;
    currency = typeof fields.amount.currency === 'string' ? packCurrency(fields.amount.currency) : -1;
    if (currency < 0) throw new RangeError('amount.currency must be three letters A-Z');
    if (!Number.isSafeInteger(amount) || amount < 0) {
      throw new RangeError(`amount.amount must be a safe integer >= 0 of minor units, got ${amount}`);
    }
    flags |= FLAG.amount;
    size += 2 + varintLength(amount);
  }
  const audience = fields.audience;
  if (audience !== undefined) {
    if (!isAudience(audience)) throw new RangeError('audience must be 1 to 32 visible ASCII characters');
    flags |= FLAG.audience;
    size += 1 + audience.length;
  }
  const holder = fields.holder === undefined ? undefined : hexOf(fields.holder, SIZE.holder, 'holder');
  if (holder) {
    flags |= FLAG.holder;
    size += SIZE.holder;
  }
  const data = fields.data;
  if (data !== undefined) {
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
    if (data.length < 1 || data.length > LIMITS.maxDataBytes)
      throw new RangeError('data must be 1 to 64 bytes');
    flags |= FLAG.data;
    size += 1 + data.length;
  }
  const extensions = fields.extensions;
  if (extensions.length > 0) {
    if (extensions.length > LIMITS.maxExtensions) throw new RangeError('at most 4 extensions');
    let last = 0;
    for (const { tag, value } of extensions) {
      if (!Number.isInteger(tag) || tag <= last || tag > 255)
        throw new RangeError('extension tags must be 1-255, ascending');
      if (!(value instanceof Uint8Array) || value.length > LIMITS.maxExtensionBytes) {
        throw new RangeError('extension values must be Uint8Arrays of at most 64 bytes');
      }
      last = tag;
      size += 2 + value.length;
    }
    flags |= FLAG.extensions;
    size += 1;
  }
  if (size + SIZE.signature > LIMITS.maxTokenBytes) throw new RangeError('token would exceed 512 bytes');

  const out = new Uint8Array(size);
  out[AT.version] = TOKEN_VERSION;
  out[AT.flags] = flags;
  out.set(kid, AT.kid);
  out.set(id, AT.tokenId);
  writeU32(out, AT.issuedAt, iat);
  let pos = writeVarint(out, AT.lifetime, lifetime);
  if (flags & FLAG.notBefore) pos = writeVarint(out, pos, nbfDelta);
  if (fields.amount !== undefined) {
    out[pos++] = currency >> 8;
    out[pos++] = currency & 255;
    pos = writeVarint(out, pos, fields.amount.amount);
  }
  if (audience !== undefined) {
    out[pos++] = audience.length;
    for (let i = 0; i < audience.length; i++) out[pos++] = audience.charCodeAt(i);
  }
  if (holder) {
    out.set(holder, pos);
    pos += SIZE.holder;
  }
  if (data !== undefined) {
    out[pos++] = data.length;
    out.set(data, pos);
    pos += data.length;
  }
  if (extensions.length > 0) {
    out[pos++] = extensions.length;
    for (const { tag, value } of extensions) {
      out[pos++] = tag;
      out[pos++] = value.length;
      out.set(value, pos);
      pos += value.length;
    }
  }
  return out;
}

/** True for 1 to 32 characters of visible ASCII, the audience alphabet. */
export function isAudience(value: unknown): value is string {
  if (typeof value !== 'string' || value.length < 1 || value.length > LIMITS.maxAudienceBytes) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Decodes lower-case hex of an exact byte length, the one text form of kids, ids and holder hashes. */
export function hexOf(value: unknown, bytes: number, name: string): Uint8Array {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a hex string`);
  const decoded =
    value.length === bytes * 2 && value === value.toLowerCase() ? tryDecodeHex(value) : undefined;
  if (!decoded) throw new RangeError(`${name} must be ${bytes * 2} lower-case hex digits`);
  return decoded;
}

function seconds(ms: unknown, name: string): number {
  if (typeof ms !== 'number') throw new TypeError(`${name} must be a number of epoch milliseconds`);
  if (!Number.isSafeInteger(ms) || ms % 1000 !== 0)
    throw new RangeError(`${name} must be whole seconds in epoch ms`);
  return ms / 1000;
}
