/**
 * @packageDocumentation
 * A server-side outbox on Postgres (`pg`, an optional peer dependency): many
 * workers on many machines claim batches with `FOR UPDATE SKIP LOCKED`.
 */
import { guardConnectionErrors } from '@tallystick/core';
import pg from 'pg';
import { toStoreError } from './lib/errors.js';
import { fillChecksums, postgresSql } from './lib/pg-sql.js';
import { PostgresQueueStore } from './lib/pg-store.js';
import { checkIdentifier } from './lib/sql-row.js';
import type { QueueStore } from './store.js';

/**
 * Options for {@link openPostgresStore}: a `pool` you own, or a `connectionString`.
 * Give a pool you pass its own `'error'` listener to log what it meets (see
 * the example); the store adds a silent one in any case, so a database restart
 * never ends your process.
 *
 * @example
 * ```ts
 * import { guardConnectionErrors } from '@tallystick/core';
import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: 'postgres://app@db/shop', connectionTimeoutMillis: 5_000 });
 * pool.on('error', (error) => console.warn('postgres:', error.message));
 * const options: PostgresStoreOptions = { pool, table: 'pos_outbox' };
 * ```
 */
export interface PostgresStoreOptions {
  pool?: pg.Pool;
  connectionString?: string;
  /**
   * Told about errors of the pool the store creates from `connectionString`
   * (an idle connection dropped by a restart or a network cut). Default: ignored,
   * since the next query reports the outage anyway as `ERR_SERVICE_UNAVAILABLE`.
   * The store always listens, so such an error never crashes the process.
   */
  onPoolError?: (error: Error) => void;
  /** Table name (the HLC mark lives in `<table>_meta`). Default `tallystick_intents`. */
  table?: string;
  /** Create the tables if missing. Default true. */
  createTables?: boolean;
}

/**
 * A {@link QueueStore} in Postgres, for a back office's outbox.
 *
 * @example
 * ```ts
 * import { openPostgresStore } from '@tallystick/queue/postgres';
 * const store: PostgresStore = await openPostgresStore({ connectionString: process.env.DATABASE_URL! });
 * await store.pool.query('SELECT 1');
 * ```
 */
export interface PostgresStore extends QueueStore {
  readonly pool: pg.Pool;
}

/**
 * Opens a Postgres queue store. Any number of workers may deliver from it at
 * once: a claim locks candidate rows with `FOR UPDATE SKIP LOCKED` and leases
 * them, so no two workers send one intent while its lease runs, and a
 * partition's next intent waits until its head is settled. Leases compare the
 * workers' clocks, so keep them in sync (NTP).
 *
 * @throws {TypeError} if neither `pool` nor `connectionString` is given, or `table` is not a plain identifier.
 * @throws {TallystickError} `ERR_SERVICE_UNAVAILABLE` if Postgres cannot be reached, `ERR_STORE` if
 *   the tables cannot be created. Every method of the store rejects the same way during an outage
 *   (nothing of that call is stored) and works again once the database is back.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { createHttpSender } from '@tallystick/queue/http';
 * import { openPostgresStore } from '@tallystick/queue/postgres';
 *
 * const store = await openPostgresStore({ connectionString: 'postgres://app@db/shop' });
 * const queue = createIntentQueue({ store, device: 'backoffice-1', send: createHttpSender({ url: 'https://erp/intents' }) });
 * ```
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const table = checkIdentifier(options?.table ?? 'tallystick_intents', 'options.table');
  if (!options.pool && typeof options.connectionString !== 'string') {
    throw new TypeError('options.pool or options.connectionString is required');
  }
  const ownPool = !options.pool;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
  if (ownPool) {
    const onPoolError = options.onPoolError ?? (() => undefined);
    pool.on('error', (error) => onPoolError(error));
  } else {
    // A pool you pass gets a listener too (once), so a forgotten one cannot crash the process.
    guardConnectionErrors(pool);
  }
  const sql = postgresSql(table);
  if (options.createTables ?? true) {
    const client = await pool.connect().catch((error: unknown) => {
      if (ownPool) void pool.end();
      throw toStoreError(error, 'connecting to Postgres');
    });
    try {
      // Serialize concurrent first starts: CREATE ... IF NOT EXISTS races on the catalog otherwise.
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
      await client.query(sql.schema);
      await fillChecksums(client, sql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (ownPool) void pool.end();
      throw toStoreError(error, `creating ${table}`);
    } finally {
      client.release();
    }
  }
  return new PostgresQueueStore(pool, ownPool, sql);
}
