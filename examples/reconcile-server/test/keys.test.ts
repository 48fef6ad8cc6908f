import {
  createIssuer,
  decodeKeySet,
  encodeIssuerKey,
  encodeKeySet,
  generateIssuerKey,
} from '@tallystick/token';
import { describe, expect, it } from 'vitest';
import { newIssuerKeyFile, readServerKeys, startServer } from '../src/index.js';

describe('server keys are files of the token codec', () => {
  it('signs with the issuer key file, and GET /keys is a key set of it and the trusted keys', async () => {
    const signing = generateIssuerKey();
    const other = generateIssuerKey();
    const keys = readServerKeys({
      issuerKey: { text: encodeIssuerKey(signing), source: 'issuer.json' },
      trustedKeys: {
        text: encodeKeySet([{ ...other, notAfter: Date.UTC(2030, 0, 1) }]),
        source: 'trusted.json',
      },
    });
    const server = await startServer({ storage: { kind: 'memory' }, keys });
    try {
      expect(server.issuer.kid).toBe(signing.kid);
      const res = await fetch(`${server.url}/keys`);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const published = decodeKeySet(await res.text());
      expect(published.ok && published.keys.map((k) => [k.kid, k.notAfter])).toEqual([
        [signing.kid, undefined],
        [other.kid, Date.UTC(2030, 0, 1)],
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses a key file the codec refuses, naming the file and the code', () => {
    const text = encodeIssuerKey(generateIssuerKey());
    const other = generateIssuerKey().kid;
    const kid = (JSON.parse(text) as { kid: string }).kid;
    expect(() =>
      readServerKeys({ issuerKey: { text: text.replace(kid, other), source: 'issuer.json' } }),
    ).toThrow(/issuer\.json: refused \(kid_mismatch\)/);
    expect(() => readServerKeys({ trustedKeys: { text: '{"keys": []}', source: 'trusted.json' } })).toThrow(
      /trusted\.json: refused \(unsupported_version\)/,
    );
    // The 0.1 keys file of this example ({ signing, trusted }) is refused, not half-read.
    expect(() =>
      readServerKeys({ issuerKey: { text: '{"signing": {"kid": "x"}, "trusted": []}', source: 'old.json' } }),
    ).toThrow(/unsupported_version/);
  });

  it('npm run keygen writes an issuer key file that createIssuer takes as is', () => {
    const keys = readServerKeys({ issuerKey: { text: newIssuerKeyFile(), source: 'new.json' } });
    expect(createIssuer(keys.signing!).kid).toBe(keys.signing!.kid);
  });
});
