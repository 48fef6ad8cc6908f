/**
 * Builds docs/spec/vectors.json from fixed seeds: Ed25519 signatures are
 * deterministic, so the same code always yields the same file. Valid tokens
 * come from the issuer; each rejection case is crafted by hand and, where the
 * point is a canonical-encoding rule, correctly signed, so an implementation
 * that skipped the rule would accept it and fail the vector.
 */
import { encodeBase45, encodeHex, varintLength, writeVarint } from '@tallystick/core';
import { publicKeyFromSecret, sign } from '../src/crypto/index.js';
import {
  createIssuer,
  createPresentation,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_PRESENTATION_WINDOW_MS,
  holderBinding,
  kidFromPublicKey,
  RevocationList,
  type Token,
} from '../src/index.js';
import { TOKEN_DOMAIN } from '../src/lib/input.js';
import { assemblePresentation, holderHash, presentationMessage } from '../src/lib/presentation.js';
import { NOW, seed } from './fixtures.js';
import { keyFileVectors } from './key-file-vectors.js';
import { keyWithTorsion, signWithTorsion } from './support/torsion.js';

const key = (byte: number) => {
  const secretKey = seed(byte);
  const publicKey = publicKeyFromSecret(secretKey);
  return { secretKey, publicKey, kid: kidFromPublicKey(publicKey) };
};
const A = key(0x11); // active
const B = key(0x12); // retired before NOW
const C = key(0x13); // revoked
const D = key(0x14); // not in the key set
const HOLDER = key(0x22);
const STRANGER = key(0x23);
const SKEW = DEFAULT_CLOCK_SKEW_MS;
const clockAt = (ms: number) => ({ now: () => ms });
const idFor = (n: number) => new Uint8Array([0x70, ...new Array(14).fill(0), n]);
const REVOKED_ID = idFor(0xee);

interface Case {
  name: string;
  description: string;
  input?: string;
  inputHex?: string;
  now: number;
  presentation?: string;
  challenge?: string;
  expect: { ok: true; token: Record<string, unknown> } | { ok: false; code: string };
}

export function tokenJson(t: Token): Record<string, unknown> {
  const out: Record<string, unknown> = {
    version: t.version,
    kid: t.kid,
    id: t.id,
    issuedAt: t.issuedAt,
    expiresAt: t.expiresAt,
  };
  if (t.notBefore !== undefined) out.notBefore = t.notBefore;
  if (t.amount) out.amount = { amount: t.amount.amount, currency: t.amount.currency };
  if (t.audience !== undefined) out.audience = t.audience;
  if (t.holder !== undefined) out.holder = t.holder;
  if (t.data) out.data = encodeHex(t.data);
  if (t.extensions.length > 0)
    out.extensions = t.extensions.map((e) => ({ tag: e.tag, value: encodeHex(e.value) }));
  return out;
}

function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function varint(n: number): number[] {
  const out = new Uint8Array(varintLength(n));
  writeVarint(out, 0, n);
  return [...out];
}

/** A body built field by field, for encodings the encoder refuses to make. */
function rawBody(flags: number, lifetime: number[], tail: number[], iat = NOW / 1000, n = 0x40): Uint8Array {
  const kid = [...Buffer.from(A.kid, 'hex')];
  return new Uint8Array([1, flags, ...kid, ...idFor(n), ...u32(iat), ...lifetime, ...tail]);
}

/** Signs any body with key A, the way the issuer would. */
function signed(body: Uint8Array, k = A): Uint8Array {
  const message = new Uint8Array([...TOKEN_DOMAIN, ...body]);
  return new Uint8Array([...body, ...sign(message, k.secretKey)]);
}

const qr = (bytes: Uint8Array) => `TS1:${encodeBase45(bytes)}`;

/** A fixed secret scalar for the torsion vectors. */
const MIXED_SCALAR = 0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdn;

/**
 * Keys a verifier must refuse when it loads them (§4: canonical, on the curve,
 * prime order), each with a signature the cofactored equation accepts, so an
 * implementation that skipped the key rule would accept the signature.
 */
