/**
 * Where the server keeps its ledger (reconciled intents and verdicts) and its
 * idempotency keys: both in one database, so one backup holds the whole state.
 */
import { createMemoryLedger, type Ledger } from '@tallystick/reconcile';
import { createPostgresLedger, type SqlClient, type SqlPool } from '@tallystick/reconcile/postgres';
import type { IdempotencyStore } from '@tallystick/replay';
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
export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.kind === 'memory') {
    return {
      ledger: createMemoryLedger(),
      idempotency: createMemoryStore(),
      description: 'memory',
      ping: async () => {},
      close: async () => {},
    };
  }
  if (options.kind === 'pglite') return openPglite(options.dataDir);
  return openPostgres(options.url, options.schema ?? 'public');
}

async function openPostgres(url: string, schema: string): Promise<Storage> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  try {
    const ledger = await createPostgresLedger({ pool: pool as unknown as SqlPool, schema });
    const idempotency = createPostgresStore({ client: pool, table: `${schema}.tallystick_idempotency` });
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

async function openPglite(dataDir: string | undefined): Promise<Storage> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  const pool = serialized(db as unknown as SqlClient);
  try {
    // PGlite is one connection. The ledger runs BEGIN…COMMIT through `connect()`,
    // so the pool below lends that connection to one transaction at a time and
    // makes every other statement (the idempotency store's, the report's) wait:
    // otherwise a key claim could land inside, and roll back with, a ledger transaction.
    const ledger = await createPostgresLedger({ pool });
    const idempotency = createPostgresStore({ client: pool });
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
