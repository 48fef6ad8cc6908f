/** Table names and the SQL the Postgres ledger runs, built once per ledger. */
export interface Statements {
  namespace: string;
  ddl: string[];
  insert: string;
  fingerprints: string;
  lock: string;
  loadStates: string;
  saveStates: string;
  loadMembers: string;
  loadIntents: string;
  clearVerdicts: string;
  addVerdicts: string;
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
      `CREATE INDEX IF NOT EXISTS "${prefix}intents_grp" ON ${intents} (grp)`,
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
    saveStates: `INSERT INTO ${groups} (key, state)
      SELECT r.key, r.state FROM jsonb_to_recordset($1::jsonb) AS r(key text, state jsonb)
      ON CONFLICT (key) DO UPDATE SET state = EXCLUDED.state`,
    loadMembers: `SELECT ${columns} FROM ${intents} WHERE grp = ANY($1::text[]) OR grp2 = ANY($1::text[])`,
    loadIntents: `SELECT ${columns} FROM ${intents} WHERE id = ANY($1::uuid[])`,
    clearVerdicts: `DELETE FROM ${verdicts} WHERE grp = ANY($1::text[]) RETURNING body`,
    addVerdicts: `INSERT INTO ${verdicts} (grp, intent_id, kind, body)
      SELECT r.grp, r.intent_id::uuid, r.kind, r.body
      FROM jsonb_to_recordset($1::jsonb) AS r(grp text, intent_id text, kind text, body jsonb)`,
    counts: `SELECT type, count(*)::int AS n FROM ${intents} GROUP BY type`,
    verdictFirst: `SELECT intent_id::text AS intent_id, kind, grp, body FROM ${verdicts}
      ORDER BY intent_id, kind, grp LIMIT $1`,
    verdictPage: `SELECT intent_id::text AS intent_id, kind, grp, body FROM ${verdicts}
      WHERE (intent_id, kind, grp) > ($2::uuid, $3, $4) ORDER BY intent_id, kind, grp LIMIT $1`,
    stateFirst: `SELECT key, state FROM ${groups} ORDER BY key LIMIT $1`,
    statePage: `SELECT key, state FROM ${groups} WHERE key > $2 ORDER BY key LIMIT $1`,
  };
}
