/**
 * @packageDocumentation
 * A server-side outbox on Postgres (`pg`, an optional peer dependency): many
 * workers on many machines claim batches with `FOR UPDATE SKIP LOCKED`.
 */
import type { IntentEnvelope } from '@tallystick/core';
import pg from 'pg';
import { closedError, toStoreError } from './lib/errors.js';
import { createGroupCommit, type GroupCommit } from './lib/group-commit.js';
import { postgresSql } from './lib/pg-sql.js';
import { checkIdentifier, type IntentRow, rowToQueued } from './lib/sql-row.js';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  QueueStore,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from './store.js';
import type { QueuedIntent } from './types.js';

/**
 * Options for {@link openPostgresStore}: a `pool` you own, or a `connectionString`.
 *
 * @example
 * ```ts
 * const options: PostgresStoreOptions = { connectionString: 'postgres://app@db/shop', table: 'pos_outbox' };
 * ```
 */
export interface PostgresStoreOptions {
  pool?: pg.Pool;
  connectionString?: string;
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
 * @throws {TallystickError} `ERR_STORE` if the tables cannot be created.
 * @example
 * ```ts
 * import { createIntentQueue, createHttpSender } from '@tallystick/queue';
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

interface Pending {
  intent: IntentEnvelope;
  now: number;
}

class PostgresQueueStore implements PostgresStore {
  readonly kind = 'postgres';
  readonly capabilities = { persistent: true, sharedAccess: true, concurrentReplayers: true } as const;
  private readonly appends: GroupCommit<Pending>;
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    private readonly ownPool: boolean,
    private readonly sql: ReturnType<typeof postgresSql>,
  ) {
    // Concurrent enqueues become one multi-row INSERT: one round trip, one commit.
    this.appends = createGroupCommit(async (items) => {
      let top = '';
      for (const { intent } of items) if (intent.hlc > top) top = intent.hlc;
      await this.pool.query(this.sql.append, [
        items.map((p) => p.intent.id),
        items.map((p) => p.intent.partitionKey ?? null),
        items[items.length - 1]!.now,
        items.map((p) => p.intent.createdAt),
        items.map((p) => JSON.stringify(p.intent)),
        top,
      ]);
    }, 1000);
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertOpen('append');
    await this.guard('appending', () => this.appends.submit(intents.map((intent) => ({ intent, now }))));
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    return this.guard('claiming', () =>
      this.transaction(async (client) => {
        const window = Math.max(request.limit * 20, 2000);
        let found = await client.query(this.sql.candidates, [request.now, request.limit, window]);
        // The window held only blocked intents: look at the whole queue before giving up.
        if (found.rows.length < request.limit && (found.rows[0]?.scanned ?? window) >= window) {
          found = await client.query(this.sql.candidates, [request.now, request.limit, null]);
        }
        const candidates = found.rows as { seq: number; partition_key: string | null }[];
        if (candidates.length === 0) return [];
        const locked = await client.query(this.sql.lock, [candidates.map((c) => c.seq), request.now]);
        const got = new Set((locked.rows as { seq: number }[]).map((r) => r.seq));
        // Another worker took part of a partition's run: keep only what still starts at its head.
        const broken = new Set<string>();
        const keep: number[] = [];
        for (const c of candidates) {
          const key = c.partition_key;
          if (key !== null && broken.has(key)) continue;
          if (got.has(c.seq)) keep.push(c.seq);
          else if (key !== null) broken.add(key);
        }
        if (keep.length === 0) return [];
        const leased = await client.query(this.sql.lease, [
          keep,
          request.now + request.leaseMs,
          request.owner,
        ]);
        return (leased.rows as IntentRow[])
          .map((row) => rowToQueued(row, request.now))
          .sort((a, b) => a.seq - b.seq);
      }),
    );
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    const acks = settlements.filter((s) => s.kind === 'ack');
    const re = settlements.flatMap((s) => (s.kind === 'reschedule' ? [s] : []));
    const dead = settlements.flatMap((s) => (s.kind === 'dead' ? [s] : []));
    await this.guard('settling', () =>
      this.pool.query(this.sql.settle, [
        acks.map((s) => s.seq),
        re.map((s) => s.seq),
        re.map((s) => s.attempts),
        re.map((s) => s.nextAttemptAt),
        re.map((s) => s.error ?? null),
        dead.map((s) => s.seq),
        dead.map((s) => s.reason),
        dead.map((s) => s.at),
        dead.map((s) => s.error ?? null),
      ]),
    );
  }

  async requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertOpen('requeue');
    const result = await this.guard('requeueing', () =>
      this.pool.query(this.sql.requeue, [...pairs(refs), now]),
    );
    return result.rowCount ?? 0;
  }

  async discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertOpen('discard');
    const result = await this.guard('discarding', () => this.pool.query(this.sql.discard, pairs(refs)));
    return result.rowCount ?? 0;
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertOpen('count');
    const result = await this.guard('counting', () => this.pool.query(this.sql.count, [now]));
    return { ...(result.rows[0] as StoreCounts) };
  }

  async list(request: ListRequest): Promise<QueuedIntent[]> {
    this.assertOpen('list');
    const { status, now } = request;
    const params = [
      request.afterSeq ?? 0,
      request.limit,
      ...(status === 'pending' || status === 'inflight' ? [now] : []),
    ];
    const result = await this.guard('listing', () => this.pool.query(this.sql.list(status), params));
    return (result.rows as IntentRow[]).map((row) => rowToQueued(row, now));
  }

  async nextDueAt(): Promise<number | undefined> {
    this.assertOpen('nextDueAt');
    const result = await this.guard('reading the next due time', () => this.pool.query(this.sql.nextDue));
    return (result.rows[0] as { due: number | null }).due ?? undefined;
  }

  async highWater(): Promise<string | undefined> {
    this.assertOpen('highWater');
    const result = await this.guard('reading the HLC mark', () => this.pool.query(this.sql.highWater));
    return (result.rows[0] as { v: string } | undefined)?.v;
  }

  /** Workers coordinate per row (SKIP LOCKED and leases), so every worker may replay at once. */
  async acquireReplayer(): Promise<ReplayerLease | undefined> {
    this.assertOpen('acquireReplayer');
    return { renew: async () => !this.closed, release: async () => undefined };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    if (this.ownPool) await this.pool.end();
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toStoreError(error, `${what} in Postgres`);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }
}

function pairs(refs: readonly IntentRef[]): [number[], string[]] {
  return [refs.map((r) => r.seq), refs.map((r) => r.id)];
}
