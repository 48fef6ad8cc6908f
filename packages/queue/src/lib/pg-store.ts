import { type IntentEnvelope, TallystickError } from '@tallystick/core';
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
import { CORRUPT_ERROR, corruptHeldError, readChecked, textChecksum } from './checksum.js';
import { envelopeJson } from './envelope-json.js';
import { closedError, toStoreError } from './errors.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import type { postgresSql } from './pg-sql.js';
import { type ClaimedRow, claimedToQueued, type IntentRow, readRow } from './sql-row.js';

interface Pending {
  intent: IntentEnvelope;
  now: number;
  /** An `appendIfAbsent`: gets the envelope held under its id in `held` when one was. */
  unique?: true;
  held?: IntentEnvelope;
  /** A plain append whose id was held by another intent (only in a group with a unique one). */
  clash?: true;
  /** An `appendIfAbsent` skipped for an intent that left (acked elsewhere) before it could be read: try again. */
  gone?: true;
  /** The row held under the id failed its integrity check. */
  corrupt?: true;
}

/** The Postgres adapter's store: claims with FOR UPDATE SKIP LOCKED, so any number of workers share it. */
export class PostgresQueueStore implements PostgresStore {
  readonly kind = 'postgres';
  readonly capabilities = {
    persistent: true,
    sharedAccess: true,
    concurrentReplayers: true,
    renewsLeases: true,
  } as const;
  private readonly appends: GroupCommit<Pending>;
  private closed = false;
  /**
   * Intents claimed through this store and not yet settled. They stay at the
   * head of the queue while the next batch is claimed ahead (see ClaimAhead),
   * so the claim's window is widened by as many rows.
   */
  private held = 0;

  constructor(
    readonly pool: pg.Pool,
    private readonly ownPool: boolean,
    private readonly sql: ReturnType<typeof postgresSql>,
  ) {
    // Concurrent enqueues become one multi-row INSERT: one round trip, one commit.
    this.appends = createGroupCommit(async (items) => {
      let top = '';
      for (const { intent } of items) if (intent.hlc > top) top = intent.hlc;
      const texts = items.map((p) => envelopeJson(p.intent));
      const unique = items.some((p) => p.unique);
      const result = await this.pool.query(unique ? this.sql.appendIfAbsent : this.sql.append, [
        items.map((p) => p.intent.id),
        items.map((p) => p.intent.partitionKey ?? null),
        items[items.length - 1]!.now,
        items.map((p) => p.intent.createdAt),
        texts,
        top,
        texts.map(textChecksum),
      ]);
      if (unique) await this.sortOutHeld(items, result.rows as { id: string }[]);
    }, 1000);
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertOpen('append');
    const items: Pending[] = intents.map((intent) => ({ intent, now }));
    await this.guard('appending', () => this.appends.submit(items));
    if (items.some((p) => p.clash)) {
      throw new TallystickError(
        'ERR_STORE',
        'an intent with this id is already in the queue; not appended again',
      );
    }
  }

  async appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined> {
    this.assertOpen('appendIfAbsent');
    for (;;) {
      const item: Pending = { intent, now, unique: true };
      await this.guard('appending', () => this.appends.submit([item]));
      if (item.corrupt) throw corruptHeldError(intent.id);
      if (!item.gone) return item.held;
    }
  }