function refusedKeys() {
  const message = new TextEncoder().encode('tallystick key rule');
  const entry = (name: string, description: string, publicKey: Uint8Array, signature: Uint8Array) => ({
    name,
    description,
    kid: kidFromPublicKey(publicKey),
    publicKey: encodeHex(publicKey),
    message: encodeHex(message),
    signature: encodeHex(signature),
    expect: { error: 'ERR_KEY', verifySignature: false },
  });
  const mixed8 = keyWithTorsion(MIXED_SCALAR, 1);
  const mixed2 = keyWithTorsion(MIXED_SCALAR, 4);
  const small = keyWithTorsion(0n, 1);
  const identity = keyWithTorsion(0n, 0);
  const identitySignature = new Uint8Array(64);
  identitySignature.set(identity, 0);
  return [
    entry(
      'mixed-order-key',
      'A = [a]B + T, T of order 8: mixed order. The signature satisfies the cofactored equation.',
      mixed8,
      signWithTorsion(MIXED_SCALAR, mixed8, 0x77n, 0, message),
    ),
    entry(
      'mixed-order-key-order-2',
      'A = [a]B + T, T of order 2 (y = -1 component). The signature satisfies the cofactored equation.',
      mixed2,
      signWithTorsion(MIXED_SCALAR, mixed2, 0x78n, 0, message),
    ),
    entry(
      'small-order-key',
      'A of order 8, R = [r]B, S = r: the cofactored equation holds for every message.',
      small,
      signWithTorsion(0n, small, 0x79n, 0, message),
    ),
    entry(
      'identity-key',
      'A = identity, R = identity, S = 0: valid under any equation, for every message.',
      identity,
      identitySignature,
    ),
  ];
}

