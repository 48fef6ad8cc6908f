/**
 * node:crypto (OpenSSL) behind a runtime probe instead of a static `node:`
 * import, so the main entry still loads in browsers, React Native and edge
 * runtimes and simply reports native as unavailable there.
 */

interface NodeKeyObject {
  readonly type: string;
}

interface NodeCrypto {
  createPublicKey(options: { key: Uint8Array; format: 'der'; type: 'spki' }): NodeKeyObject;
  verify(algorithm: null, data: Uint8Array, key: NodeKeyObject, signature: Uint8Array): boolean;
}

/** SubjectPublicKeyInfo prefix for a raw Ed25519 key (RFC 8410): algorithm 1.3.101.112. */
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

let probed = false;
let nodeCrypto: NodeCrypto | undefined;

/** node:crypto when this runtime has it with Ed25519 support, else undefined; probed once. */
export function loadNodeCrypto(): NodeCrypto | undefined {
  if (probed) return nodeCrypto;
  probed = true;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = typeof proc?.getBuiltinModule === 'function' ? proc.getBuiltinModule('node:crypto') : undefined;
  const candidate = mod as Partial<NodeCrypto> | undefined;
  if (
    candidate &&
    typeof candidate.createPublicKey === 'function' &&
    typeof candidate.verify === 'function'
  ) {
    nodeCrypto = candidate as NodeCrypto;
  }
  return nodeCrypto;
}

/**
 * Wraps a raw 32-byte key as a KeyObject once, so each verify hands OpenSSL a
 * parsed key instead of re-parsing DER. Undefined if OpenSSL refuses it.
 */
export function createNativeKey(publicKey: Uint8Array): NodeKeyObject | undefined {
  const crypto = loadNodeCrypto();
  if (!crypto) return undefined;
  const der = new Uint8Array(SPKI_PREFIX.length + 32);
  der.set(SPKI_PREFIX, 0);
  der.set(publicKey, SPKI_PREFIX.length);
  try {
    // Cold path, once per key: OpenSSL reports a refused key only by throwing.
    return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
}

/** OpenSSL's cofactorless verdict; the caller has already applied the strict byte rule. */
export function nativeVerify(keyObject: NodeKeyObject, signature: Uint8Array, message: Uint8Array): boolean {
  // Non-null: a KeyObject exists only if loadNodeCrypto succeeded.
  return nodeCrypto!.verify(null, message, keyObject, signature);
}

export type { NodeKeyObject };
