import { textChecksum } from './checksum.js';
import { ROW_COLUMNS } from './sql-row.js';

/**
 * What a claim returns of each row: only what is not known already (a claimed
 * row is live and leased until the claim's lease; id, partition key and
 * creation time are in the envelope). Each column costs a parse per row.
 */
export const CLAIMED_COLUMNS =
  'seq, attempts, next_attempt_at, last_error, enqueued_at, envelope::text AS envelope, checksum';

/** `ROW_COLUMNS` with the envelope as its stored text (a `json` column keeps it byte for byte), for the checksum. */
const PG_ROW_COLUMNS = ROW_COLUMNS.replace('envelope,', 'envelope::text AS envelope,');

/** The Postgres adapter's schema and statements for table `t` (and `<t>_meta`). */
export function postgresSql(t: string) {
  const live = 'NOT dead';
  const pairs = `(seq, id) IN (SELECT * FROM unnest($1::bigint[], $2::uuid[]))`;
  return {
    /** Prefix of the named (prepared) statements, unique per table. */
    prefix: `tallystick_${t}`,
    /**
     * Fillfactor 45 leaves each page room for a second version of every row on
     * it: a claim leases a run of consecutive rows, i.e. most rows of a few
     * pages, in one statement, and an update stays HOT (no new entry in any of
     * the four indexes) only if its new version fits on the row's page. At 70,
     * most of a claim's updates did not fit, and each wrote four index entries:
     * the claim's update cost 12.6 buffer hits a row instead of 6, and Postgres
     * spent ~45 µs of CPU per replayed intent instead of ~28 (measured with
     * bench/profile/pg-replay.ts). An outbox is mostly empty; space costs little.
     * (Tables created with another fillfactor keep it: `ALTER TABLE ... SET
     * (fillfactor = 45)` applies to pages filled afterwards.)
     */
    schema: `
      CREATE TABLE IF NOT EXISTS ${t} (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        partition_key text,
        dead boolean NOT NULL DEFAULT false,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL,
        lease_until bigint NOT NULL DEFAULT 0,
        lease_owner text,
        last_error text,
        dead_reason text,
        dead_at bigint NOT NULL DEFAULT 0,
        enqueued_at bigint NOT NULL,
        created_at bigint NOT NULL,
        envelope json NOT NULL,
        checksum bigint
      ) WITH (fillfactor = 45);
      ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS checksum bigint;
      CREATE INDEX IF NOT EXISTS ${t}_live ON ${t} (seq) WHERE NOT dead;
      CREATE INDEX IF NOT EXISTS ${t}_partition ON ${t} (partition_key, seq) WHERE NOT dead;
      CREATE TABLE IF NOT EXISTS ${t}_meta (k text PRIMARY KEY, v text NOT NULL);`,
    /** Rows in array order, so seqs follow enqueue order; the HLC mark rises in the same statement. */
    append: `
      WITH ins AS (
        INSERT INTO ${t} (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope, checksum)
        SELECT u.id, u.pk, $3, $3, u.created, u.env, u.sum
        FROM unnest($1::uuid[], $2::text[], $4::bigint[], $5::json[], $7::bigint[])
          WITH ORDINALITY AS u(id, pk, created, env, sum, ord)
        ORDER BY u.ord
        RETURNING 1
      )
      INSERT INTO ${t}_meta (k, v) SELECT 'hlc', $6 WHERE (SELECT count(*) FROM ins) > 0
      ON CONFLICT (k) DO UPDATE SET v = GREATEST(${t}_meta.v COLLATE "C", excluded.v COLLATE "C")`,
    /**
     * `append` for a group holding an `appendIfAbsent`: rows whose id is held
     * are skipped, and the ids inserted come back (the store sorts out whose).
     */
    appendIfAbsent: `
      WITH ins AS (
        INSERT INTO ${t} (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope, checksum)
        SELECT u.id, u.pk, $3, $3, u.created, u.env, u.sum
        FROM unnest($1::uuid[], $2::text[], $4::bigint[], $5::json[], $7::bigint[])
          WITH ORDINALITY AS u(id, pk, created, env, sum, ord)
        ORDER BY u.ord
        ON CONFLICT (id) DO NOTHING
        RETURNING id
      ), mark AS (
        INSERT INTO ${t}_meta (k, v) SELECT 'hlc', $6 WHERE EXISTS (SELECT 1 FROM ins)
        ON CONFLICT (k) DO UPDATE SET v = GREATEST(${t}_meta.v COLLATE "C", excluded.v COLLATE "C")
      )
      SELECT id::text AS id FROM ins`,
    envelopesById: `SELECT id::text AS id, envelope::text AS envelope, checksum, partition_key, created_at FROM ${t} WHERE id = ANY($1::uuid[])`,
    /**
     * One statement, so one round trip and one commit per claim:
     * - `head`: the first $5 live intents in seq order (NULL: all of them);
     * - `cand`: the due, unleased ones that are unpartitioned or in an unbroken
     *   run from their partition's first live intent (what BatchPicker does);
     * - `locked`: those rows under FOR UPDATE SKIP LOCKED, found again by
     *   their `ctid` (no index lookup): a row another worker changed since
     *   this statement's snapshot fails the `ctid` recheck on its newest
     *   version and counts as held, so leases are never taken over;
     * - `keep`: drops an intent whose predecessor in `cand` another worker
     *   holds, so one partition never runs on two workers.
     * - `leased`: the update, by `ctid` too (the rows are locked, so unchanged).
     * The result always has one row carrying `scanned` (the window's size), so
     * the caller can tell "nothing claimable here" from "look further".
     * The claim commits without waiting for its WAL flush: losing one in a crash
     * only makes its intents claimable again, and the settle's durable commit
     * flushes it anyway.
     */
    claim: `
      WITH head AS (
        SELECT ctid AS tid, seq, partition_key, (next_attempt_at <= $1 AND lease_until <= $1) AS ok
        FROM ${t} WHERE ${live} ORDER BY seq LIMIT $5
      ), cand AS (
        SELECT tid, seq, partition_key FROM (
          SELECT tid, seq, partition_key, ok,
            bool_and(ok) OVER (PARTITION BY partition_key ORDER BY seq) AS run_ok
          FROM head
        ) AS r WHERE ok AND (partition_key IS NULL OR run_ok) ORDER BY seq LIMIT $2
      ), locked AS (
        SELECT ctid AS tid FROM ${t}
        WHERE ctid = ANY(ARRAY(SELECT tid FROM cand)) AND ${live} AND next_attempt_at <= $1 AND lease_until <= $1
        FOR UPDATE SKIP LOCKED
      ), keep AS MATERIALIZED (
        SELECT tid FROM (
          SELECT c.tid, c.partition_key, l.tid IS NOT NULL AS got,
            bool_and(l.tid IS NOT NULL) OVER (PARTITION BY c.partition_key ORDER BY c.seq) AS run_got
          FROM cand AS c LEFT JOIN locked AS l USING (tid)
        ) AS k WHERE got AND (partition_key IS NULL OR run_got)
      ), relaxed AS (
        SELECT set_config('synchronous_commit', 'off', true)
      ), leased AS (
        UPDATE ${t} AS q SET attempts = q.attempts + 1, lease_until = $3, lease_owner = $4
        FROM relaxed WHERE q.ctid = ANY(ARRAY(SELECT tid FROM keep))
        RETURNING ${CLAIMED_COLUMNS.replace(/\bseq\b/, 'q.seq')}
      )
      SELECT leased.*, s.scanned FROM (SELECT count(*)::int AS scanned FROM head) AS s
      LEFT JOIN leased ON true`,
    renew: `UPDATE ${t} SET lease_until = $2
      WHERE seq = ANY($1::bigint[]) AND ${live} AND lease_until > 0 AND lease_owner = $3`,
    /**
     * Acks, reschedules and dead letters in one statement, returning no rows
     * (the relaxed commit is set in the DELETE's condition). Like a claim it does
     * not wait for the WAL flush (Postgres flushes within a few hundred ms, and
     * the next durable commit flushes it too): a settle lost in a crash means
     * its intents are delivered again under the same ids, which at-least-once
     * delivery allows anyway; nothing is lost.
     */
    settle: `
      WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS v),
      r AS (
        UPDATE ${t} SET attempts = u.a, next_attempt_at = u.n, lease_until = 0, last_error = coalesce(u.e, ${t}.last_error)
        FROM unnest($2::bigint[], $3::int[], $4::bigint[], $5::text[]) AS u(s, a, n, e)
        WHERE ${t}.seq = u.s AND NOT ${t}.dead
      ),
      d AS (
        UPDATE ${t} SET dead = true, dead_reason = u.r, dead_at = u.x, lease_until = 0,
          last_error = coalesce(u.e, ${t}.last_error)
        FROM unnest($6::bigint[], $7::text[], $8::bigint[], $9::text[]) AS u(s, r, x, e)
        WHERE ${t}.seq = u.s AND NOT ${t}.dead
      )
      DELETE FROM ${t} WHERE seq = ANY($1::bigint[]) AND ${live} AND (SELECT v FROM relaxed) = 'off'`,
    /** The checksum moves with the row: a damaged row cannot be laundered by a requeue; a corrupt one stays put. */
    requeue: `
      WITH moved AS (DELETE FROM ${t} WHERE dead AND dead_reason IS DISTINCT FROM 'corrupt' AND ${pairs} RETURNING *)
      INSERT INTO ${t} (id, partition_key, attempts, next_attempt_at, last_error, enqueued_at, created_at, envelope, checksum)
      SELECT id, partition_key, 0, $3, last_error, $3, created_at, envelope, checksum FROM moved ORDER BY seq`,
    /** Dead-letters rows found altered at rest ($1 seqs, at $2, with reason text $3). */
    markCorrupt: `UPDATE ${t} SET dead = true, dead_reason = 'corrupt', lease_until = 0, last_error = $3,
      dead_at = CASE WHEN dead THEN dead_at ELSE $2 END WHERE seq = ANY($1::bigint[])`,
    /** Rows from before checksums were kept, for the one-time fill at open. */
    unsummed: `SELECT seq, envelope::text AS envelope FROM ${t} WHERE checksum IS NULL LIMIT 1000`,
    setSums: `UPDATE ${t} SET checksum = u.c FROM unnest($1::bigint[], $2::bigint[]) AS u(s, c)
      WHERE seq = u.s AND checksum IS NULL`,
    discard: `DELETE FROM ${t} WHERE dead AND ${pairs}`,
    count: `SELECT count(*) FILTER (WHERE ${live} AND lease_until <= $1)::int AS pending,
      count(*) FILTER (WHERE ${live} AND lease_until > $1)::int AS inflight,
      count(*) FILTER (WHERE dead)::int AS dead FROM ${t}`,
    list: (status: string | undefined) =>
      `SELECT ${PG_ROW_COLUMNS} FROM ${t} WHERE seq > $1 ${
        status === 'dead'
          ? 'AND dead'
          : status === 'pending'
            ? 'AND NOT dead AND lease_until <= $3'
            : status === 'inflight'
              ? 'AND NOT dead AND lease_until > $3'
              : ''
      } ORDER BY seq LIMIT $2`,
    nextDue: `SELECT min(GREATEST(next_attempt_at, lease_until))::float8 AS due FROM ${t} AS i WHERE NOT dead
      AND (partition_key IS NULL OR seq = (SELECT min(seq) FROM ${t} AS j WHERE j.partition_key = i.partition_key AND NOT j.dead))`,
    highWater: `SELECT v FROM ${t}_meta WHERE k = 'hlc'`,
  };
}

/**
 * Fills the checksum of rows written before checksums were kept, at open,
 * inside the schema transaction: they are blessed as they are then, the best
 * anyone can do for data never checksummed. A row still without one (written
 * by an older version sharing the table) is read unchecked.
 */
export async function fillChecksums(
  client: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> },
  sql: ReturnType<typeof postgresSql>,
): Promise<void> {
  for (;;) {
    const { rows } = await client.query(sql.unsummed);
    if (rows.length === 0) return;
    const list = rows as { seq: string; envelope: string }[];
    await client.query(sql.setSums, [list.map((r) => r.seq), list.map((r) => textChecksum(r.envelope))]);
  }
}
