import type { IntentEnvelope } from '@tallystick/core';
import type pg from 'pg';
import type { PostgresStore } from '../postgres.js';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from '../store.js';
import type { QueuedIntent } from '../types.js';
import { closedError, toStoreError } from './errors.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import type { postgresSql } from './pg-sql.js';
import { type IntentRow, rowToQueued } from './sql-row.js';

interface Pending {
  intent: IntentEnvelope;
  now: number;
}

/** The Postgres adapter's store: claims with FOR UPDATE SKIP LOCKED, so any number of workers share it. */
export class PostgresQueueStore implements PostgresStore {
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
