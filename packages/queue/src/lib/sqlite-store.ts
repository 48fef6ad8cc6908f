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
import { corruptHeldError, readChecked, textChecksum } from './checksum.js';
import { envelopeJson } from './envelope-json.js';
import { closedError, toStoreError } from './errors.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { type IntentRow, readRow } from './sql-row.js';
import { acquireSqliteReplayer } from './sqlite-lock.js';
import { claimRows, listRows } from './sqlite-read.js';
import type { SqliteSpace } from './sqlite-space.js';
import { sqliteSql } from './sqlite-sql.js';

type HeldRow = {
  envelope: string;
  checksum: number | null;
  partition_key: string | null;
  created_at: number;
};

/** One append waiting for its group; `unique` ones leave the envelope held under their id in `held`. */
interface Append {
  intent: IntentEnvelope;
  now: number;
  unique?: true;
  held?: IntentEnvelope;
  /** The row held under the id failed its integrity check. */
  corrupt?: true;
}

/** The SQLite adapter's store over one better-sqlite3 connection. */
export class SqliteQueueStore implements SqliteStore {
  readonly kind = 'sqlite';
  readonly capabilities = {
    persistent: true,
    sharedAccess: true,
    concurrentReplayers: false,
    renewsLeases: true,
  } as const;
  private readonly sql: ReturnType<typeof sqliteSql>;
  private readonly stmt: Record<string, Database.Statement>;
  private readonly appends: GroupCommit<Append>;
  private closed = false;

  constructor(
    readonly database: Database.Database,
    prefix: string,
    private readonly alive: (pid: number) => boolean,
    private readonly space: SqliteSpace,
  ) {
    this.sql = sqliteSql(prefix);
    const { schema: _schema, list: _list, ...statements } = this.sql;
    this.stmt = Object.fromEntries(Object.entries(statements).map(([k, v]) => [k, database.prepare(v)]));
    const insertAll = database.transaction((items: Append[]) => {
      let top: string | undefined;
      for (const item of items) {
        const { intent, now } = item;
        const env = envelopeJson(intent);
        const insert = item.unique ? this.stmt.insertIfAbsent! : this.stmt.insert!;
        const { changes } = insert.run(
          intent.id,
          intent.partitionKey ?? null,
          now,
          now,
          intent.createdAt,
          env,
          textChecksum(env),
        );
        if (changes === 0) {
          const row = this.stmt.envelopeById!.get(intent.id) as HeldRow;
          // Checked as every read is: a damaged held row must neither be handed back nor, by throwing, fail the group.
          const held = readChecked(row.envelope, row.checksum, {
            id: intent.id,
            partitionKey: row.partition_key ?? undefined,
            createdAt: Number(row.created_at),
          });
          if (held) item.held = held;
          else item.corrupt = true;
          continue;
        }
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

  async appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined> {
    this.assertOpen('appendIfAbsent');
    // Through the group commit like any append, so seqs keep call order.
    const item: Append = { intent, now, unique: true };
    try {
      await this.appends.submit([item]);
    } catch (error) {
      throw toStoreError(error, 'appending to the SQLite queue');
    }
    if (item.corrupt) throw corruptHeldError(intent.id);
    return item.held;
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    return this.relaxed(() => this.space.deliver(() => this.claimNow(request)));
  }

  private claimNow(request: ClaimRequest): QueuedIntent[] {
    return this.run('claiming', () => claimRows(this.database, this.stmt, request));
  }

  async renewLeases(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    this.assertOpen('renewLeases');
    return this.relaxed(() =>
      this.space.deliver(() =>
        this.run(
          'renewing leases',
          () => this.stmt.renewMany!.run(leaseUntil, JSON.stringify(refs.map((r) => r.seq)), owner).changes,
        ),
      ),
    );
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    const acks: number[] = [];
    const re: [number, number, number, string | null][] = [];
    const dead: [number, string, number, string | null][] = [];
    for (const s of settlements) {
      if (s.kind === 'ack') acks.push(s.seq);
      else if (s.kind === 'reschedule') re.push([s.seq, s.attempts, s.nextAttemptAt, s.error ?? null]);
      else dead.push([s.seq, s.reason, s.at, s.error ?? null]);
    }
    const empty = this.relaxed(() =>
      this.space.deliver(() =>
        this.run('settling', () =>
          this.database
            .transaction(() => {
              if (acks.length > 0) this.stmt.ackMany!.run(JSON.stringify(acks));
              if (re.length > 0) this.stmt.rescheduleMany!.run(JSON.stringify(re));
              if (dead.length > 0) this.stmt.buryMany!.run(JSON.stringify(dead));
              return acks.length > 0 && (this.stmt.anyLive!.get() as { v: number }).v === 0;
            })
            .immediate(),
        ),
      ),
    );
    // The backlog just emptied: give the disk back (free pages, the WAL), unless there is little to give.
    if (empty && (this.space.walBytes() > 64 * 1024 || this.freePages() > 16)) this.space.drained();
  }

  private freePages(): number {
    return this.database.pragma('freelist_count', { simple: true }) as number;
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
            if (!row || readRow(row, now).corrupt) continue;
            this.stmt.deleteDead!.run(ref.seq, ref.id);
            this.stmt.reinsert!.run(
              row.id,
              row.partition_key,
              now,
              row.last_error,
              now,
              row.created_at,
              row.envelope,
              row.checksum ?? null,
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
    return this.space.deliver(() =>
      this.run('discarding', () =>
        this.database
          .transaction(() =>
            refs.reduce((n, ref) => n + this.stmt.deleteDead!.run(ref.seq, ref.id).changes, 0),
          )
          .immediate(),
      ),
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
    return this.run('listing', () => listRows(this.database, this.stmt, stmt, params, request));
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
    return this.run('taking the replayer lock', () =>
      acquireSqliteReplayer(
        this.database,
        this.stmt,
        { owner, ttlMs, now, alive: this.alive },
        () => this.closed,
        (fn) => this.space.deliver(fn),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.appends.idle();
    this.database.close();
  }

  /**
   * Claims, renewals and settlements commit without an fsync (WAL, synchronous=NORMAL): each is
   * on disk at the next durable commit (any enqueue, or a checkpoint), and losing one to a power
   * cut only means its intents are claimable sooner or delivered again under the same ids, which
   * at-least-once delivery allows anyway. Enqueues keep synchronous=FULL: they promise durability.
   */
  private relaxed<T>(fn: () => T): T {
    this.database.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.database.pragma('synchronous = FULL');
    }
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
