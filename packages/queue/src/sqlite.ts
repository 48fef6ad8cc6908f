/**
 * @packageDocumentation
 * A durable queue store for Node on SQLite (better-sqlite3, an optional peer
 * dependency) in WAL mode with `synchronous=FULL`.
 */

import { isProcessAlive } from '@tallystick/core/node';
import Database from 'better-sqlite3';
import { toStoreError } from './lib/errors.js';
import { checkIdentifier } from './lib/sql-row.js';
import { migrateSqlite } from './lib/sqlite-migrate.js';
import { SqliteSpace } from './lib/sqlite-space.js';
import { sqliteSql } from './lib/sqlite-sql.js';
import { SqliteQueueStore } from './lib/sqlite-store.js';
import type { QueueStore } from './store.js';

/**
 * Options for {@link openSqliteStore}.
 *
 * @example
 * ```ts
 * import { openSqliteStore, type SqliteStoreOptions } from '@tallystick/queue/sqlite';
 * const options: SqliteStoreOptions = { path: './outbox.db' };
 * const store = await openSqliteStore(options);
 * ```
 */
export interface SqliteStoreOptions {
  /** Database file; created if missing. */
  path: string;
  /** Prefix of the tables (`<prefix>_intents`, `_meta`, `_replayer`). Default `tallystick_queue`. */
  tablePrefix?: string;
  /** How long to wait for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Liveness probe for a replayer lock left by a process on this host. Default: `process.kill(pid, 0)`. */
  isProcessAlive?: (pid: number) => boolean;
  /**
   * Bytes of disk kept in `<path>-reserve` so that delivery still works on a
   * full disk (and so frees space): an enqueue fails as `QUEUE_STORAGE_FULL`
   * and leaves it alone, a delivery write gives it up. It also bounds the WAL.
   * Default: 1/64 of the free space at open, from 512 KiB to 4 MiB (SQLite's
   * own WAL bound); 0 keeps none (and SQLite's WAL defaults).
   */
  reserveBytes?: number;
}

/**
 * A {@link QueueStore} in a SQLite file, shareable by several processes.
 *
 * @example
 * ```ts
 * import { openSqliteStore } from '@tallystick/queue/sqlite';
 * const store: SqliteStore = await openSqliteStore({ path: './outbox.db' });
 * store.database.pragma('journal_mode', { simple: true }); // 'wal'
 * ```
 */
export interface SqliteStore extends QueueStore {
  /** The underlying better-sqlite3 connection, for inspection and maintenance. */
  readonly database: Database.Database;
}

/**
 * Opens (or creates) a SQLite queue store: WAL journal, `synchronous=FULL`
 * (a commit is on disk when it returns), concurrent enqueues grouped into one
 * transaction. Several processes may enqueue into one file; one at a time is
 * the replayer, through a lock row that a dead holder on this host forfeits.
 *
 * @throws {TypeError} if `path` or `tablePrefix` is invalid.
 * @throws {TallystickError} `ERR_STORE` if the database cannot be opened or set up.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { openSqliteStore } from '@tallystick/queue/sqlite';
 *
 * const store = await openSqliteStore({ path: './outbox.db' });
 * const queue = createIntentQueue({ store, device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' })) });
 * ```
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  if (typeof options?.path !== 'string' || options.path.length === 0) {
    throw new TypeError('options.path must be a non-empty string');
  }
  const prefix = checkIdentifier(options.tablePrefix ?? 'tallystick_queue', 'options.tablePrefix');
  const reserve = options.reserveBytes;
  if (reserve !== undefined && (!Number.isSafeInteger(reserve) || reserve < 0)) {
    throw new RangeError(`options.reserveBytes must be a non-negative integer, got ${String(reserve)}`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    // Before the first table: pages freed by delivery can then go back to the file system (a file
    // made by an older version keeps its mode; only a VACUUM changes it).
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(sqliteSql(prefix).schema);
    migrateSqlite(db, prefix);
    const space = new SqliteSpace(db, options.reserveBytes);
    space.open();
    return new SqliteQueueStore(db, prefix, options.isProcessAlive ?? isProcessAlive, space);
  } catch (error) {
    db?.close();
    throw toStoreError(error, `opening ${options.path}`);
  }
}
