import { readFileSync, writeFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { decodeHex, encodeHex } from '@tallystick/core';
import { describe, expect, it } from 'vitest';
import {
  createVerifier,
  decodeIssuerKey,
  decodeKeySet,
  decodeToken,
  RevocationList,
  type SignatureBackend,
  type VerificationKey,
  verifySignature,
} from '../src/index.js';
import { specVerify } from './support/torsion.js';
import { buildVectors, tokenJson } from './token-vectors.js';

const FILE = new URL('../../../docs/spec/vectors.json', import.meta.url);

interface VectorFile {
  verifier: {
    keys: { kid: string; publicKey: string; notBefore?: number; notAfter?: number }[];
    audience: string[];
    clockSkewMs: number;
    presentationWindowMs: number;
    revocationList: string;
  };
  refusedKeys: {
    name: string;
    kid: string;
    publicKey: string;
    message: string;
    signature: string;
    expect: { error: string; verifySignature: boolean };
  }[];
  keyFiles: {
    cases: {
      name: string;
      decoder: 'keySet' | 'issuerKey';
      input: string;
      expect: { ok: true; keys: Record<string, unknown>[] } | { ok: false; code: string };
    }[];
  };
  cases: {
    name: string;
    input?: string;
    inputHex?: string;
    now: number;
    presentation?: string;
    challenge?: string;
    expect: { ok: true; token: Record<string, unknown> } | { ok: false; code: string };
  }[];
}

describe('known-answer vectors (docs/spec/vectors.json)', () => {
  it('the file is what the generator produces from the fixed seeds', () => {
    const text = `${JSON.stringify(buildVectors(), null, 2)}\n`;
    if (process.env.UPDATE_VECTORS === '1') writeFileSync(FILE, text);
    expect(readFileSync(FILE, 'utf8')).toBe(text);
  });

  it('every refused key is refused when loaded and its signature never verifies, though a lax verifier accepts it', () => {
    const file = JSON.parse(readFileSync(FILE, 'utf8')) as VectorFile;
    expect(file.refusedKeys.map((k) => k.name).sort()).toEqual(
      ['identity-key', 'mixed-order-key', 'mixed-order-key-order-2', 'small-order-key'].sort(),
    );
    for (const k of file.refusedKeys) {
      const publicKey = decodeHex(k.publicKey);
      const signature = decodeHex(k.signature);
      const message = decodeHex(k.message);
      for (const backend of ['noble', 'native', 'auto'] as SignatureBackend[]) {
        expect(() => createVerifier({ keys: [{ kid: k.kid, publicKey }], backend }), k.name).toThrow(
          expect.objectContaining({ code: k.expect.error }),
        );
        expect(verifySignature(signature, message, publicKey, { backend }), k.name).toBe(false);
      }
      expect(specVerify(signature, message, publicKey), k.name).toBe(false);
      // ZIP 215 (cofactored, no key rule) accepts each: the key rule is what refuses them.
      expect(ed25519.verify(signature, message, publicKey, { zip215: true }), k.name).toBe(true);
    }
  });

  it('every key file decodes to its keys or is refused with its code', () => {
    const file = JSON.parse(readFileSync(FILE, 'utf8')) as VectorFile;
    const codes = new Set<string>();
    for (const c of file.keyFiles.cases) {
      const result = c.decoder === 'keySet' ? decodeKeySet(c.input) : decodeIssuerKey(c.input);
      const got = !result.ok
        ? { ok: false, code: result.code }
        : {
            ok: true,
            keys: ('keys' in result ? result.keys : [result.key]).map((k) => ({
              kid: k.kid,
              ...(k.notBefore === undefined ? {} : { notBefore: k.notBefore }),
              ...(k.notAfter === undefined ? {} : { notAfter: k.notAfter }),
              publicKey: encodeHex(k.publicKey),
            })),
          };
      expect(got, c.name).toEqual(c.expect);
      codes.add(c.expect.ok ? 'ok' : c.expect.code);
    }
    // Every refusal code has a vector.
    expect([...codes].sort()).toEqual(
      [
        'ok',
        'malformed',
        'unsupported_version',
        'unsupported_alg',
        'bad_base64url',
        'bad_length',
        'kid_mismatch',
        'secret_mismatch',
        'refused_key',
        'duplicate_kid',
        'bad_window',
      ].sort(),
    );
  });

  for (const backend of ['noble', 'native'] as SignatureBackend[]) {
    it(`every case gives its expected verdict (${backend} backend)`, () => {
      const file = JSON.parse(readFileSync(FILE, 'utf8')) as VectorFile;
      const keys: VerificationKey[] = file.verifier.keys.map((k) => ({
        kid: k.kid,
        publicKey: decodeHex(k.publicKey),
        ...(k.notBefore === undefined ? {} : { notBefore: k.notBefore }),
        ...(k.notAfter === undefined ? {} : { notAfter: k.notAfter }),
      }));
      const verifier = createVerifier({
        keys,
        backend,
        audience: file.verifier.audience,
        clockSkewMs: file.verifier.clockSkewMs,
        presentationWindowMs: file.verifier.presentationWindowMs,
        revoked: RevocationList.fromBytes(decodeHex(file.verifier.revocationList)),
      });
      expect(file.cases.length).toBeGreaterThan(40);
      const codes = new Set<string>();
      for (const c of file.cases) {
        const input = c.input ?? decodeHex(c.inputHex!);
        const result = verifier.verify(input, {
          now: c.now,
          ...(c.presentation ? { presentation: decodeHex(c.presentation) } : {}),
          ...(c.challenge ? { challenge: decodeHex(c.challenge) } : {}),
        });
        if (c.expect.ok) {
          expect(result.ok ? tokenJson(result.token) : result, c.name).toEqual(c.expect.token);
          const decoded = decodeToken(input);
          expect(decoded.ok && tokenJson(decoded.token), c.name).toEqual(c.expect.token);
        } else {
          expect(result.ok ? 'ok' : result.code, c.name).toBe(c.expect.code);
        }
        codes.add(c.expect.ok ? 'ok' : c.expect.code);
      }
      // Every verify code except the stateful ones has at least one vector.
      expect([...codes].sort()).toEqual(
        [
          'ok',
          'malformed',
          'unsupported_version',
          'unknown_key',
          'bad_signature',
          'revoked',
          'key_inactive',
          'not_yet_valid',
          'expired',
          'wrong_audience',
          'binding_required',
          'bad_presentation',
          'stale_presentation',
        ].sort(),
      );
    });
  }
});
