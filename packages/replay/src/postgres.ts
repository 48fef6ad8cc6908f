import {
  type Clock,
  guardConnectionErrors,
  systemClock,
  TallystickError,
  toBackendError,
} from '@tallystick/core';
import {
  type ClaimRow,
  claimSql,
  completeSql,
  countSql,
  peekSql,
  purgeQuotaSql,
  purgeSql,
  quotaTable,
  quoteTable,
  releaseSql,
  schemaSql,
} from './lib/pg-sql.js';
import { assertQuota, claimWithQuota, type QuotaBackend } from './lib/quota.js';
import { judge } from './lib/records.js';
import { markAbandonedClaim } from './lib/settle-retry.js';
import {
  assertClaimOptions,
  assertCompleteArgs,
  assertFingerprint,
  assertKey,
  assertToken,
  decodeResponse,
  encodeResponse,
  newClaimToken,
} from './lib/validate.js';
import type {
  ClaimOptions,
  ClaimResult,
  IdempotencyKey,
  IdempotencyStore,
  ScopeQuota,
  StoredResponse,
} from './store.js';

/**
 * The least a Postgres client must offer: `pg`'s `Pool` and `Client` and
 * PGlite all fit. Use a pool in servers; the store issues one statement per
 * call and never holds a connection between calls. Give a `pg.Pool` an
 * `'error'` listener to log what it meets: without any, an idle connection
 * dropped by a database restart is an unhandled error that ends the process
 * (the store adds a silent one to the client it is given, as a safety net).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1/test', connectionTimeoutMillis: 5_000 });
 * pool.on('error', (error) => console.warn('postgres:', error.message));
 * const client: SqlClient = pool;
 * ```
 */
