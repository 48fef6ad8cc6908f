/**
 * The SQL of the Postgres store. Every time is a bigint of epoch milliseconds
 * passed in from the injected clock, never the server's now(), so tests can
 * move time and every check happens against the same clock as the other
 * adapters.
 */

const NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Validates and quotes `name` or `schema.name`. */
export function quoteTable(table: string): { quoted: string; bare: string } {
  if (typeof table !== 'string') throw new TypeError(`table must be a string, got ${typeof table}`);
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) {
    throw new RangeError(
      `table must be a lower-case SQL name (optionally schema.name), each part at most 48 characters; got ${JSON.stringify(table)}`,
    );
  }
  return { quoted: parts.map((p) => `"${p}"`).join('.'), bare: parts[parts.length - 1]! };
}

export function schemaSql(quoted: string, bare: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoted} (
  scope text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  token text,
  lease_until bigint,
  expires_at bigint NOT NULL,
  response text,
  PRIMARY KEY (scope, key),
  CHECK ((token IS NULL) = (lease_until IS NULL) AND (token IS NULL) <> (response IS NULL))
);
CREATE INDEX IF NOT EXISTS "${bare}_expires_at" ON ${quoted} (expires_at);
CREATE TABLE IF NOT EXISTS ${quotaTable(quoted, bare)} (
  scope text NOT NULL,
  window_start bigint NOT NULL,
  used integer NOT NULL,
  PRIMARY KEY (scope, window_start)
);`;
}

/** The per-scope quota counters live beside the records, in `<table>_quota`. */
export function quotaTable(quoted: string, bare: string): string {
  return `${quoted.slice(0, quoted.length - bare.length - 2)}"${bare}_quota"`;
}

/** $1 scope, $2 window_start. One atomic upsert: adds one to the window's count and returns it. */
export function countSql(quota: string): string {
  return `INSERT INTO ${quota} AS q (scope, window_start, used) VALUES ($1, $2::bigint, 1)
ON CONFLICT (scope, window_start) DO UPDATE SET used = q.used + 1 RETURNING used`;
}

/** $1 scope, $2 window_start, $3 key. Read-only: the window's count and whether the key has a row. */
export function peekSql(quoted: string, quota: string): string {
  return `SELECT COALESCE((SELECT used FROM ${quota} WHERE scope = $1 AND window_start = $2::bigint), 0) AS used,
  EXISTS (SELECT 1 FROM ${quoted} WHERE scope = $1 AND key = $3) AS held`;
}

/** $1 the start of the current window. Drops the counters of earlier windows. */
export function purgeQuotaSql(quota: string): string {
  return `DELETE FROM ${quota} WHERE window_start < $1::bigint RETURNING 1`;
}

/**
 * The claim, one atomic statement on the (scope, key) primary key:
 *
 * - `fresh` inserts the row if no row has the key (`ON CONFLICT DO NOTHING`);
 * - `taken` takes over a row past its TTL, or whose lease lapsed with the
 *   same fingerprint. Under READ COMMITTED a concurrent change makes Postgres
 *   re-check this `WHERE` on the newest row version, so of many racing
 *   takeovers exactly one matches;
 * - when neither happened, the same statement returns the row as of its
 *   snapshot, so a refused claim costs one round trip too.
 *
 * Why not `INSERT … ON CONFLICT DO UPDATE … WHERE`: that locks the existing
 * row even when its `WHERE` fails, so every retry of a completed key would
 * write a lock and wait for a commit flush. This form writes nothing then.
 *
 * $1 scope, $2 key, $3 fingerprint, $4 token, $5 now, $6 leaseMs, $7 ttlMs.
 */
export function claimSql(quoted: string): string {
  return `WITH fresh AS (
  INSERT INTO ${quoted} (scope, key, fingerprint, token, lease_until, expires_at, response)
  VALUES ($1, $2, $3, $4, $5::bigint + $6::bigint, $5::bigint + $7::bigint, NULL)
  ON CONFLICT (scope, key) DO NOTHING
  RETURNING 1
), taken AS (
  UPDATE ${quoted}
  SET fingerprint = $3, token = $4, lease_until = $5::bigint + $6::bigint,
      expires_at = $5::bigint + $7::bigint, response = NULL
  WHERE scope = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM fresh)
    AND (expires_at <= $5::bigint OR (response IS NULL AND lease_until <= $5::bigint AND fingerprint = $3))
  RETURNING 1
)
SELECT true AS claimed, NULL::text AS fingerprint, NULL::bigint AS lease_until,
       NULL::bigint AS expires_at, NULL::text AS response
FROM (SELECT 1 FROM fresh UNION ALL SELECT 1 FROM taken) AS won
UNION ALL
SELECT false, fingerprint, lease_until, expires_at, response FROM ${quoted}
WHERE scope = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM fresh) AND NOT EXISTS (SELECT 1 FROM taken)`;
}

/** $1 scope, $2 key, $3 token, $4 response JSON, $5 expires_at. Only the owner of a live row may complete it. */
export function completeSql(quoted: string): string {
  return `UPDATE ${quoted} SET token = NULL, lease_until = NULL, response = $4, expires_at = $5::bigint
WHERE scope = $1 AND key = $2 AND token = $3 RETURNING 1`;
}

/** $1 scope, $2 key, $3 token. */
export function releaseSql(quoted: string): string {
  return `DELETE FROM ${quoted} WHERE scope = $1 AND key = $2 AND token = $3 RETURNING 1`;
}

/** $1 now, $2 limit. Deletes in batches so a large backlog never holds one long lock. */
export function purgeSql(quoted: string): string {
  return `DELETE FROM ${quoted} WHERE ctid IN (
  SELECT ctid FROM ${quoted} WHERE expires_at <= $1::bigint LIMIT $2::int
) RETURNING 1`;
}

/** One row of the claim statement, as pg or PGlite returns it. */
export interface ClaimRow {
  claimed: boolean;
  fingerprint: string | null;
  lease_until: string | number | bigint | null;
  expires_at: string | number | bigint | null;
  response: string | null;
}
