import type Database from 'better-sqlite3';
import type { ClaimRequest, ListRequest } from '../store.js';
import type { QueuedIntent } from '../types.js';
import { CORRUPT_ERROR } from './checksum.js';
import { BatchPicker } from './picker.js';
import { type IntentRow, readRow } from './sql-row.js';

type Statements = Record<string, Database.Statement>;

/**
 * The SQLite store's claim, in one IMMEDIATE transaction: one scan picks the
 * batch (BatchPicker), one `UPDATE ... RETURNING` leases it. A row whose
 * envelope fails its integrity check is dead-lettered as `corrupt` in the
 * same transaction and never delivered; later intents of its partition go
 * on, as after any dead letter.
 */
export function claimRows(db: Database.Database, stmt: Statements, request: ClaimRequest): QueuedIntent[] {
  return db
    .transaction(() => {
      const picker = new BatchPicker(request.limit, request.now);
      const seqs: number[] = [];
      for (const row of stmt.scanLive!.iterate() as Iterable<{
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
      const out: QueuedIntent[] = [];
      for (const row of stmt.claimMany!.all(lease, request.owner, JSON.stringify(seqs)) as IntentRow[]) {
        const { queued, corrupt } = readRow(row, request.now);
        if (corrupt) stmt.markCorrupt!.run(request.now, CORRUPT_ERROR, row.seq);
        else out.push(queued);
      }
      return out;
    })
    .immediate()
    .sort((a, b) => a.seq - b.seq);
}

/**
 * A page of `list`. A row found altered while listing is dead-lettered on the
 * spot and shown only where dead ones are (no status, or `dead`).
 */
export function listRows(
  db: Database.Database,
  stmt: Statements,
  page: Database.Statement,
  params: unknown[],
  request: ListRequest,
): QueuedIntent[] {
  const { status, now } = request;
  return db.transaction(() => {
    const out: QueuedIntent[] = [];
    for (const row of page.all(...params) as IntentRow[]) {
      const { queued, corrupt } = readRow(row, now);
      if (corrupt && row.dead_reason !== 'corrupt') stmt.markCorrupt!.run(now, CORRUPT_ERROR, row.seq);
      if (!corrupt || status === undefined || status === 'dead') out.push(queued);
    }
    return out;
  })();
}
