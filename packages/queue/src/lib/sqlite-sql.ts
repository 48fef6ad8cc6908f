import { ROW_COLUMNS } from './sql-row.js';

/** The SQLite adapter's schema and statements, for a table prefix `p`. */
export function sqliteSql(p: string) {
  const t = `${p}_intents`;
  const live = `dead = 0`;
  return {
    schema: `
      CREATE TABLE IF NOT EXISTS ${t} (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        partition_key TEXT,
        dead INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        last_error TEXT,
        dead_reason TEXT,
        dead_at INTEGER NOT NULL DEFAULT 0,
        enqueued_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        envelope TEXT NOT NULL,
        checksum INTEGER
      );
      CREATE INDEX IF NOT EXISTS ${t}_live ON ${t} (dead, seq);
      CREATE INDEX IF NOT EXISTS ${t}_partition ON ${t} (partition_key, seq) WHERE dead = 0;
      CREATE TABLE IF NOT EXISTS ${p}_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${p}_replayer (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );`,
    insert: `INSERT INTO ${t} (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    insertIfAbsent: `INSERT INTO ${t} (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO NOTHING`,
    envelopeById: `SELECT envelope, checksum, partition_key, created_at FROM ${t} WHERE id = ?`,
    /** A requeue keeps the row's checksum as it was: a damaged row cannot be laundered by moving it. */
    reinsert: `INSERT INTO ${t} (id, partition_key, attempts, next_attempt_at, last_error, enqueued_at, created_at, envelope, checksum)
      VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?)`,
    raiseHighWater: `INSERT INTO ${p}_meta (k, v) VALUES ('hlc', ?)
      ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v > v`,
    highWater: `SELECT v FROM ${p}_meta WHERE k = 'hlc'`,
    scanLive: `SELECT seq, partition_key, next_attempt_at, lease_until FROM ${t} WHERE ${live} ORDER BY seq`,
    claimMany: `UPDATE ${t} SET attempts = attempts + 1, lease_until = ?, lease_owner = ?
      WHERE seq IN (SELECT value FROM json_each(?)) RETURNING ${ROW_COLUMNS}`,
    renewMany: `UPDATE ${t} SET lease_until = ? WHERE seq IN (SELECT value FROM json_each(?))
      AND ${live} AND lease_until > 0 AND lease_owner = ?`,
    /** Settlements arrive as one JSON array per kind, so a batch is at most three statements, not one per intent. */
    ackMany: `DELETE FROM ${t} WHERE seq IN (SELECT value FROM json_each(?)) AND ${live}`,
    rescheduleMany: `UPDATE ${t} SET attempts = u.value ->> 1, next_attempt_at = u.value ->> 2, lease_until = 0,
        last_error = coalesce(u.value ->> 3, last_error)
      FROM json_each(?) AS u WHERE seq = u.value ->> 0 AND ${live}`,
    buryMany: `UPDATE ${t} SET dead = 1, dead_reason = u.value ->> 1, dead_at = u.value ->> 2, lease_until = 0,
        last_error = coalesce(u.value ->> 3, last_error)
      FROM json_each(?) AS u WHERE seq = u.value ->> 0 AND ${live}`,
    markCorrupt: `UPDATE ${t} SET dead = 1, dead_reason = 'corrupt', dead_at = CASE WHEN dead = 1 THEN dead_at ELSE ? END,
        lease_until = 0, last_error = ? WHERE seq = ?`,
    anyLive: `SELECT EXISTS (SELECT 1 FROM ${t} WHERE ${live}) AS v`,
    getDead: `SELECT ${ROW_COLUMNS} FROM ${t} WHERE seq = ? AND id = ? AND dead = 1`,
    deleteDead: `DELETE FROM ${t} WHERE seq = ? AND id = ? AND dead = 1`,
    count: `SELECT coalesce(sum(dead = 0 AND lease_until <= ?), 0) AS pending,
      coalesce(sum(dead = 0 AND lease_until > ?), 0) AS inflight, coalesce(sum(dead), 0) AS dead FROM ${t}`,
    /** A page after a seq; takes (afterSeq, now, limit) when `status` depends on leases, else (afterSeq, limit). */
    list: (status: string | undefined) =>
      `SELECT ${ROW_COLUMNS} FROM ${t} WHERE seq > ? ${
        status === 'dead'
          ? 'AND dead = 1'
          : status === 'pending'
            ? 'AND dead = 0 AND lease_until <= ?'
            : status === 'inflight'
              ? 'AND dead = 0 AND lease_until > ?'
              : ''
      } ORDER BY seq LIMIT ?`,
    nextDue: `SELECT min(max(next_attempt_at, lease_until)) AS due FROM ${t} AS i WHERE ${live}
      AND (partition_key IS NULL OR seq = (SELECT min(seq) FROM ${t} AS j WHERE j.partition_key = i.partition_key AND j.dead = 0))`,
    lockGet: `SELECT owner, pid, host, expires_at FROM ${p}_replayer WHERE id = 1`,
    lockPut: `INSERT INTO ${p}_replayer (id, owner, pid, host, expires_at) VALUES (1, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host, expires_at = excluded.expires_at`,
    lockRenew: `UPDATE ${p}_replayer SET expires_at = ? WHERE id = 1 AND owner = ?`,
    lockRelease: `DELETE FROM ${p}_replayer WHERE id = 1 AND owner = ?`,
  };
}
