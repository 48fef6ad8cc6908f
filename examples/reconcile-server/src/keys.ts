/**
 * The issuer keys file: the key this server signs receipt codes with, and the
 * public keys whose tokens it accepts in redemptions (other issuers, retired
 * keys still inside their tokens' lifetime).
 *
 * ```json
 * {
 *   "signing": { "kid": "6830840f", "secretKey": "<32-byte Ed25519 seed, base64url>" },
 *   "trusted": [{ "kid": "1a2b3c4d", "publicKey": "<32 bytes, base64url>", "notAfter": 1798761600000 }]
 * }
 * ```
 *
 * Both members are optional; the signing key's public half is always trusted.
 */
import { decodeBase64url, encodeBase64url } from '@tallystick/core';
import {
  createIssuer,
  generateIssuerKey,
  type IssuerKey,
  kidFromPublicKey,
  type VerificationKey,
} from '@tallystick/token';

/** The keys a server runs with. */
export interface ServerKeys {
  /** Signs receipt codes. Generated at start-up when absent (then nothing it signed survives a restart). */
  readonly signing?: IssuerKey;
  /** Extra public keys accepted in redemptions. */
  readonly trusted?: readonly VerificationKey[];
}

/** The JSON shape of a keys file. */
export interface KeysFile {
  readonly signing?: { readonly kid: string; readonly secretKey: string };
  readonly trusted?: readonly {
    readonly kid: string;
    readonly publicKey: string;
    readonly notBefore?: number;
    readonly notAfter?: number;
  }[];
}

/** Parses a keys file, naming the member at fault when it is wrong. */
export function parseKeysFile(text: string, source: string): ServerKeys {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${source}: expected an object with "signing" and/or "trusted"`);
  }
  const file = raw as KeysFile;
  let signing: IssuerKey | undefined;
  if (file.signing !== undefined) {
    const secretKey = bytes(file.signing.secretKey, 32, `${source}: signing.secretKey`);
    // The issuer derives the public key; the kid in the file is kept as given.
    const issuer = createIssuer({ secretKey, kid: file.signing.kid });
    signing = { secretKey, publicKey: issuer.publicKey, kid: issuer.kid };
  }
  if (file.trusted !== undefined && !Array.isArray(file.trusted)) {
    throw new Error(`${source}: "trusted" must be an array`);
  }
  const trusted = (file.trusted ?? []).map((entry, i): VerificationKey => {
    const where = `${source}: trusted[${i}]`;
    if (typeof entry?.kid !== 'string') throw new Error(`${where}.kid must be 8 lower-case hex digits`);
    return {
      kid: entry.kid,
      publicKey: bytes(entry.publicKey, 32, `${where}.publicKey`),
      ...(entry.notBefore !== undefined ? { notBefore: entry.notBefore } : {}),
      ...(entry.notAfter !== undefined ? { notAfter: entry.notAfter } : {}),
    };
  });
  return { ...(signing ? { signing } : {}), trusted };
}

/** A new keys file with a fresh signing key, as JSON text. */
export function newKeysFile(): string {
  const key = generateIssuerKey();
  const file: KeysFile = {
    signing: { kid: key.kid, secretKey: encodeBase64url(key.secretKey) },
    trusted: [],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A verification key as published by `GET /keys`. */
export function publishKey(key: VerificationKey): Record<string, unknown> {
  return {
    kid: key.kid,
    publicKey: encodeBase64url(key.publicKey),
    derivedKid: kidFromPublicKey(key.publicKey) === key.kid,
    ...(key.notBefore !== undefined ? { notBefore: key.notBefore } : {}),
    ...(key.notAfter !== undefined ? { notAfter: key.notAfter } : {}),
  };
}

/** Reads keys as published by `GET /keys` back into verification keys (what a scanner does). */
export function readPublishedKeys(body: unknown): VerificationKey[] {
  const keys = (body as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) throw new Error('expected { keys: [...] }');
  return keys.map((k: { kid: string; publicKey: string; notBefore?: number; notAfter?: number }, i) => ({
    kid: k.kid,
    publicKey: bytes(k.publicKey, 32, `keys[${i}].publicKey`),
    ...(k.notBefore !== undefined ? { notBefore: k.notBefore } : {}),
    ...(k.notAfter !== undefined ? { notAfter: k.notAfter } : {}),
  }));
}

function bytes(value: unknown, length: number, what: string): Uint8Array {
  if (typeof value !== 'string') throw new Error(`${what} must be a base64url string`);
  let decoded: Uint8Array;
  try {
    decoded = decodeBase64url(value);
  } catch {
    throw new Error(`${what} is not base64url`);
  }
  if (decoded.length !== length)
    throw new Error(`${what} must decode to ${length} bytes, got ${decoded.length}`);
  return decoded;
}
