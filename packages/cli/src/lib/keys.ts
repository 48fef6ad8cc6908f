import { chmodSync, writeFileSync } from 'node:fs';
import { tryDecodeBase64url, tryDecodeHex } from '@tallystick/core';
import {
  decodeIssuerKey,
  decodeKeySet,
  ISSUER_KEY_TYPE,
  type IssuerKey,
  type VerificationKey,
} from '@tallystick/token';
import { UsageError } from './exit.js';
import { readText } from './io.js';

/**
 * Writes a key file with mode 0600. `wx` refuses to overwrite an existing key
 * (a lost secret cannot be recovered); 0600 keeps it from other users.
 */
export function writeKeyFile(path: string, text: string): void {
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot write ${path}: ${code === 'EEXIST' ? 'file exists (keys are never overwritten)' : code}`,
    );
  }
}

/** Decodes 32 key bytes given as base64url or hex (a holder's public key on the command line). */
export function keyBytes(text: unknown, what: string): Uint8Array {
  const bytes = typeof text === 'string' ? (tryDecodeBase64url(text) ?? tryDecodeHex(text)) : undefined;
  if (bytes?.length !== 32) throw new UsageError(`${what} must be 32 bytes as base64url or hex`);
  return bytes;
}

/** Reads an issuer key file (`keygen --out`) with `decodeIssuerKey`. */
export function readIssuerKey(path: string): IssuerKey {
  const text = readText(path, 'key file');
  const result = decodeIssuerKey(text);
  if (result.ok) return result.key;
  if (typeOf(text) === 'tallystick/key-set') {
    throw new UsageError(
      `key file ${path} is a key set (public keys only): issue needs the file of keygen --out`,
    );
  }
  throw new UsageError(`key file ${path} refused (${result.code}): ${result.message}`);
}

/**
 * Reads verification keys from a key set file (`keygen --public-out`) with
 * `decodeKeySet`. An issuer key file is accepted too, for its public half:
 * whoever can read the secret may verify with it.
 */
export function readVerificationKeys(path: string): VerificationKey[] {
  const text = readText(path, 'keys file');
  if (typeOf(text) === ISSUER_KEY_TYPE) {
    const { kid, publicKey, notBefore, notAfter } = readIssuerKey(path);
    return [
      {
        kid,
        publicKey,
        ...(notBefore === undefined ? {} : { notBefore }),
        ...(notAfter === undefined ? {} : { notAfter }),
      },
    ];
  }
  const result = decodeKeySet(text);
  if (!result.ok) throw new UsageError(`keys file ${path} refused (${result.code}): ${result.message}`);
  if (result.keys.length === 0) throw new UsageError(`keys file ${path} lists no keys`);
  return result.keys;
}

/** The `type` member of a JSON key file, to tell the two kinds apart before decoding. */
function typeOf(text: string): unknown {
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type;
  } catch {
    return undefined;
  }
}
