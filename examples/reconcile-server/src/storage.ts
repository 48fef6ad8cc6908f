/**
 * Where the server keeps its ledger (reconciled intents and verdicts) and its
 * idempotency keys: both in one database, so one backup holds the whole state.
 */
import { createMemoryLedger, type Ledger } from '@tallystick/reconcile';
import { createPostgresLedger, type SqlClient, type SqlPool } from '@tallystick/reconcile/postgres';
import type { IdempotencyStore, ScopeQuota } from '@tallystick/replay';
import { createMemoryStore } from '@tallystick/replay/memory';
import { createPostgresStore } from '@tallystick/replay/postgres';

/**
 * Where state lives.
 *
 * - `memory`: nothing survives the process; fastest, for tests and demos.
 * - `pglite`: embedded Postgres (WebAssembly) in `dataDir`, or in memory when
 *   `dataDir` is omitted. One process only.
 * - `postgres`: a real server (`pg.Pool`); any number of server processes may share it.
 */
export type StorageOptions =
  | { readonly kind: 'memory' }
  | { readonly kind: 'pglite'; readonly dataDir?: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

/**
 * New Idempotency-Keys per device per minute: a till replaying a day offline
 * sends a few batches of up to 1,000 intents, far below this; a client
 * flooding junk keys gets 429 after it, and every other till carries on.
 */
export const DEFAULT_IDEMPOTENCY_QUOTA: ScopeQuota = { maxKeys: 600, windowMs: 60_000 };

/** Limits the storage enforces. */
export interface StorageLimits {
  /** Default {@link DEFAULT_IDEMPOTENCY_QUOTA}. */
  readonly quota?: ScopeQuota;
  /** Told about errors of idle database connections (a restart, a network cut); default: logged. */
  readonly onConnectionError?: (error: Error) => void;
}

/** The opened storage. */
export interface Storage {
  readonly ledger: Ledger;
  readonly idempotency: IdempotencyStore;
  /** For logs and `/health`, without credentials. */
  readonly description: string;
  /** Cheap round trip to the database, for `/health`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) the storage named by `options`. */
export async function openStorage(options: StorageOptions, limits: StorageLimits = {}): Promise<Storage> {
  const quota = limits.quota ?? DEFAULT_IDEMPOTENCY_QUOTA;
  if (options.kind === 'memory') {
    return {
      ledger: createMemoryLedger(),
      idempotency: createMemoryStore({ quota }),
      description: 'memory',
      ping: async () => {},
      close: async () => {},
    };
  }
  if (options.kind === 'pglite') return openPglite(options.dataDir, quota);
  const onError =
    limits.onConnectionError ??
    ((error: Error) => console.warn(`[reconcile-server] postgres connection lost: ${error.message}`));
  return openPostgres(options.url, options.schema ?? 'public', quota, onError);
}

async function openPostgres(
  url: string,
  schema: string,
  quota: ScopeQuota,
  onError: (error: Error) => void,
): Promise<Storage> {
  const { default: pg } = await import('pg');
  // A bounded connect wait: during an outage requests get 503 in seconds instead of hanging.
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5_000 });
  // Without this listener an idle connection dropped by a database restart is an
  // unhandled 'error' event, and the whole server exits.
  pool.on('error', onError);
  try {
    const ledger = await createPostgresLedger({ pool: pool as unknown as SqlPool, schema });
    const idempotency = createPostgresStore({
      client: pool,
      table: `${schema}.tallystick_idempotency`,
      quota,
    });
    // Safe here because one server starts at a time in this example; a fleet would migrate at deploy time.
    await idempotency.ensureSchema();
    return {
      ledger,
      idempotency,
      description: `postgres ${redact(url)} schema ${schema}`,
      ping: async () => void (await pool.query('SELECT 1')),
      close: async () => {
        await ledger.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function openPglite(dataDir: string | undefined, quota: ScopeQuota): Promise<Storage> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  const pool = serialized(db as unknown as SqlClient);
  try {
    // PGlite is one connection. The ledger runs BEGIN…COMMIT through `connect()`,
    // so the pool below lends that connection to one transaction at a time and
    // makes every other statement (the idempotency store's, the report's) wait:
    // otherwise a key claim could land inside, and roll back with, a ledger transaction.
    const ledger = await createPostgresLedger({ pool });
    const idempotency = createPostgresStore({ client: pool, quota });
    await idempotency.ensureSchema();
    return {
      ledger,
      idempotency,
      description: dataDir === undefined ? 'pglite (in memory)' : `pglite ${dataDir}`,
      ping: async () => void (await pool.query('SELECT 1')),
      close: async () => {
        await ledger.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** A one-connection pool: statements and checked-out transactions run strictly one after another. */
function serialized(connection: SqlClient): SqlPool {
  let tail: Promise<void> = Promise.resolve();
  const acquire = async (): Promise<() => void> => {
    let release!: () => void;
    const previous = tail;
    tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  };
  return {
    async query(text, params) {
      const release = await acquire();
      try {
        return await connection.query(text, params);
      } finally {
        release();
      }
    },
    async connect() {
      const release = await acquire();
      let released = false;
      return {
        query: (text: string, params?: unknown[]) => connection.query(text, params),
        release() {
          if (!released) release();
          released = true;
        },
      };
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}
