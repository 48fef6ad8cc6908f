/**
 * `npm start --workspace examples/reconcile-server`: the server, configured
 * from the environment (see README.md).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newKeysFile, parseKeysFile, type ServerKeys } from './keys.js';
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
  if (env.ISSUER_KEYS) return { keys: parseKeysFile(env.ISSUER_KEYS, 'ISSUER_KEYS'), source: 'ISSUER_KEYS' };
  const file = env.ISSUER_KEYS_FILE;
  if (file) return { keys: parseKeysFile(readFileSync(file, 'utf8'), file), source: file };
  if (!persistent) return { keys: {}, source: 'a key generated for this run (state is in memory)' };
  // Persistent state needs a persistent key, or yesterday's receipts stop verifying.
  const path = join(dataRoot, 'issuer-keys.json');
  if (!existsSync(path)) {
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(path, newKeysFile(), { mode: 0o600 });
  }
  return { keys: parseKeysFile(readFileSync(path, 'utf8'), path), source: path };
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
