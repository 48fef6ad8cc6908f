import { guardConnectionErrors, type JsonValue, TallystickError } from '@tallystick/core';
import type { GroupState, Ledger, LedgerCounts, LedgerTransaction, Verdict } from './ledger.js';
import { createMutex } from './lib/mutex.js';
import { compareText } from './lib/order.js';
import { fingerprintsOn, transactionOn } from './lib/pg-transaction.js';
import { type Statements, statements } from './lib/sql.js';

/**
 * The one method the ledger needs from a Postgres connection. `pg.Client`,
 * a connection from `pg.Pool#connect()` and `PGlite` all have it.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPostgresLedger, type SqlClient } from '@tallystick/reconcile/postgres';
 * const db = new PGlite();
 * const logged: SqlClient = { query: (text, params) => (console.log(text), db.query(text, params as unknown[])) };
 * const ledger = await createPostgresLedger({ client: logged, schema: 'shop_1' });
 * ```
 */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * A pool of connections, such as `pg.Pool`: each transaction checks one out.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import type { SqlPool } from '@tallystick/reconcile/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
 * pool.on('error', (error) => console.warn('postgres:', error.message)); // never crash on a dropped connection
 * const sqlPool: SqlPool = pool;
 * ```
 */
export interface SqlPool extends SqlClient {
  connect(): Promise<SqlClient & { release(error?: Error | boolean): void }>;
}

/**
 * Options for {@link createPostgresLedger}. Give exactly one of `client` (one
 * connection: transactions run one at a time in this process) or `pool`
 * (transactions run in parallel, one connection each).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresLedger, type PostgresLedgerOptions } from '@tallystick/reconcile/postgres';
 * const options: PostgresLedgerOptions = { pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }), schema: 'shop_1', prefix: 'tallystick_' };
 * const ledger = await createPostgresLedger(options);
 * ```
 */
export interface PostgresLedgerOptions {
  readonly client?: SqlClient;
  readonly pool?: SqlPool;
  /** Schema for the tables, created if missing. Default `public`. */
  readonly schema?: string;
  /** Table name prefix. Default `tallystick_`. */
  readonly prefix?: string;
  /** Times a transaction is retried after a deadlock or serialization failure. Default 8. */
  readonly retries?: number;
}

const RETRYABLE = new Set(['40P01', '40001']);
const PAGE = 1000;

/**
 * A ledger in Postgres (or PGlite): the real deployment. Several reconciler
 * processes may share one database: each locks the groups its batch touches
 * (advisory locks, taken in one global order) and an intent's id is its primary
 * key, so every intent is applied once and the result equals one process's.
 * Creates its schema and tables on first use.
 *
 * @throws {TypeError} unless exactly one of `client` and `pool` is given, or if a
 * `pg.Pool` is passed as `client` (its queries would land on different connections).
 * @throws {RangeError} for a schema or prefix that is not a plain SQL identifier.
 * @throws {TallystickError} `ERR_STORE` if the tables cannot be created.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createReconciler } from '@tallystick/reconcile';
 * import { createPostgresLedger } from '@tallystick/reconcile/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.warn('postgres:', error.message));
 * const ledger = await createPostgresLedger({ pool, schema: 'shop_1' });
 * const reconciler = createReconciler({ ledger });
 * ```
 */
export async function createPostgresLedger(options: PostgresLedgerOptions): Promise<Ledger> {
  const { client, pool } = options ?? {};
  if ((client === undefined) === (pool === undefined))
    throw new TypeError('give exactly one of client and pool');
  if (client && typeof (client as Partial<SqlPool>).connect === 'function' && 'totalCount' in client) {
    throw new TypeError(
      'this looks like a pg.Pool: pass it as `pool`, so each transaction gets one connection',
    );
  }
  const connection = client ?? pool!;
  // A pg.Pool's idle connections, or a pg.Client, dropped without an 'error' listener would end the process.
  guardConnectionErrors(connection);
  if (typeof connection.query !== 'function')
    throw new TypeError('client/pool must have a query(text, params) method');
  const sql = statements(options.schema ?? 'public', options.prefix ?? 'tallystick_');
  const retries = options.retries ?? 8;
  const exclusive = createMutex();

  const withConnection = async <T>(work: (c: SqlClient) => Promise<T>): Promise<T> => {
    if (!pool) return exclusive(() => work(client!));
    const c = await pool.connect();
    // pg.Pool listens for errors only on idle connections: one that drops while
    // checked out (between a transaction's statements) would emit an unhandled
    // 'error' and end the process. The failing statement reports it instead.
    const events = c as Partial<Pick<NodeJS.EventEmitter, 'on' | 'off'>>;
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    events.on?.('error', onError);
    try {
      return await work(c);
    } catch (error) {
      broken = error instanceof Error ? error : broken;
      throw error;
    } finally {
      events.off?.('error', onError);
      c.release(broken);
    }
  };
  const read = <T>(work: (c: SqlClient) => Promise<T>): Promise<T> =>
    pool ? work(pool) : exclusive(() => work(client!));

  const transaction = async <T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await withConnection(async (c) => {
          await c.query('BEGIN');
          try {
            const tx = transactionOn(c, sql);
            const result = await work(tx);
            await tx.flush();
            await c.query('COMMIT');
            return result;
          } catch (error) {
            await c.query('ROLLBACK').catch(() => undefined);
            throw error;
          }
        });
      } catch (error) {
        if (attempt >= retries || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  };

  try {
    await migrate(withConnection, sql);
  } catch (error) {
    throw new TallystickError('ERR_STORE', `cannot prepare the ledger tables: ${(error as Error).message}`, {
      cause: error,
    });
  }

  return {
    name: 'postgres',
    transaction,
    fingerprints: (ids) => read((c) => fingerprintsOn(c, sql, ids)),
    counts: () =>
      read(async (c): Promise<LedgerCounts> => {
        const { rows } = await c.query(sql.counts);
        const pairs = rows.map((r) => [String(r.type), Number(r.n)] as [string, number]);
        pairs.sort((a, b) => compareText(a[0], b[0]));
        return { intents: pairs.reduce((sum, [, n]) => sum + n, 0), byType: Object.fromEntries(pairs) };
      }),
    async *verdicts() {
      let after: Record<string, unknown> | undefined;
      for (;;) {
        const { rows } = await read((c) =>
          after
            ? c.query(sql.verdictPage, [PAGE, after.intent_id, after.kind, after.grp])
            : c.query(sql.verdictFirst, [PAGE]),
        );
        for (const row of rows) yield row.body as Verdict;
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1];
      }
    },
    async *states() {
      let after: string | undefined;
      for (;;) {
        const { rows } = await read((c) =>
          after === undefined ? c.query(sql.stateFirst, [PAGE]) : c.query(sql.statePage, [PAGE, after]),
        );
        for (const row of rows)
          yield { key: String(row.key), state: row.state as JsonValue } satisfies GroupState;
        if (rows.length < PAGE) return;
        after = String(rows[rows.length - 1]!.key);
      }
    },
    async close() {
      // The caller owns the client or pool and closes it.
    },
  };
}

async function migrate(
  withConnection: <T>(work: (c: SqlClient) => Promise<T>) => Promise<T>,
  sql: Statements,
): Promise<void> {
  await withConnection(async (c) => {
    await c.query('BEGIN');
    try {
      // Concurrent CREATE ... IF NOT EXISTS can still collide in the catalog; one at a time.
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `tallystick:migrate:${sql.namespace}`,
      ]);
      for (const statement of sql.ddl) await c.query(statement);
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
