import { hostname } from 'node:os';
import type { IntentEnvelope } from '@tallystick/core';
import type Database from 'better-sqlite3';
import type { SqliteStore } from '../sqlite.js';
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
import { BatchPicker } from './picker.js';
import { type IntentRow, rowToQueued } from './sql-row.js';
import { sqliteSql } from './sqlite-sql.js';

/** The SQLite adapter's store over one better-sqlite3 connection. */
export class SqliteQueueStore implements SqliteStore {
  readonly kind = 'sqlite';
  readonly capabilities = { persistent: true, sharedAccess: true, concurrentReplayers: false } as const;
  private readonly sql: ReturnType<typeof sqliteSql>;
  private readonly stmt: Record<string, Database.Statement>;
  private readonly appends: GroupCommit<{ intent: IntentEnvelope; now: number }>;
  private closed = false;

  constructor(
    readonly database: Database.Database,
    prefix: string,
    private readonly alive: (pid: number) => boolean,
  ) {
    this.sql = sqliteSql(prefix);
    const { schema: _schema, list: _list, ...statements } = this.sql;
    this.stmt = Object.fromEntries(Object.entries(statements).map(([k, v]) => [k, database.prepare(v)]));
    const insertAll = database.transaction((items: { intent: IntentEnvelope; now: number }[]) => {
      let top: string | undefined;
      for (const { intent, now } of items) {
        const env = JSON.stringify(intent);
        this.stmt.insert!.run(intent.id, intent.partitionKey ?? null, now, now, intent.createdAt, env);
        if (top === undefined || intent.hlc > top) top = intent.hlc;
      }
      if (top !== undefined) this.stmt.raiseHighWater!.run(top);
    });
    // One transaction, so one WAL fsync, for every enqueue that arrives while the previous one commits.
    this.appends = createGroupCommit(
      async (items) => insertAll.immediate(items),
      4096,
      () => new Promise((resolve) => setImmediate(resolve)),
    );
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertOpen('append');
    try {
      await this.appends.submit(intents.map((intent) => ({ intent, now })));
    } catch (error) {
      throw toStoreError(error, 'appending to the SQLite queue');
    }
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    // A claim need not be durable on its own (losing one only makes its intents claimable sooner), so
    // it commits without an fsync; the next FULL commit's WAL fsync covers it.
    this.database.pragma('synchronous = NORMAL');
    try {
      return this.claimNow(request);
    } finally {
      this.database.pragma('synchronous = FULL');
    }
  }

  private claimNow(request: ClaimRequest): QueuedIntent[] {
    return this.run('claiming', () =>
      this.database
        .transaction(() => {
          const picker = new BatchPicker(request.limit, request.now);
          const seqs: number[] = [];
          for (const row of this.stmt.scanLive!.iterate() as Iterable<{
            seq: number;
            partition_key: string | null;
            next_attempt_at: number;
            lease_until: number;
          }>) {
            if (picker.full) break;
            if (picker.offer(row.partition_key ?? undefined, row.next_attempt_at, row.lease_until))
              seqs.push(row.seq);
          }
          if (seqs.length === 0) return [];
          const lease = request.now + request.leaseMs;
          return this.stmt.claimMany!.all(lease, request.owner, JSON.stringify(seqs)) as IntentRow[];
        })
        .immediate()
        .map((row) => rowToQueued(row, request.now))
        .sort((a, b) => a.seq - b.seq),
    );
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    this.run('settling', () =>
      this.database
        .transaction(() => {
          for (const s of settlements) {
            if (s.kind === 'ack') this.stmt.ack!.run(s.seq);
            else if (s.kind === 'reschedule')
              this.stmt.reschedule!.run(s.attempts, s.nextAttemptAt, s.error ?? null, s.seq);
            else this.stmt.bury!.run(s.reason, s.at, s.error ?? null, s.seq);
          }
        })
        .immediate(),
    );
  }

  async requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertOpen('requeue');
    const sorted = [...refs].sort((a, b) => a.seq - b.seq);
    return this.run('requeueing', () =>
      this.database
        .transaction(() => {
          let moved = 0;
          for (const ref of sorted) {
            const row = this.stmt.getDead!.get(ref.seq, ref.id) as IntentRow | undefined;
            if (!row) continue;
            this.stmt.deleteDead!.run(ref.seq, ref.id);
            this.stmt.reinsert!.run(
              row.id,
              row.partition_key,
              now,
              row.last_error,
              now,
              row.created_at,
              row.envelope,
            );
            moved++;
          }
          return moved;
        })
        .immediate(),
    );
  }

  async discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertOpen('discard');
    return this.run('discarding', () =>
      this.database
        .transaction(() => refs.reduce((n, ref) => n + this.stmt.deleteDead!.run(ref.seq, ref.id).changes, 0))
        .immediate(),
    );
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertOpen('count');
    return this.run('counting', () => ({ ...(this.stmt.count!.get(now, now) as StoreCounts) }));
  }

  async list(request: ListRequest): Promise<QueuedIntent[]> {
    this.assertOpen('list');
    const { status, now } = request;
    const stmt = this.database.prepare(this.sql.list(status));
    const after = request.afterSeq ?? 0;
    const params =
      status === 'pending' || status === 'inflight' ? [after, now, request.limit] : [after, request.limit];
    return this.run('listing', () =>
      (stmt.all(...params) as IntentRow[]).map((row) => rowToQueued(row, now)),
    );
  }

  async nextDueAt(): Promise<number | undefined> {
    this.assertOpen('nextDueAt');
    return this.run(
      'reading the next due time',
      () => (this.stmt.nextDue!.get() as { due: number | null }).due ?? undefined,
    );
  }

  async highWater(): Promise<string | undefined> {
    this.assertOpen('highWater');
    return (this.stmt.highWater!.get() as { v: string } | undefined)?.v;
  }

  async acquireReplayer(owner: string, ttlMs: number, now: number): Promise<ReplayerLease | undefined> {
    this.assertOpen('acquireReplayer');
    const host = hostname();
    const acquired = this.run('taking the replayer lock', () =>
      this.database
        .transaction(() => {
          const held = this.stmt.lockGet!.get() as
            | { owner: string; pid: number; host: string; expires_at: number }
            | undefined;
          const free =
            !held ||
            held.owner === owner ||
            held.expires_at <= now ||
            (held.host === host && held.pid !== process.pid && !this.alive(held.pid));
          if (free) this.stmt.lockPut!.run(owner, process.pid, host, now + ttlMs);
          return free;
        })
        .immediate(),
    );
    if (!acquired) return undefined;
    let expiresAt = now + ttlMs;
    return {
      // Renewing is a write (an fsync): do it only once half the TTL has passed, not on every batch.
      renew: async (at) => {
        if (this.closed) return false;
        if (at < expiresAt - ttlMs / 2) return true;
        const ok = this.stmt.lockRenew!.run(at + ttlMs, owner).changes === 1;
        if (ok) expiresAt = at + ttlMs;
        return ok;
      },
      release: async () => {
        if (!this.closed) this.stmt.lockRelease!.run(owner);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    this.database.close();
  }

  private run<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, `${what} in the SQLite queue`);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw closedError(what);
  }
}
