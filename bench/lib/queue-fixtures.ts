/**
 * What bench/scenarios/queue.ts and bench/profile/pg-replay.ts share: the
 * backlog they fill a queue with, and the Postgres claim+ack floor they
 * compare the adapter's replay against.
 */
import type { IntentQueue } from '@tallystick/queue';
import type pg from 'pg';

/** The payload of the i-th benchmark intent: a small sale. */
export const benchPayload = (i: number) => ({
  sku: `sku-${i % 100}`,
  amount: 100 + (i % 900),
  currency: 'EUR',
  qty: 1 + (i % 3),
});

/** Enqueues `n` intents, 1,000 at a time, a quarter of them in 8 partitions. */
export async function fillBacklog(queue: IntentQueue, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, n - i) }, (_, j) =>
        queue.enqueue({
          type: 'sale',
          payload: benchPayload(i + j),
          ...((i + j) % 4 === 0 ? { partitionKey: `till-${j % 8}` } : {}),
        }),
      ),
    );
  }
}

/**
 * The least Postgres work a claim+ack round can be: one bare `UPDATE ... FOR
 * UPDATE SKIP LOCKED ... RETURNING` (no partition order, no lease re-check)
 * and one `DELETE ... = ANY`, named, on the same table and box, committing
 * without waiting for the WAL flush as the adapter does. Empties the table's
 * queue; returns how many intents it claimed and acked.
 */
export async function drainAtFloor(pool: pg.Pool, table: string): Promise<number> {
  const cols =
    'seq, id, partition_key, dead, attempts, next_attempt_at, lease_until, last_error, dead_reason, dead_at, enqueued_at, created_at, envelope';
  const relaxed = `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS v)`;
  const claim = `${relaxed} UPDATE ${table} SET attempts = attempts + 1, lease_until = $2, lease_owner = $3 WHERE seq IN (
    SELECT seq FROM ${table} WHERE NOT dead AND next_attempt_at <= $1 AND lease_until <= $1
    ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED) AND (SELECT v FROM relaxed) = 'off' RETURNING ${cols}`;
  const ack = `${relaxed} DELETE FROM ${table} WHERE seq = ANY($1::bigint[]) AND (SELECT v FROM relaxed) = 'off'`;
  let done = 0;
  for (;;) {
    const now = Date.now();
    const r = await pool.query({
      name: `floor_claim_${table}`,
      text: claim,
      values: [now, now + 60_000, 'floor'],
    });
    if (r.rows.length === 0) return done;
    await pool.query({ name: `floor_ack_${table}`, text: ack, values: [r.rows.map((x) => x.seq)] });
    done += r.rows.length;
  }
}
