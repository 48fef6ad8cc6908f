/**
 * `npm start --workspace examples/reconcile-server`: the server, configured
 * from the environment (see README.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KeyFileTexts, newIssuerKeyFile, readServerKeys, type ServerKeys } from './keys.js';
import { startServer } from './server.js';
import type { StorageOptions } from './storage.js';

const env = process.env;
const home = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = join(home, '.data');

function storageFromEnv(): StorageOptions {
  const url = env.DATABASE_URL;
  if (url === 'memory') return { kind: 'memory' };
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) fail(`DATABASE_URL must be postgres://… or "memory", got ${url}`);
    return { kind: 'postgres', url, ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}) };
  }
  if (env.DATA_DIR === 'memory') return { kind: 'pglite' };
  return { kind: 'pglite', dataDir: resolve(env.DATA_DIR ?? join(dataRoot, 'pglite')) };
}

function keysFromEnv(persistent: boolean): { keys: ServerKeys; source: string } {
  if (env.ISSUER_KEYS !== undefined || env.ISSUER_KEYS_FILE !== undefined) {
    throw new Error(
      'ISSUER_KEYS and ISSUER_KEYS_FILE are gone: set ISSUER_KEY_FILE to an issuer key file (tallystick keygen --out) and TRUSTED_KEYS_FILE to a key set (see README.md)',
    );
  }
  const trusted = env.TRUSTED_KEYS_FILE;
  const files: KeyFileTexts = trusted
    ? { trustedKeys: { text: readFileSync(trusted, 'utf8'), source: trusted } }
    : {};
  if (env.ISSUER_KEY) {
    const keys = readServerKeys({ ...files, issuerKey: { text: env.ISSUER_KEY, source: 'ISSUER_KEY' } });
    return { keys, source: 'ISSUER_KEY' };
  }
  let path = env.ISSUER_KEY_FILE;
  if (!path) {
    if (!persistent) {
      return { keys: readServerKeys(files), source: 'a key generated for this run (state is in memory)' };
    }
    // Persistent state needs a persistent key, or yesterday's receipts stop verifying.
    path = join(dataRoot, 'issuer-key.json');
    // A new key beside the 0.1 file would silently stop yesterday's receipts verifying.
    const old = join(dataRoot, 'issuer-keys.json');
    if (existsSync(old) && !existsSync(path)) {
      throw new Error(`${old} is a 0.1 keys file: convert its signing key to ${path} (see README.md)`);
    }
    if (!existsSync(path)) {
      mkdirSync(dataRoot, { recursive: true });
      writeFileSync(path, newIssuerKeyFile(), { mode: 0o600, flag: 'wx' });
    }
  }
  const keys = readServerKeys({ ...files, issuerKey: { text: readFileSync(path, 'utf8'), source: path } });
  return { keys, source: path };
}

function fail(message: string): never {
  console.error(`reconcile-server: ${message}`);
  process.exit(2);
}

const port = Number(env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT must be 0-65535, got ${env.PORT}`);
const storage = storageFromEnv();
const persistent =
  storage.kind === 'postgres' || (storage.kind === 'pglite' && storage.dataDir !== undefined);
const { keys, source } = (() => {
  try {
    return keysFromEnv(persistent);
  } catch (error) {
    return fail(`issuer keys: ${error instanceof Error ? error.message : String(error)}`);
  }
})();
const server = await startServer({
  port,
  host: env.HOST ?? '127.0.0.1',
  storage,
  keys,
  ...(env.STATIC_DIR ? { staticDir: resolve(env.STATIC_DIR) } : {}),
}).catch((error: unknown) => fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`));

console.log(`reconcile-server listening on ${server.url}`);
console.log(`  storage: ${server.storage}`);
console.log(`  signing key ${server.issuer.kid} from ${source}; ${server.trustedKeys.length} trusted key(s)`);
if (env.STATIC_DIR) console.log(`  serving ${resolve(env.STATIC_DIR)} at ${server.url}/`);
console.log('  routes: POST /intents, GET /report, /health, /metrics, /products, /keys, POST /receipt-codes');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: closing`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
