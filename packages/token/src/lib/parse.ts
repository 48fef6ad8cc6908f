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
    ? fail('unsupported_version', `version ${version} not supported`)
    : fail('malformed', `version byte ${version}`);
}

/** Parses the token occupying `buf[start..]` exactly; the signature is its last 64 bytes. */
export function parseToken(buf: Uint8Array, start: number): ParsedToken | VerifyFailure {
  const length = buf.length - start;
  if (length < 1) return fail('malformed', 'empty token');
  const version = buf[start]!;
  if (version !== TOKEN_VERSION) return versionFailure(version);
  if (length < MIN_TOKEN || length > LIMITS.maxTokenBytes)
    return fail('malformed', `length ${length} out of range`);
  const flags = buf[start + AT.flags]!;
  if ((flags & FLAG.reserved) !== 0) return fail('malformed', 'reserved flag set');
  const bodyEnd = buf.length - SIZE.signature;
  const iat = readU32(buf, start + AT.issuedAt);
  const life = tryDecodeVarint(buf, start + AT.lifetime);
  if (
    !life.ok ||
    iat < LIMITS.minIssuedAtSeconds ||
    life.value < 1 ||
    life.value > LIMITS.maxLifetimeSeconds ||
    iat + life.value > LIMITS.maxExpirySeconds
  )
    return fail('malformed', 'bad issued-at or lifetime');
  const lifetime = life.value;
  let pos = life.next;

  let notBefore: number | undefined;
  if ((flags & FLAG.notBefore) !== 0) {
    const d = tryDecodeVarint(buf, pos);
    // nbf <= iat means the same as no nbf, and nbf >= exp a token never valid: both non-canonical.
    if (!d.ok || d.value < 1 || d.value >= lifetime) return fail('malformed', 'not-before out of range');
    notBefore = (iat + d.value) * 1000;
    pos = d.next;
  }

  let amount: Token['amount'];
  if ((flags & FLAG.amount) !== 0) {
    // A field running past bodyEnd reads signature bytes (or, past the end, undefined,
    // which shifts to 0); the check that the fields end at bodyEnd refuses it below.
    const currency = unpackCurrency((buf[pos]! << 8) | buf[pos + 1]!);
    const units = tryDecodeVarint(buf, pos + 2);
    if (currency === undefined || !units.ok) return fail('malformed', 'bad amount');
    amount = { amount: units.value, currency };
    pos = units.next;
  }

  let audience: string | undefined;
  if ((flags & FLAG.audience) !== 0) {
    const n = pos < bodyEnd ? buf[pos]! : 0;
    if (n < 1 || n > LIMITS.maxAudienceBytes || pos + 1 + n > bodyEnd)
      return fail('malformed', 'bad audience');
    audience = '';
    for (let i = pos + 1; i <= pos + n; i++) {
      const c = buf[i]!;
      if (c < 0x21 || c > 0x7e) return fail('malformed', 'bad audience');
      audience += String.fromCharCode(c);
    }
    pos += 1 + n;
  }

  let holder: string | undefined;
  let holderAt = -1;
  if ((flags & FLAG.holder) !== 0) {
    holderAt = pos;
    holder = encodeHex(buf.subarray(pos, pos + SIZE.holder));
    pos += SIZE.holder;
  }

  let data: Uint8Array | undefined;
  if ((flags & FLAG.data) !== 0) {
    const n = pos < bodyEnd ? buf[pos]! : 0;
    if (n < 1 || n > LIMITS.maxDataBytes) return fail('malformed', 'bad data length');
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

  if (pos !== bodyEnd) return fail('malformed', 'bad field lengths');
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
  if (count < 1 || count > LIMITS.maxExtensions) return fail('malformed', 'bad extension count');
  let pos = at + 1;
  let lastTag = 0;
  const list: TokenExtension[] = [];
  for (let k = 0; k < count; k++) {
    const tag = buf[pos]!;
    const n = buf[pos + 1]!;
    // An odd tag is an unknown mandatory field; tags ascend, so none repeats.
    if (
      pos + 2 > bodyEnd ||
      tag <= lastTag ||
      (tag & 1) === 1 ||
      n > LIMITS.maxExtensionBytes ||
      pos + 2 + n > bodyEnd
    )
      return fail('malformed', `bad extension ${k}`);
    list.push({ tag, value: buf.slice(pos + 2, pos + 2 + n) });
    lastTag = tag;
    pos += 2 + n;
  }
  return { list, next: pos };
}