export function buildVectors() {
  const cases: Case[] = [];
  const ok = (name: string, description: string, input: string, token: Token, extra: Partial<Case> = {}) =>
    cases.push({
      name,
      description,
      input,
      now: NOW,
      ...extra,
      expect: { ok: true, token: tokenJson(token) },
    });
  const no = (
    name: string,
    description: string,
    code: string,
    input: string | Uint8Array,
    extra: Partial<Case> = {},
  ) =>
    cases.push({
      name,
      description,
      ...(typeof input === 'string' ? { input } : { inputHex: encodeHex(input) }),
      now: NOW,
      ...extra,
      expect: { ok: false, code },
    });

  const issuerA = createIssuer({ ...A, clock: clockAt(NOW) });
  const at = (ms: number, k = A) => createIssuer({ ...k, clock: clockAt(ms) });

  const minimal = issuerA.issue({ id: idFor(1) });
  ok('minimal', 'Only the mandatory fields; 15-minute default lifetime.', minimal.qr, minimal.token);
  ok('minimal-base64url', 'The same token as base64url (the URL form).', minimal.url, minimal.token);
  cases.push({
    name: 'minimal-bytes',
    description: 'The same token as raw bytes.',
    inputHex: encodeHex(minimal.bytes),
    now: NOW,
    expect: { ok: true, token: tokenJson(minimal.token) },
  });

  const voucher = issuerA.issue({
    id: idFor(2),
    amount: { amount: 2500, currency: 'EUR' },
    audience: 'store-7',
    holderKey: HOLDER.publicKey,
  });
  const presented = createPresentation(voucher.qr, { secretKey: HOLDER.secretKey, now: NOW });
  ok(
    'voucher-presented',
    'Voucher bound to a device, shown as TP1: (token + presentation).',
    presented.qr,
    voucher.token,
  );
  ok(
    'voucher-presentation-separate',
    'The same voucher with the presentation passed on its own.',
    voucher.qr,
    voucher.token,
    {
      presentation: encodeHex(presented.bytes),
    },
  );
  const challenge = new Uint8Array([0xc0, 0xff, 0xee, 0x01]);
  const answered = createPresentation(voucher.qr, { secretKey: HOLDER.secretKey, now: NOW, challenge });
  ok('voucher-challenge', 'Presentation signed over a verifier challenge.', answered.qr, voucher.token, {
    challenge: encodeHex(challenge),
  });

  const full = at(NOW - 300_000).issue({
    id: idFor(3),
    ttlMs: 3_600_000,
    notBefore: NOW - 60_000,
    amount: { amount: 1000, currency: 'JPY' },
    audience: 'group-north',
    data: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    extensions: [{ tag: 2, value: new Uint8Array([1, 2, 3]) }],
  });
  ok(
    'all-fields',
    'Not-before, amount, group audience, data and an unknown optional extension (tag 2, ignored).',
    full.qr,
    full.token,
  );
  ok('expiry-edge-valid', 'One millisecond before expiry + skew: still valid.', minimal.qr, minimal.token, {
    now: minimal.token.expiresAt + SKEW - 1,
  });

  no('expired', 'Exactly at expiry + skew.', 'expired', minimal.qr, { now: minimal.token.expiresAt + SKEW });
  no('not-yet-valid-nbf', 'One millisecond before not-before − skew.', 'not_yet_valid', full.qr, {
    now: NOW - 60_000 - SKEW - 1,
  });
  no('not-yet-valid-iat', 'Issued more than the skew in the future.', 'not_yet_valid', minimal.qr, {
    now: NOW - SKEW - 1,
  });
  no(
    'wrong-audience',
    'Audience store-9 is not one of this verifier’s names.',
    'wrong_audience',
    issuerA.issue({ id: idFor(4), audience: 'store-9' }).qr,
  );
  no('binding-required', 'Holder-bound voucher without a presentation.', 'binding_required', voucher.qr);
  const forgedKey =
    encodeHex(presented.bytes).slice(0, 2) +
    encodeHex(STRANGER.publicKey) +
    encodeHex(presented.bytes).slice(66);
  no(
    'presentation-other-device',
    'Presentation carrying another device key.',
    'bad_presentation',
    voucher.qr,
    { presentation: forgedKey },
  );
  const strangerSig = sign(
    presentationMessage(new Uint8Array([...voucher.bytes]), 6, NOW / 1000, undefined),
    STRANGER.secretKey,
  );
  const wrongSigner = encodeHex(presented.bytes).slice(0, 74) + encodeHex(strangerSig);
  no(
    'presentation-bad-signature',
    'Right device key, signature by another key.',
    'bad_presentation',
    voucher.qr,
    { presentation: wrongSigner },
  );
  no(
    'presentation-missing-challenge',
    'Signed over a challenge the verifier did not send.',
    'bad_presentation',
    answered.qr,
  );
  const shot = createPresentation(voucher.qr, {
    secretKey: HOLDER.secretKey,
    now: NOW - DEFAULT_PRESENTATION_WINDOW_MS - SKEW - 1000,
  });
  no(
    'presentation-stale',
    'A screenshot: presentation older than window + skew.',
    'stale_presentation',
    shot.qr,
  );
  // Device keys follow the one key rule (§4): a presentation from a key with a
  // small-order or mixed-order component is refused even though its signature
  // satisfies the cofactored equation, so a lax verifier would accept it.
  const torsionDevice = (name: string, description: string, a: bigint, t: number, n: number) => {
    const deviceKey = keyWithTorsion(a, t);
    const bound = issuerA.issue({ id: idFor(n), audience: 'store-7', holderKey: deviceKey });
    const time = NOW / 1000;
    const message = presentationMessage(new Uint8Array([...bound.bytes]), 6, time, undefined);
    const signature = signWithTorsion(a, deviceKey, 0x1234567n + BigInt(n), 0, message);
    no(name, description, 'bad_presentation', bound.qr, {
      presentation: encodeHex(assemblePresentation(deviceKey, time, signature)),
    });
  };
  torsionDevice(
    'presentation-mixed-order-device-key',
    'Device key [a]B + T (T of order 8): mixed order, refused although the cofactored equation holds.',
    MIXED_SCALAR,
    1,
    0x51,
  );
  torsionDevice(
    'presentation-small-order-device-key',
    'Device key of order 8, S = r: refused although the cofactored equation holds.',
    0n,
    1,
    0x52,
  );
  no('revoked-token', 'Token id on the revocation list.', 'revoked', issuerA.issue({ id: REVOKED_ID }).qr);
  no('revoked-key', 'Signed by a revoked key.', 'revoked', at(NOW, C).issue({ id: idFor(5) }).qr);
  no(
    'key-inactive',
    'Signed by a retired key after its notAfter.',
    'key_inactive',
    at(NOW, B).issue({ id: idFor(6) }).qr,
  );
  no('unknown-key', 'Key id not in the key set.', 'unknown_key', at(NOW, D).issue({ id: idFor(7) }).qr);
  const flipped = minimal.bytes.slice();
  flipped[flipped.length - 1]! ^= 1;
  no('bad-signature', 'Last signature bit flipped.', 'bad_signature', qr(flipped));
  const edited = voucher.bytes.slice();
  edited[30]! ^= 0x01; // first byte of the amount varint (0xc4 0x13): 2500 becomes 2501
  no('bad-signature-edited-amount', 'Amount changed after signing.', 'bad_signature', qr(edited), {
    presentation: encodeHex(presented.bytes),
  });

  const v2 = minimal.bytes.slice();
  v2[0] = 2;
  no('unsupported-version-byte', 'Version byte 2.', 'unsupported_version', v2);
  no('unsupported-version-prefix', 'Text prefix TS2:.', 'unsupported_version', `TS2:${minimal.qr.slice(4)}`);
  no(
    'trailing-byte',
    'One byte appended after the signature.',
    'malformed',
    new Uint8Array([...minimal.bytes, 0]),
  );
  no('truncated', 'Last byte removed.', 'malformed', minimal.bytes.subarray(0, minimal.bytes.length - 1));
  no(
    'overlong-varint',
    'Lifetime 900 as 3 bytes (0x84 0x87 0x00), signed.',
    'malformed',
    qr(signed(rawBody(0, [0x84, 0x87, 0x00], []))),
  );
  no(
    'reserved-flag',
    'Reserved flag bit 0x20 set, signed.',
    'malformed',
    qr(signed(rawBody(0x20, varint(900), []))),
  );
  no(
    'unknown-mandatory-extension',
    'Odd extension tag 3, signed.',
    'malformed',
    qr(signed(rawBody(0x80, varint(900), [1, 3, 1, 0xaa]))),
  );
  no(
    'extensions-unordered',
    'Extension tags 4 then 2, signed.',
    'malformed',
    qr(signed(rawBody(0x80, varint(900), [2, 4, 0, 2, 0]))),
  );
  no(
    'issued-at-before-2020',
    'Issued-at 2019-12-31T23:59:59Z, signed.',
    'malformed',
    qr(signed(rawBody(0, varint(900), [], 1_577_836_799))),
  );
  no('lifetime-zero', 'Lifetime 0, signed.', 'malformed', qr(signed(rawBody(0, [0], []))));
  no(
    'lifetime-too-long',
    'Lifetime 400 days + 1 s, signed.',
    'malformed',
    qr(signed(rawBody(0, varint(34_560_001), []))),
  );
  no(
    'not-before-at-expiry',
    'Not-before delta equal to the lifetime, signed.',
    'malformed',
    qr(signed(rawBody(1, varint(900), varint(900)))),
  );
  no(
    'data-too-long',
    '65 bytes of data, signed.',
    'malformed',
    qr(signed(rawBody(0x10, varint(900), [65, ...new Array(65).fill(1)]))),
  );
  no(
    'data-empty',
    'Data flag with 0 bytes, signed.',
    'malformed',
    qr(signed(rawBody(0x10, varint(900), [0]))),
  );
  no(
    'audience-too-long',
    '33-byte audience, signed.',
    'malformed',
    qr(signed(rawBody(0x04, varint(900), [33, ...new Array(33).fill(0x78)]))),
  );
  no(
    'audience-space',
    'Audience "a b" (space is not visible ASCII), signed.',
    'malformed',
    qr(signed(rawBody(0x04, varint(900), [3, 0x61, 0x20, 0x62]))),
  );
  no(
    'currency-invalid',
    'Currency u16 0x7fff (letter values 31), signed.',
    'malformed',
    qr(signed(rawBody(0x02, varint(900), [0x7f, 0xff, 1]))),
  );
  no(
    'amount-overlong',
    'Amount 1 as 0x81 0x00, signed.',
    'malformed',
    qr(signed(rawBody(0x02, varint(900), [0x10, 0x91, 0x81, 0x00]))),
  );
  no(
    'base45-lowercase',
    'Lower case is not base45.',
    'malformed',
    minimal.qr.toLowerCase().replace('ts1:', 'TS1:'),
  );
  // 92 bytes leave 2 unused bits in the last base64url character; setting one changes no byte.
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = B64.indexOf(minimal.url.at(-1)!);
  no(
    'base64url-trailing-bits',
    'base64url with a non-zero unused bit.',
    'malformed',
    `${minimal.url.slice(0, -1)}${B64[last ^ 1]}`,
  );
  no('empty', 'The empty string.', 'malformed', '');
  no('over-cap', '1025 characters: refused before decoding.', 'malformed', 'A'.repeat(1025));
  no(
    'presented-too-short',
    'TP1: text shorter than a presentation.',
    'malformed',
    `TP1:${encodeBase45(new Uint8Array(50))}`,
  );

  const revocations = RevocationList.create({
    kids: [C.kid],
    tokenIds: [encodeHex(REVOKED_ID)],
    issuedAt: NOW - 3_600_000,
  });
  return {
    description:
      'Known-answer vectors for tallystick token format v1 (docs/spec/token-format.md). Build a verifier from `verifier`, run every case with its `now` (epoch ms), `presentation` and `challenge` (hex), and compare with `expect`. Every key in `refusedKeys` must be refused when loaded (small or mixed order, spec section 4) and its signature must not verify. Seeds are published only so the file can be regenerated; never use them.',
    format: 'tallystick token v1',
    generatedBy:
      'packages/token/test/token-vectors.ts (UPDATE_VECTORS=1 npx vitest run --project token vectors)',
    domains: {
      token: 'tallystick/token/v1',
      presentation: 'tallystick/presentation/v1',
      holder: 'tallystick/holder/v1',
      revocation: 'tallystick/revocation/v1',
    },
    verifier: {
      keys: [
        {
          kid: A.kid,
          publicKey: encodeHex(A.publicKey),
          seed: encodeHex(A.secretKey),
          notBefore: Date.UTC(2025, 0, 1),
        },
        {
          kid: B.kid,
          publicKey: encodeHex(B.publicKey),
          seed: encodeHex(B.secretKey),
          notAfter: Date.UTC(2025, 11, 31),
        },
        { kid: C.kid, publicKey: encodeHex(C.publicKey), seed: encodeHex(C.secretKey) },
      ],
      audience: ['store-7', 'group-north'],
      clockSkewMs: SKEW,
      presentationWindowMs: DEFAULT_PRESENTATION_WINDOW_MS,
      revocationList: encodeHex(revocations.toBytes()),
    },
    holders: [
      {
        name: 'holder',
        seed: encodeHex(HOLDER.secretKey),
        publicKey: encodeHex(HOLDER.publicKey),
        binding: holderBinding(HOLDER.publicKey),
      },
      {
        name: 'stranger',
        seed: encodeHex(STRANGER.secretKey),
        publicKey: encodeHex(STRANGER.publicKey),
        binding: encodeHex(holderHash(STRANGER.publicKey)),
      },
    ],
    unknownKey: { kid: D.kid, publicKey: encodeHex(D.publicKey) },
    refusedKeys: refusedKeys(),
    cases,
    keyFiles: keyFileVectors(),
  };
}
