/**
 * The `keyFiles` section of docs/spec/vectors.json: one valid key set and one
 * valid issuer key file, then one refused file per rule of spec section 9.1,
 * each changing a single member of a valid file so that it is the first and
 * only rule broken. Deterministic: fixed seeds, fixed windows.
 */
import { encodeBase64url, encodeHex } from '@tallystick/core';
import { publicKeyFromSecret } from '../src/crypto/index.js';
import { encodeIssuerKey, encodeKeySet, kidFromPublicKey } from '../src/index.js';
import { seed } from './fixtures.js';
import { keyWithTorsion } from './support/torsion.js';

const key = (byte: number) => {
  const secretKey = seed(byte);
  const publicKey = publicKeyFromSecret(secretKey);
  return { secretKey, publicKey, kid: kidFromPublicKey(publicKey) };
};

export interface KeyFileCase {
  name: string;
  description: string;
  decoder: 'keySet' | 'issuerKey';
  input: string;
  expect: { ok: true; keys: Record<string, unknown>[] } | { ok: false; code: string };
}

type Json = Record<string, unknown>;

export function keyFileVectors() {
  const A = key(0x11);
  const B = key(0x12);
  const C = key(0x13);
  const set = [
    { kid: A.kid, publicKey: A.publicKey, notBefore: Date.UTC(2025, 0, 1) },
    { kid: B.kid, publicKey: B.publicKey, notAfter: Date.UTC(2025, 11, 31) },
    { kid: C.kid, publicKey: C.publicKey },
  ];
  const setText = encodeKeySet(set);
  const issuerText = encodeIssuerKey({
    ...A,
    notBefore: Date.UTC(2025, 0, 1),
    notAfter: Date.UTC(2027, 0, 1),
  });
  const expected = (keys: typeof set) =>
    keys.map(({ publicKey, ...rest }) => ({ ...rest, publicKey: encodeHex(publicKey) }));
  const cases: KeyFileCase[] = [
    {
      name: 'key-set',
      description: 'Three keys: one with notBefore, one with notAfter, one unbounded.',
      decoder: 'keySet',
      input: setText,
      expect: { ok: true, keys: expected(set) },
    },
    {
      name: 'issuer-key',
      description: 'An issuer key file with both window bounds; it decodes to the key in `keys[0]`.',
      decoder: 'issuerKey',
      input: issuerText,
      expect: {
        ok: true,
        keys: [
          {
            kid: A.kid,
            notBefore: Date.UTC(2025, 0, 1),
            notAfter: Date.UTC(2027, 0, 1),
            publicKey: encodeHex(A.publicKey),
          },
        ],
      },
    },
  ];
  const refuse = (
    name: string,
    description: string,
    code: string,
    edit: (file: Json, first: Json) => void,
    decoder: KeyFileCase['decoder'] = 'keySet',
  ) => {
    const file = JSON.parse(decoder === 'keySet' ? setText : issuerText) as Json;
    edit(file, decoder === 'keySet' ? (file.keys as Json[])[0]! : file);
    cases.push({
      name,
      description,
      decoder,
      input: `${JSON.stringify(file, null, 2)}\n`,
      expect: { ok: false, code },
    });
  };
  const text = (name: string, description: string, input: string) =>
    cases.push({ name, description, decoder: 'keySet', input, expect: { ok: false, code: 'malformed' } });

  text('not-json', 'Not JSON text.', '{"type": "tallystick/key-set",');
  text('array', 'A JSON array, not an object.', '[]');
  refuse('wrong-type', 'An issuer key file given to the key set decoder.', 'malformed', (f) => {
    f.type = 'tallystick/issuer-key';
  });
  refuse('version-2', 'version 2.', 'unsupported_version', (f) => {
    f.version = 2;
  });
  refuse(
    'version-missing',
    'No version member (the files of tallystick 0.1).',
    'unsupported_version',
    (f) => {
      delete f.version;
    },
  );
  refuse(
    'unknown-member',
    'A misspelt window, "notAftr": unknown members are refused.',
    'malformed',
    (_, k) => {
      k.notAftr = 1;
    },
  );
  refuse('alg-other', 'alg "ES256".', 'unsupported_alg', (_, k) => {
    k.alg = 'ES256';
  });
  refuse('base64url-padded', 'The public key with "=" padding.', 'bad_base64url', (_, k) => {
    k.publicKey = `${k.publicKey}=`;
  });
  refuse(
    'base64url-standard-alphabet',
    'The public key in standard base64 ("+" and "/").',
    'bad_base64url',
    (_, k) => {
      k.publicKey = String(k.publicKey).replace(/-/g, '+').replace(/_/g, '/').replace(/^./, '+');
    },
  );
  refuse(
    'base64url-trailing-bits',
    'A non-zero unused bit in the last character.',
    'bad_base64url',
    (_, k) => {
      const s = String(k.publicKey);
      const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      k.publicKey = s.slice(0, -1) + B64[B64.indexOf(s.at(-1)!) ^ 1];
    },
  );
  refuse('public-key-31-bytes', 'A 31-byte public key.', 'bad_length', (_, k) => {
    k.publicKey = encodeBase64url(A.publicKey.subarray(0, 31));
  });
  refuse(
    'public-key-hex',
    'The public key in hex (64 characters decode to 48 bytes).',
    'bad_length',
    (_, k) => {
      k.publicKey = encodeHex(A.publicKey);
    },
  );
  refuse('kid-mismatch', "The first entry under the second key's kid.", 'kid_mismatch', (_, k) => {
    k.kid = B.kid;
  });
  refuse('kid-upper-case', 'The kid in upper case.', 'kid_mismatch', (_, k) => {
    k.kid = String(k.kid).toUpperCase();
  });
  refuse('window-fraction', 'notBefore 1735689600000.5.', 'bad_window', (_, k) => {
    k.notBefore = 1735689600000.5;
  });
  refuse('window-string', 'notBefore as an ISO string.', 'bad_window', (_, k) => {
    k.notBefore = '2025-01-01T00:00:00Z';
  });
  refuse('window-reversed', 'notBefore one millisecond after notAfter.', 'bad_window', (_, k) => {
    k.notAfter = Number(k.notBefore) - 1;
  });
  const mixed = keyWithTorsion(0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdn, 1);
  refuse(
    'refused-key-mixed-order',
    'A mixed-order public key (spec section 4), with its own kid.',
    'refused_key',
    (_, k) => {
      k.publicKey = encodeBase64url(mixed);
      k.kid = kidFromPublicKey(mixed);
    },
  );
  const identity = keyWithTorsion(0n, 0);
  refuse(
    'refused-key-identity',
    'The identity point as public key, with its own kid.',
    'refused_key',
    (_, k) => {
      k.publicKey = encodeBase64url(identity);
      k.kid = kidFromPublicKey(identity);
    },
  );
  refuse('duplicate-kid', 'The first key twice, with different windows.', 'duplicate_kid', (f, k) => {
    (f.keys as Json[]).push({ ...k, notBefore: 0 });
  });
  refuse(
    'issuer-secret-mismatch',
    "An issuer key file whose publicKey is another key's.",
    'secret_mismatch',
    (f) => {
      f.publicKey = encodeBase64url(B.publicKey);
      f.kid = B.kid;
    },
    'issuerKey',
  );
  refuse(
    'issuer-kid-mismatch',
    "An issuer key file under another key's kid.",
    'kid_mismatch',
    (f) => {
      f.kid = B.kid;
    },
    'issuerKey',
  );
  refuse(
    'issuer-no-secret',
    'A key set entry given to the issuer key decoder (no secretKey).',
    'malformed',
    (f) => {
      delete f.secretKey;
    },
    'issuerKey',
  );
  refuse(
    'issuer-secret-short',
    'A 16-byte secret key.',
    'bad_length',
    (f) => {
      f.secretKey = encodeBase64url(A.secretKey.subarray(0, 16));
    },
    'issuerKey',
  );
  return {
    description:
      'Key files (spec section 9.1). Decode `input` with the decoder named in `decoder` (keySet or issuerKey) and compare with `expect`: the keys (public keys in hex) or the first failure code.',
    cases,
  };
}