export interface SqlClient {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Options for {@link createPostgresStore}.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const options: PostgresStoreOptions = {
 *   client: new PGlite(),
 *   table: 'idempotency_keys',
 *   quota: { maxKeys: 1_000, windowMs: 60_000 },
 * };
 * ```
 */
export interface PostgresStoreOptions {
  readonly client: SqlClient;
  /** Table name, optionally `schema.table`, lower-case (default `tallystick_idempotency`). */
  readonly table?: string;
  /** Where time comes from; the system clock by default. Servers sharing a table need clocks within a second or so. */
  readonly clock?: Clock;
  /** New keys per scope per window (default none), counted in `<table>_quota` so every server shares the count. */
  readonly quota?: ScopeQuota;
}

/**
 * The Postgres store, with its schema helpers.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createPostgresStore } from '@tallystick/replay/postgres';
 * const store: PostgresIdempotencyStore = createPostgresStore({ client: new PGlite() });
 * await store.ensureSchema();
 * ```
 */
export interface PostgresIdempotencyStore extends IdempotencyStore {
  /** The quoted table name the store uses. */
  readonly table: string;
  /** The `CREATE TABLE`/`CREATE INDEX` statements (records and `<table>_quota`), for your migration tool. */
  readonly schemaSql: string;
  /**
   * Creates the table and index if they do not exist. Run it once at deploy
   * time, not from every process at start-up: concurrent `CREATE TABLE IF NOT
   * EXISTS` can collide in Postgres.
   *
   * @throws {TallystickError} `ERR_STORE` if Postgres refuses.
   */
  ensureSchema(): Promise<void>;
  /**
   * Deletes up to `limit` (default 10,000) records past their TTL, and the
   * quota counters of past windows, and resolves how many records. Expired rows are already ignored by every claim; this
   * only reclaims space. Run it from a timer or cron.
   *
   * @throws {TallystickError} `ERR_STORE` if Postgres refuses.
   */
  purgeExpired(limit?: number): Promise<number>;
}

/**
 * An idempotency store on Postgres (`pg` or PGlite). The claim is one atomic
 * statement on the (scope, key) primary key: `INSERT … ON CONFLICT DO NOTHING`
 * for a new key, a conditional `UPDATE … WHERE <expired, or lease lapsed with
 * the same fingerprint>` to take over, and the current row otherwise, so any
 * number of servers sharing the table agree on one owner per key. Completion
 * and release check the owner's token in their `WHERE`. A retry of a
 * completed key writes nothing.
 *
 * @throws {TypeError} if `client` has no `query` method or `table` is not a string.
 * @throws {RangeError} if `table` is not a plain lower-case SQL name, or a `quota` field is not a positive integer.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresStore } from '@tallystick/replay/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5_000 });
 * pool.on('error', (error) => console.warn('postgres:', error.message)); // a dropped idle connection must not crash
 * const store = createPostgresStore({ client: pool, quota: { maxKeys: 1_000, windowMs: 60_000 } });
 * await store.ensureSchema(); // once, at deploy time
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresIdempotencyStore {
  const { client } = options;
  if (client === null || typeof client !== 'object' || typeof client.query !== 'function') {
    throw new TypeError('client must have a query(text, params) method (pg Pool/Client or PGlite)');
  }
  // A pg.Pool or pg.Client without an 'error' listener would crash the process on a dropped connection.
  guardConnectionErrors(client);
  const clock = options.clock ?? systemClock;
  assertQuota(options.quota);
  const { quoted, bare } = quoteTable(options.table ?? 'tallystick_idempotency');
  const quota = quotaTable(quoted, bare);
  const sql = {
    schema: schemaSql(quoted, bare),
    claim: claimSql(quoted),
    complete: completeSql(quoted),
    release: releaseSql(quoted),
    purge: purgeSql(quoted),
    count: countSql(quota),
    peek: peekSql(quoted, quota),
    purgeQuota: purgeQuotaSql(quota),
  };

  async function query(what: string, text: string, params?: unknown[]): Promise<unknown[]> {
    try {
      return (await client.query(text, params)).rows;
    } catch (cause) {
      // A dropped or refused connection is an outage (retry later), not a verdict on the request.
      throw toBackendError(cause, 'ERR_STORE', `postgres idempotency store: ${what}`);
    }
  }

  async function claimOnce(
    key: IdempotencyKey,
    fingerprint: string,
    claimOptions: ClaimOptions,
  ): Promise<ClaimResult> {
    // A refused claim reads the row from the statement's snapshot, which
    // may predate the row it collided with; then the row looks absent or
    // stale and the claim is simply tried again with a fresh snapshot.
    for (let attempt = 0; attempt < 8; attempt++) {
      const token = newClaimToken();
      const now = clock.now();
      const params = [key.scope, key.key, fingerprint, token, now, claimOptions.leaseMs, claimOptions.ttlMs];
      const row = (
        await query('claim', sql.claim, params).catch((error: unknown) => {
          throw markAbandonedClaim(error, token);
        })
      )[0] as ClaimRow | undefined;
      if (row?.claimed) return { status: 'claimed', token };
      if (!row || row.fingerprint === null || row.expires_at === null) continue;
      const record =
        row.response === null
          ? {
              state: 'in_flight' as const,
              fingerprint: row.fingerprint,
              token: '',
              leaseUntil: Number(row.lease_until),
              expiresAt: Number(row.expires_at),
            }
          : {
              state: 'completed' as const,
              fingerprint: row.fingerprint,
              response: decodeResponse(row.response),
              expiresAt: Number(row.expires_at),
            };
      const verdict = judge(record, fingerprint, now);
      if (!verdict.take) return verdict.result;
    }
    throw new TallystickError('ERR_STORE', 'postgres idempotency store: claim kept racing; try again');
  }

  const counters: QuotaBackend = {
    count: async (scope, windowStart) =>
      Number(((await query('quota', sql.count, [scope, windowStart]))[0] as { used: number }).used),
    async peek(key, windowStart) {
      const row = (await query('quota', sql.peek, [key.scope, windowStart, key.key]))[0] as {
        used: number;
        held: boolean;
      };
      return { used: Number(row.used), held: row.held === true };
    },
  };

  const store: PostgresIdempotencyStore = {
    table: quoted,
    schemaSql: sql.schema,
    async ensureSchema() {
      // Several statements; PGlite's query() takes one at a time, like pg with parameters.
      for (const statement of sql.schema.split(';\n')) await query('ensureSchema', statement);
    },
    async purgeExpired(limit = 10_000) {
      if (!Number.isSafeInteger(limit) || limit < 1)
        throw new RangeError(`limit must be a positive integer, got ${limit}`);
      const now = clock.now();
      if (options.quota) {
        const current = Math.floor(now / options.quota.windowMs) * options.quota.windowMs;
        await query('purgeExpired', sql.purgeQuota, [current]);
      }
      return (await query('purgeExpired', sql.purge, [now, limit])).length;
    },
    async claim(key: IdempotencyKey, fingerprint: string, claimOptions: ClaimOptions): Promise<ClaimResult> {
      assertKey(key);
      assertFingerprint(fingerprint);
      assertClaimOptions(claimOptions);
      const now = clock.now();
      return claimWithQuota(options.quota, counters, store.release, key, now, () =>
        claimOnce(key, fingerprint, claimOptions),
      );
    },
    async complete(
      key: IdempotencyKey,
      token: string,
      response: StoredResponse,
      ttlMs: number,
    ): Promise<boolean> {
      assertCompleteArgs(key, token, response, ttlMs);
      const params = [key.scope, key.key, token, encodeResponse(response), clock.now() + ttlMs];
      return (await query('complete', sql.complete, params)).length === 1;
    },
    async release(key: IdempotencyKey, token: string): Promise<boolean> {
      assertKey(key);
      assertToken(token);
      return (await query('release', sql.release, [key.scope, key.key, token])).length === 1;
    },
  };
  return store;
}
