import type { Ledger } from './ledger.js';
import { createPostgresLedger, type SqlClient } from './postgres.js';

/**
 * Options for {@link createPgliteLedger}.
 *
 * @example
 * ```ts
 * import { createPgliteLedger, type PgliteLedgerOptions } from '@tallystick/reconcile/pglite';
 * const options: PgliteLedgerOptions = { dataDir: './ledger-data' };
 * const ledger = await createPgliteLedger(options);
 * ```
 */
export interface PgliteLedgerOptions {
  /** Where PGlite keeps its files; omit for an in-memory database. */
  readonly dataDir?: string;
  /** An existing PGlite instance to use instead of creating one (the caller closes it). */
  readonly db?: SqlClient;
  readonly schema?: string;
  readonly prefix?: string;
}

/**
 * A Postgres ledger on embedded PGlite (Postgres compiled to WebAssembly): the
 * default when no server is around, with the same SQL, the same tables and the
 * same results as a real Postgres. One process only: PGlite is a single
 * connection, so transactions run one at a time. Needs the optional peer
 * dependency `@electric-sql/pglite`.
 *
 * @throws {TallystickError} `ERR_STORE` if PGlite cannot start or the tables cannot be created.
 * @example
 * ```ts
 * import { createReconciler } from '@tallystick/reconcile';
 * import { createPgliteLedger } from '@tallystick/reconcile/pglite';
 *
 * const ledger = await createPgliteLedger();
 * const reconciler = createReconciler({ ledger });
 * await ledger.close(); // closes the PGlite it created
 * ```
 */
export async function createPgliteLedger(options: PgliteLedgerOptions = {}): Promise<Ledger> {
  let owned: { close(): Promise<void> } | undefined;
  let db = options.db;
  if (!db) {
    const { PGlite } = await import('@electric-sql/pglite');
    const instance = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
    owned = instance;
    db = instance as unknown as SqlClient;
  }
  let ledger: Ledger;
  try {
    ledger = await createPostgresLedger({
      client: db,
      ...(options.schema !== undefined ? { schema: options.schema } : {}),
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
    });
  } catch (error) {
    await owned?.close().catch(() => undefined);
    throw error;
  }
  return {
    ...ledger,
    name: 'pglite',
    async close() {
      await ledger.close();
      await owned?.close();
    },
  };
}
