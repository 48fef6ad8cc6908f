import { TallystickError, tryDecodeHex } from '@tallystick/core';
import { prepareKey, publicKeyFromSecret, sign, verifyPrepared } from './crypto/index.js';
import { kidFromPublicKey, type VerificationKey } from './keys.js';
import { hexOf } from './lib/encode.js';
import { copyBytes, isBytes } from './lib/input.js';
import { readU32, SIZE } from './lib/layout.js';
import {
  compareAt,
  containsSorted,
  encodeRevocation,
  MAX_REVOKED,
  parseRevocation,
  signedMessage,
} from './lib/revocation-codec.js';

/**
 * Revoked key ids and token ids, loadable offline. The bytes are compact
 * (16 bytes per token, 4 per key: see docs/spec/token-format.md) and a lookup
 * is a binary search over them with no allocation, so checking a token costs
 * well under a microsecond even with a million entries.
 *
 * @example
 * ```ts
 * import { RevocationList } from '@tallystick/token';
 * const list = RevocationList.create({ tokenIds: ['00112233445566778899aabbccddeeff'] });
 * list.hasTokenId('00112233445566778899aabbccddeeff'); // true
 * ```
 */
export class RevocationList {
  /** When the list was made, epoch ms (whole seconds). A terminal can refuse lists that are too old. */
  readonly issuedAt: number;
  /** Number of revoked keys and of revoked tokens. */
  readonly size: { readonly kids: number; readonly tokens: number };
  readonly #kids: Uint8Array;
  readonly #ids: Uint8Array;

  private constructor(issuedAtSeconds: number, kids: Uint8Array, ids: Uint8Array) {
    this.issuedAt = issuedAtSeconds * 1000;
    this.#kids = kids;
    this.#ids = ids;
    this.size = Object.freeze({ kids: kids.length / SIZE.kid, tokens: ids.length / SIZE.tokenId });
  }

  /**
   * Builds a list from key ids and token ids (hex, as in `token.kid` and
   * `token.id`); order and duplicates do not matter.
   *
   * @throws {TypeError} if a field has the wrong type.
   * @throws {RangeError} if an id is not lower-case hex of the right length, `issuedAt` is not whole
   * seconds from 1970 to 2106, or there are more than 2^20 ids.
   * @example
   * ```ts
   * import { RevocationList } from '@tallystick/token';
   * const list = RevocationList.create({ kids: ['0a1b2c3d'], issuedAt: Date.UTC(2026, 0, 1) });
   * ```
   */
  static create(options: { kids?: readonly string[]; tokenIds?: readonly string[]; issuedAt?: number } = {}) {
    const issuedAt = options.issuedAt ?? 0;
    if (
      !Number.isSafeInteger(issuedAt) ||
      issuedAt % 1000 !== 0 ||
      issuedAt < 0 ||
      issuedAt / 1000 > 0xffff_ffff
    ) {
      throw new RangeError('issuedAt must be whole seconds in epoch ms, 1970 to 2106');
    }
    const kids = sortedUnique(options.kids ?? [], SIZE.kid, 'kids');
    const ids = sortedUnique(options.tokenIds ?? [], SIZE.tokenId, 'tokenIds');
    return new RevocationList(issuedAt / 1000, kids, ids);
  }

  /**
   * Loads a list from its bytes. With `keys`, the list must be signed by one
   * of them; without, it is trusted as delivered (use an authenticated channel).
   *
   * @throws {TypeError} if `bytes` is not a Uint8Array.
   * @throws {TallystickError} `ERR_TOKEN` if the bytes are not a canonical v1 list, or `keys` is
   * given and the list is unsigned, signed by an unknown kid, or its signature fails.
   * @example
   * ```ts
   * import { RevocationList } from '@tallystick/token';
   * const list = RevocationList.fromBytes(RevocationList.create().toBytes());
   * list.size.tokens; // 0
   * ```
   */
  static fromBytes(bytes: Uint8Array, options: { keys?: readonly VerificationKey[] } = {}): RevocationList {
    // A private copy read through the intrinsics: a Proxy, a DataView or a
    // getter gets a TypeError, and nothing can change the bytes mid-parse.
    const own = copyBytes(bytes, 2 ** 31);
    if (!own) throw new TypeError('bytes must be a Uint8Array');
    const parsed = parseRevocation(own);
    if (typeof parsed === 'string') throw new TallystickError('ERR_TOKEN', parsed);
    if (options.keys !== undefined) {
      if (!parsed.signed) throw new TallystickError('ERR_TOKEN', 'revocation list is not signed');
      const { kid, message, signature } = parsed.signed;
      const entry = options.keys.find(
        (k) => isBytes(k.publicKey) && readU32(hexOf(k.kid, 4, 'kid'), 0) === kid,
      );
      if (!entry) throw new TallystickError('ERR_TOKEN', 'revocation list is signed by an unknown key');
      const key = prepareKey(entry.publicKey);
      if (!key || !verifyPrepared(key, signature, message)) {
        throw new TallystickError('ERR_TOKEN', 'revocation list signature does not verify');
      }
    }
    return new RevocationList(parsed.issuedAtSeconds, parsed.kids, parsed.ids);
  }

