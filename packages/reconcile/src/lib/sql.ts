/** Table names and the SQL the Postgres ledger runs, built once per ledger. */
export interface Statements {
  namespace: string;
  ddl: string[];
  insert: string;
  fingerprints: string;
  lock: string;
  loadStates: string;
  loadGroups: string;
  write: string;
  loadMembers: string;
  loadIntents: string;
  clearVerdicts: string;
  loadCheckpoints: string;
  dropCheckpoints: string;
  loadMembersAfter: string;
  clearVerdictsAfter: string;
  counts: string;
  verdictPage: string;
  verdictFirst: string;
  statePage: string;
  stateFirst: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,39}$/;

export function statements(schema: string, prefix: string): Statements {
  if (!IDENT.test(schema)) throw new RangeError(`schema must match ${IDENT}, got ${JSON.stringify(schema)}`);
  if (prefix !== '' && !/^[a-z_][a-z0-9_]{0,23}$/.test(prefix)) {
    throw new RangeError(`prefix must be up to 24 characters of [a-z0-9_], got ${JSON.stringify(prefix)}`);
  }
  const t = (name: string) => `"${schema}"."${prefix}${name}"`;
  const intents = t('intents');
  const groups = t('groups');
  const verdicts = t('verdicts');
  const checkpoints = t('checkpoints');
  // Positions arrive as one JSON array of { key, at }.
  const positions = `jsonb_to_recordset($1::jsonb) AS w(key text, at text)`;
  const columns = 'id::text AS id, type, device, hlc, grp, grp2, fingerprint, payload, facts';
  return {
    namespace: `${schema}.${prefix}`,
    ddl: [
      `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
      `CREATE TABLE IF NOT EXISTS ${intents} (
        id uuid PRIMARY KEY,
        type text NOT NULL,
        device text NOT NULL,
        hlc text COLLATE "C" NOT NULL,
        grp text COLLATE "C" NOT NULL,
        grp2 text COLLATE "C",
        fingerprint text NOT NULL,
        payload jsonb NOT NULL,
        facts jsonb
      )`,
      // By group, then time: serves whole groups and, for a late intent, what follows its checkpoint.
      `CREATE INDEX IF NOT EXISTS "${prefix}intents_grp_hlc" ON ${intents} (grp, hlc)`,
      `CREATE INDEX IF NOT EXISTS "${prefix}intents_grp2" ON ${intents} (grp2) WHERE grp2 IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${groups} (key text COLLATE "C" PRIMARY KEY, state jsonb NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${verdicts} (
        grp text COLLATE "C" NOT NULL,
        intent_id uuid NOT NULL,
        kind text COLLATE "C" NOT NULL,
        body jsonb NOT NULL,
        PRIMARY KEY (grp, intent_id, kind)
      )`,
      `CREATE INDEX IF NOT EXISTS "${prefix}verdicts_order" ON ${verdicts} (intent_id, kind, grp)`,
      `CREATE TABLE IF NOT EXISTS ${checkpoints} (
        grp text COLLATE "C" NOT NULL,
        at text COLLATE "C" NOT NULL,
        state jsonb NOT NULL,
        PRIMARY KEY (grp, at)
      )`,
    ],
    // One JSON parameter instead of nine arrays: pg and PGlite serialize it identically.
    insert: `INSERT INTO ${intents} (id, type, device, hlc, grp, grp2, fingerprint, payload, facts)
      SELECT r.id::uuid, r.type, r.device, r.hlc, r.grp, r.grp2, r.fingerprint, r.payload, r.facts
      FROM jsonb_to_recordset($1::jsonb) AS r(id text, type text, device text, hlc text, grp text, grp2 text,
        fingerprint text, payload jsonb, facts jsonb)
      ON CONFLICT (id) DO NOTHING RETURNING id::text AS id`,
    fingerprints: `SELECT id::text AS id, fingerprint FROM ${intents} WHERE id = ANY($1::uuid[])`,
    // Locks are taken in hash order, the same global order in every process, so two
    // reconcilers never wait on each other in a cycle.
    lock: `SELECT count(pg_advisory_xact_lock(h))::int AS n FROM (
        SELECT DISTINCT hashtextextended($2 || k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h
      ) AS ordered`,
    loadStates: `SELECT key, state FROM ${groups} WHERE key = ANY($1::text[])`,
    loadGroups: `SELECT
      (SELECT coalesce(jsonb_agg(jsonb_build_object('key', key, 'state', state)), '[]'::jsonb)
        FROM ${groups} WHERE key = ANY($1::text[])) AS states,
      (SELECT coalesce(jsonb_agg(to_jsonb(m)), '[]'::jsonb) FROM (SELECT ${columns} FROM ${intents}
        WHERE grp = ANY($2::text[]) OR grp2 = ANY($2::text[])) AS m) AS members`,
    // A batch's closing writes go to three tables in one statement, so one round trip.
    write: `WITH s AS (
        INSERT INTO ${groups} (key, state)
        SELECT r.key, r.state FROM jsonb_to_recordset($1::jsonb) AS r(key text, state jsonb)
        ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state
      ), v AS (
        INSERT INTO ${verdicts} (grp, intent_id, kind, body)
        SELECT r.grp, r.intent_id::uuid, r.kind, r.body
        FROM jsonb_to_recordset($2::jsonb) AS r(grp text, intent_id text, kind text, body jsonb)
      ), c AS (
        INSERT INTO ${checkpoints} (grp, at, state)
        SELECT r.key, r.at, r.state FROM jsonb_to_recordset($3::jsonb) AS r(key text, at text, state jsonb)
        ON CONFLICT (grp, at) DO UPDATE SET state = EXCLUDED.state
      ) SELECT 1 AS done`,
    loadMembers: `SELECT ${columns} FROM ${intents} WHERE grp = ANY($1::text[]) OR grp2 = ANY($1::text[])`,
    loadIntents: `SELECT ${columns} FROM ${intents} WHERE id = ANY($1::uuid[])`,
    clearVerdicts: `DELETE FROM ${verdicts} WHERE grp = ANY($1::text[]) RETURNING body`,
    loadCheckpoints: `SELECT DISTINCT ON (c.grp) c.grp AS key, c.at, c.state FROM ${positions}
      JOIN ${checkpoints} c ON c.grp = w.key AND c.at < w.at COLLATE "C" ORDER BY c.grp, c.at DESC`,
    dropCheckpoints: `DELETE FROM ${checkpoints} c USING ${positions}
      WHERE c.grp = w.key AND c.at > w.at COLLATE "C"`,
    // The hlc bound lets the (grp, hlc) index skip the history; the sort key decides exactly.
    loadMembersAfter: `SELECT ${columns.replace(/(^|, )(?=[a-z])/g, '$1i.')} FROM ${positions}
      JOIN ${intents} i ON i.grp = w.key AND i.hlc >= split_part(w.at, ' ', 1) COLLATE "C"
        AND (i.hlc || ' ' || i.id::text) > w.at COLLATE "C"`,
    clearVerdictsAfter: `DELETE FROM ${verdicts} v USING ${positions}
      WHERE v.grp = w.key AND ((v.body->'detail'->>'hlc') || ' ' || v.intent_id::text) > w.at COLLATE "C"
      RETURNING v.body`,
    counts: `SELECT type, count(*)::int AS n FROM ${intents} GROUP BY type`,
    verdictFirst: `SELECT intent_id::text AS intent_id, kind, grp, body FROM ${verdicts}
      ORDER BY intent_id, kind, grp LIMIT $1`,
    verdictPage: `SELECT intent_id::text AS intent_id, kind, grp, body FROM ${verdicts}
      WHERE (intent_id, kind, grp) > ($2::uuid, $3, $4) ORDER BY intent_id, kind, grp LIMIT $1`,
    stateFirst: `SELECT key, state FROM ${groups} ORDER BY key LIMIT $1`,
    statePage: `SELECT key, state FROM ${groups} WHERE key > $2 ORDER BY key LIMIT $1`,
  };
}
