/**
 * The v1 parser. It is total: every byte string gets a token or a refusal,
 * with no exception and work linear in the input, which is capped before
 * parsing starts. It accepts exactly one encoding per token (see the
 * canonical rules in docs/spec/token-format.md), so a token id and a byte
 * string identify each other.
 */
import { encodeHex, tryDecodeVarint } from '@tallystick/core';
import { LIMITS, TOKEN_VERSION } from '../format.js';
import type { VerifyFailure } from '../result.js';
import type { Token, TokenExtension } from '../token.js';
import { unpackCurrency } from './currency.js';
import { fail } from './fail.js';
import { AT, FLAG, readU32, SIZE } from './layout.js';

/** A parsed token plus the positions the verifier needs, all absolute offsets in the buffer. */
export interface ParsedToken {
  readonly ok: true;
  readonly token: Token;
  /** Key id as a u32, the key-set lookup key (no string built on the hot path). */
  readonly kid: number;
  readonly start: number;
  /** Where the signature starts. */
  readonly bodyEnd: number;
  /** Where the 16-byte holder binding starts; -1 when the token has none. */
  readonly holderAt: number;
}

/** Smallest possible token: fixed header, a one-byte lifetime, the signature. */
const MIN_TOKEN = AT.lifetime + 1 + SIZE.signature;
const NO_EXTENSIONS: readonly TokenExtension[] = Object.freeze([]);

/** Versions 2..15 are reserved for future formats: refusing them is "too new", not "garbage". */
export function versionFailure(version: number): VerifyFailure {
  return version >= 2 && version <= 15
    ? fail('unsupported_version', `token version ${version} is not supported (this verifier reads v1)`)
    : fail('malformed', `not a token: version byte ${version}`);
}