  /**
   * Serializes the list, signed when `signer` is given.
   *
   * @throws {RangeError} if the signer's kid or secret key is malformed.
   * @throws {TallystickError} `ERR_KEY` if the signer's kid is not its secret key's (no terminal
   * could check the signature).
   * @example
   * ```ts
   * import { generateIssuerKey, RevocationList } from '@tallystick/token';
   * const key = generateIssuerKey();
   * const bytes = RevocationList.create().toBytes({ secretKey: key.secretKey, kid: key.kid });
   * ```
   */
  toBytes(signer?: { secretKey: Uint8Array; kid: string }): Uint8Array {
    const data = { issuedAtSeconds: this.issuedAt / 1000, kids: this.#kids, ids: this.#ids };
    if (!signer) return encodeRevocation(data, undefined);
    const out = encodeRevocation(data, hexOf(signer.kid, SIZE.kid, 'signer.kid'));
    const kid = kidFromPublicKey(publicKeyFromSecret(signer.secretKey));
    if (kid !== signer.kid) {
      throw new TallystickError(
        'ERR_KEY',
        `signer.kid "${signer.kid}" is not this key's: its kid is "${kid}"`,
      );
    }
    out.set(sign(signedMessage(out), signer.secretKey), out.length - SIZE.signature);
    return out;
  }

  /**
   * Whether a token id (32 hex digits, or its 16 bytes) is revoked.
   *
   * @example
   * ```ts
   * import { RevocationList } from '@tallystick/token';
   * RevocationList.create().hasTokenId('00112233445566778899aabbccddeeff'); // false
   * ```
   */
  hasTokenId(id: string | Uint8Array): boolean {
    const bytes = isBytes(id) ? id : hexOrUndefined(id, SIZE.tokenId);
    return bytes !== undefined && bytes.length === SIZE.tokenId && this.hasTokenIdAt(bytes, 0);
  }

  /**
   * Whether a key id (8 hex digits) is revoked.
   *
   * @example
   * ```ts
   * import { RevocationList } from '@tallystick/token';
   * RevocationList.create({ kids: ['0a1b2c3d'] }).hasKid('0a1b2c3d'); // true
   * ```
   */
  hasKid(kid: string): boolean {
    const bytes = hexOrUndefined(kid, SIZE.kid);
    return bytes !== undefined && containsSorted(this.#kids, SIZE.kid, bytes, 0);
  }

  /** @internal The verifier's allocation-free check: the 16 id bytes at `buf[at..]`. */
  hasTokenIdAt(buf: Uint8Array, at: number): boolean {
    return containsSorted(this.#ids, SIZE.tokenId, buf, at);
  }

  /** @internal The verifier's allocation-free check: the 4 kid bytes at `buf[at..]`. */
  hasKidAt(buf: Uint8Array, at: number): boolean {
    return this.#kids.length > 0 && containsSorted(this.#kids, SIZE.kid, buf, at);
  }
}

function hexOrUndefined(value: unknown, bytes: number): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length !== bytes * 2 || value !== value.toLowerCase())
    return undefined;
  return tryDecodeHex(value);
}

function sortedUnique(values: readonly string[], width: number, name: string): Uint8Array {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of hex strings`);
  if (values.length > MAX_REVOKED) throw new RangeError(`${name} holds more than 2^20 entries`);
  const decoded = values.map((v, i) => hexOf(v, width, `${name}[${i}]`));
  decoded.sort((a, b) => compareAt(a, 0, b, 0, width));
  const out = new Uint8Array(decoded.length * width);
  let n = 0;
  for (const item of decoded) {
    if (n > 0 && compareAt(out, (n - 1) * width, item, 0, width) === 0) continue;
    out.set(item, n * width);
    n++;
  }
  return out.slice(0, n * width);
}