  /** Marks which items of a group were skipped for a held id: the first of an id in the group was inserted, if any. */
  private async sortOutHeld(items: Pending[], inserted: { id: string }[]): Promise<void> {
    const fresh = new Set(inserted.map((r) => r.id));
    const skipped = items.filter((p) => !fresh.delete(p.intent.id));
    if (skipped.length === 0) return;
    const result = await this.pool.query(this.sql.envelopesById, [skipped.map((p) => p.intent.id)]);
    const held = new Map<string, IntentEnvelope | 'corrupt'>();
    type Row = {
      id: string;
      envelope: string;
      checksum: string | null;
      partition_key: string | null;
      created_at: string;
    };
    for (const row of result.rows as Row[]) {
      // Checked as every read is: a damaged held row must neither be handed back nor, by throwing, fail the group.
      const expect = {
        id: row.id,
        partitionKey: row.partition_key ?? undefined,
        createdAt: Number(row.created_at),
      };
      held.set(row.id, readChecked(row.envelope, row.checksum, expect) ?? 'corrupt');
    }
    for (const p of skipped) {
      const found = held.get(p.intent.id);
      if (!p.unique) p.clash = true;
      else if (found === 'corrupt') p.corrupt = true;
      else if (found) p.held = found;
      else p.gone = true;
    }
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertOpen('claim');
    const { now, limit, leaseMs, owner } = request;
    return this.guard('claiming', async () => {
      // A window two batches deep (past the intents this store holds) holds a full batch whenever the head is
      // deliverable; blocked partitions or other workers' leases widen it, and as a last resort the whole queue is read.
      for (const window of [limit * 2 + this.held, limit * 20 + this.held, null]) {
        const result = await this.pool.query(this.named('claim', [now, limit, now + leaseMs, owner, window]));
        const rows = result.rows as (ClaimedRow & { scanned: number })[];
        const leased = rows[0]!.seq === null ? [] : rows;
        if (leased.length > 0 || window === null || rows[0]!.scanned < window) {
          const out: QueuedIntent[] = [];
          const corrupt: number[] = [];
          for (const row of leased) {
            const queued = claimedToQueued(row, now + leaseMs, now);
            if (queued) out.push(queued);
            else corrupt.push(Number(row.seq));
          }
          // Altered at rest: dead-lettered, never delivered; later intents of its partition go on, as
          // after any dead letter. Should this fail, the lease runs out and the next claim tries again.
          if (corrupt.length > 0) await this.pool.query(this.sql.markCorrupt, [corrupt, now, CORRUPT_ERROR]);
          this.held += out.length;
          return out.sort((a, b) => a.seq - b.seq);
        }
      }
      return [];
    });
  }

  async renewLeases(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    this.assertOpen('renewLeases');
    const result = await this.guard('renewing leases', () =>
      this.pool.query(this.named('renew', [refs.map((r) => r.seq), leaseUntil, owner])),
    );
    return result.rowCount ?? 0;
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertOpen('settle');
    const acks = settlements.filter((s) => s.kind === 'ack');
    const re = settlements.flatMap((s) => (s.kind === 'reschedule' ? [s] : []));
    const dead = settlements.flatMap((s) => (s.kind === 'dead' ? [s] : []));
    await this.guard('settling', () =>
      this.pool
        .query(
          this.named('settle', [
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
        )
        // Settled or not, they are no longer held by this process's delivery (their leases run out).
        .finally(() => {
          this.held = Math.max(0, this.held - settlements.length);
        }),
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
    const out: QueuedIntent[] = [];
    const corrupt: number[] = [];
    for (const row of result.rows as IntentRow[]) {
      const { queued, corrupt: bad } = readRow(row, now);
      if (bad && row.dead_reason !== 'corrupt') corrupt.push(Number(row.seq));
      // Found altered while listing: dead-lettered now, and shown only where dead ones are.
      if (!bad || status === undefined || status === 'dead') out.push(queued);
    }
    if (corrupt.length > 0) {
      await this.guard('dead-lettering corrupt intents', () =>
        this.pool.query(this.sql.markCorrupt, [corrupt, now, CORRUPT_ERROR]),
      );
    }
    return out;
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

  /**
   * A named query is parsed once per connection, and after five runs Postgres
   * may reuse a generic plan, skipping the planner on every batch. The claim is
   * written so that its generic plan is as good as a custom one (`keep` is
   * materialized: inlined, a misestimate once made it quadratic, 7x slower).
   */
  private named(key: 'claim' | 'renew' | 'settle', values: unknown[]): pg.QueryConfig {
    return { name: `${this.sql.prefix}_${key}`, text: this.sql[key], values };
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