/** Parses the token occupying `buf[start..]` exactly; the signature is its last 64 bytes. */
export function parseToken(buf: Uint8Array, start: number): ParsedToken | VerifyFailure {
  const length = buf.length - start;
  if (length < 1) return fail('malformed', 'empty token');
  const version = buf[start]!;
  if (version !== TOKEN_VERSION) return versionFailure(version);
  if (length < MIN_TOKEN) return fail('malformed', `token truncated: ${length} bytes`);
  if (length > LIMITS.maxTokenBytes)
    return fail('malformed', `token longer than ${LIMITS.maxTokenBytes} bytes`);
  const flags = buf[start + AT.flags]!;
  if ((flags & FLAG.reserved) !== 0)
    return fail('malformed', 'unknown mandatory field: reserved flag bit set');
  const bodyEnd = buf.length - SIZE.signature;
  const iat = readU32(buf, start + AT.issuedAt);
  if (iat < LIMITS.minIssuedAtSeconds) return fail('malformed', 'issued-at out of range');
  const life = tryDecodeVarint(buf, start + AT.lifetime);
  if (!life.ok) return fail('malformed', `lifetime varint ${life.code}`);
  const lifetime = life.value;
  if (lifetime < 1 || lifetime > LIMITS.maxLifetimeSeconds) return fail('malformed', 'lifetime out of range');
  if (iat + lifetime > LIMITS.maxExpirySeconds) return fail('malformed', 'expiry out of range');
  let pos = life.next;

  let notBefore: number | undefined;
  if ((flags & FLAG.notBefore) !== 0) {
    const d = tryDecodeVarint(buf, pos);
    if (!d.ok) return fail('malformed', `not-before varint ${d.code}`);
    // nbf <= iat means the same as no nbf, and nbf >= exp a token never valid: both non-canonical.
    if (d.value < 1 || d.value >= lifetime) return fail('malformed', 'not-before out of range');
    notBefore = (iat + d.value) * 1000;
    pos = d.next;
  }

  let amount: Token['amount'];
  if ((flags & FLAG.amount) !== 0) {
    if (pos + 2 > bodyEnd) return fail('malformed', 'token truncated in amount');
    const currency = unpackCurrency((buf[pos]! << 8) | buf[pos + 1]!);
    if (currency === undefined) return fail('malformed', 'currency is not three letters A-Z');
    const units = tryDecodeVarint(buf, pos + 2);
    if (!units.ok) return fail('malformed', `amount varint ${units.code}`);
    amount = { amount: units.value, currency };
    pos = units.next;
  }

  let audience: string | undefined;
  if ((flags & FLAG.audience) !== 0) {
    const n = pos < bodyEnd ? buf[pos]! : 0;
    if (n < 1 || n > LIMITS.maxAudienceBytes) return fail('malformed', 'audience length out of range');
    if (pos + 1 + n > bodyEnd) return fail('malformed', 'token truncated in audience');
    audience = '';
    for (let i = pos + 1; i <= pos + n; i++) {
      const c = buf[i]!;
      if (c < 0x21 || c > 0x7e) return fail('malformed', 'audience is not visible ASCII');
      audience += String.fromCharCode(c);
    }
    pos += 1 + n;
  }

  let holder: string | undefined;
  let holderAt = -1;
  if ((flags & FLAG.holder) !== 0) {
    if (pos + SIZE.holder > bodyEnd) return fail('malformed', 'token truncated in holder binding');
    holderAt = pos;
    holder = encodeHex(buf.subarray(pos, pos + SIZE.holder));
    pos += SIZE.holder;
  }

  let data: Uint8Array | undefined;
  if ((flags & FLAG.data) !== 0) {
    const n = pos < bodyEnd ? buf[pos]! : 0;
    if (n < 1 || n > LIMITS.maxDataBytes) return fail('malformed', 'data length out of range');
    if (pos + 1 + n > bodyEnd) return fail('malformed', 'token truncated in data');
    data = buf.slice(pos + 1, pos + 1 + n);
    pos += 1 + n;
  }

  let extensions = NO_EXTENSIONS;
  if ((flags & FLAG.extensions) !== 0) {
    const parsed = parseExtensions(buf, pos, bodyEnd);
    if ('code' in parsed) return parsed;
    extensions = parsed.list;
    pos = parsed.next;
  }

  if (pos > bodyEnd) return fail('malformed', 'token truncated');
  if (pos < bodyEnd) return fail('malformed', `${bodyEnd - pos} trailing bytes after the fields`);
  const token: Token = {
    version: 1,
    kid: encodeHex(buf.subarray(start + AT.kid, start + AT.tokenId)),
    id: encodeHex(buf.subarray(start + AT.tokenId, start + AT.issuedAt)),
    issuedAt: iat * 1000,
    expiresAt: (iat + lifetime) * 1000,
    notBefore,
    amount,
    audience,
    holder,
    data,
    extensions,
    bytes: buf.subarray(start),
  };
  return { ok: true, token, kid: readU32(buf, start + AT.kid), start, bodyEnd, holderAt };
}

interface Extensions {
  list: TokenExtension[];
  next: number;
}

function parseExtensions(buf: Uint8Array, at: number, bodyEnd: number): Extensions | VerifyFailure {
  const count = at < bodyEnd ? buf[at]! : 0;
  if (count < 1 || count > LIMITS.maxExtensions) return fail('malformed', 'extension count out of range');
  let pos = at + 1;
  let lastTag = 0;
  const list: TokenExtension[] = [];
  for (let k = 0; k < count; k++) {
    if (pos + 2 > bodyEnd) return fail('malformed', 'token truncated in extensions');
    const tag = buf[pos]!;
    const n = buf[pos + 1]!;
    if (tag <= lastTag) return fail('malformed', 'extension tags must be 1-255 in ascending order');
    if ((tag & 1) === 1) return fail('malformed', `unknown mandatory field: extension tag ${tag}`);
    if (n > LIMITS.maxExtensionBytes) return fail('malformed', 'extension longer than 64 bytes');
    if (pos + 2 + n > bodyEnd) return fail('malformed', 'token truncated in extensions');
    list.push({ tag, value: buf.slice(pos + 2, pos + 2 + n) });
    lastTag = tag;
    pos += 2 + n;
  }
  return { list, next: pos };
}
