/**
 * The server's keys, as files in the two formats of `@tallystick/token`'s key
 * file codec (docs/spec/token-format.md section 9.1), so the server has no
 * loader of its own:
 *
 * - the issuer key file it signs receipt codes with: what `tallystick keygen
 *   --out` and `npm run keygen` write (`decodeIssuerKey`);
 * - optionally a key set of other public keys whose tokens it accepts in
 *   redemptions: other issuers, retired keys still inside their tokens'
 *   lifetime (`decodeKeySet`).
 *
 * `GET /keys` publishes the signing key and the trusted keys as one key set,
 * the file a till loads with `decodeKeySet`.
 */
import {
  decodeIssuerKey,
  decodeKeySet,
  encodeIssuerKey,
  generateIssuerKey,
  type IssuerKey,
  type VerificationKey,
} from '@tallystick/token';

/** The keys a server runs with. */
export interface ServerKeys {
  /** Signs receipt codes. Generated at start-up when absent (then nothing it signed survives a restart). */
  readonly signing?: IssuerKey;
  /** Extra public keys accepted in redemptions. */
  readonly trusted?: readonly VerificationKey[];
}

/** Where each key file came from, named in errors. */
export interface KeyFileTexts {
  readonly issuerKey?: { readonly text: string; readonly source: string };
  readonly trustedKeys?: { readonly text: string; readonly source: string };
}

/**
 * Decodes the server's key files with the token codec. Throws an `Error`
 * naming the file and the codec's failure code when one is refused.
 */
export function readServerKeys(files: KeyFileTexts): ServerKeys {
  let signing: IssuerKey | undefined;
  if (files.issuerKey) {
    const result = decodeIssuerKey(files.issuerKey.text);
    if (!result.ok) throw new Error(`${files.issuerKey.source}: refused (${result.code}): ${result.message}`);
    signing = result.key;
  }
  let trusted: VerificationKey[] = [];
  if (files.trustedKeys) {
    const result = decodeKeySet(files.trustedKeys.text);
    if (!result.ok)
      throw new Error(`${files.trustedKeys.source}: refused (${result.code}): ${result.message}`);
    trusted = result.keys;
  }
  return { ...(signing ? { signing } : {}), trusted };
}

/** A new issuer key file with a fresh key, as JSON text. Keep it secret. */
export function newIssuerKeyFile(): string {
  return encodeIssuerKey(generateIssuerKey());
}
