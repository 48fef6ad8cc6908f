import { chmodSync, writeFileSync } from 'node:fs';
import { encodeBase64url, tryDecodeBase64url, tryDecodeHex } from '@tallystick/core';
import { kidFromPublicKey, type VerificationKey } from '@tallystick/token';
import { UsageError } from './exit.js';
import { readJson } from './io.js';

/** The key file `keygen` writes: JSON with base64url keys, readable by any language. */
export interface KeyFile {
  kid: string;
  publicKey: string;
  secretKey?: string;
  createdAt?: string;
}

export function writeKeyFile(path: string, file: KeyFile): void {
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  // wx refuses to overwrite an existing key; 0600 keeps the secret from other users.
  chmodSync(path, 0o600);
}

/** Decodes 32 key bytes given as base64url or hex. */
export function keyBytes(text: unknown, what: string): Uint8Array {
  const bytes = typeof text === 'string' ? (tryDecodeBase64url(text) ?? tryDecodeHex(text)) : undefined;
  if (bytes?.length !== 32) throw new UsageError(`${what} must be 32 bytes as base64url or hex`);
  return bytes;
}

export function readSecretKey(path: string): { kid: string; secretKey: Uint8Array } {
  const file = readJson(path, 'key file') as Partial<KeyFile>;
  if (typeof file?.secretKey !== 'string')
    throw new UsageError(`key file ${path} has no secretKey (is it a public key file?)`);
  const secretKey = keyBytes(file.secretKey, `secretKey in ${path}`);
  if (typeof file.kid !== 'string') throw new UsageError(`key file ${path} has no kid`);
  return { kid: file.kid, secretKey };
}

/**
 * Reads verification keys from a key file, a JSON array of key files, or
 * `{ "keys": [...] }`. Secret keys in the file are ignored: verifying needs only
 * the public half.
 */
export function readVerificationKeys(path: string): VerificationKey[] {
  const json = readJson(path, 'keys file') as unknown;
  const list = Array.isArray(json)
    ? json
    : Array.isArray((json as { keys?: unknown })?.keys)
      ? (json as { keys: unknown[] }).keys
      : [json];
  if (list.length === 0) throw new UsageError(`keys file ${path} lists no keys`);
  return list.map((entry, i) => {
    const e = entry as Partial<KeyFile> & { notBefore?: number; notAfter?: number };
    const publicKey = keyBytes(e?.publicKey, `keys[${i}].publicKey in ${path}`);
    const kid = typeof e.kid === 'string' ? e.kid : kidFromPublicKey(publicKey);
    return {
      kid,
      publicKey,
      ...(typeof e.notBefore === 'number' ? { notBefore: e.notBefore } : {}),
      ...(typeof e.notAfter === 'number' ? { notAfter: e.notAfter } : {}),
    };
  });
}

export function publicKeyFile(kid: string, publicKey: Uint8Array): KeyFile {
  return { kid, publicKey: encodeBase64url(publicKey) };
}
