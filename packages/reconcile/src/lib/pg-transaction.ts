import type { JsonValue } from '@tallystick/core';
import type { IntentType } from '../intents.js';
import type { LedgerTransaction, StoredIntent, Verdict } from '../ledger.js';
import type { SqlClient } from '../postgres.js';
import type { Statements } from './sql.js';

/** The ledger's transaction operations on one Postgres connection inside BEGIN ... COMMIT. */
export async function fingerprintsOn(
  c: SqlClient,
  sql: Statements,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await c.query(sql.fingerprints, [ids]);
  return new Map(rows.map((r) => [String(r.id), String(r.fingerprint)]));
}

function toIntent(row: Record<string, unknown>): StoredIntent {
  return {
    id: String(row.id),
    type: row.type as IntentType,
    device: String(row.device),
    hlc: String(row.hlc),
    group: String(row.grp),
    group2: row.grp2 === null || row.grp2 === undefined ? null : String(row.grp2),
    fingerprint: String(row.fingerprint),
    payload: row.payload as JsonValue,
    facts: (row.facts ?? null) as JsonValue,
  };
}

export function transactionOn(c: SqlClient, sql: Statements): LedgerTransaction {
  return {
    fingerprints: (ids) => fingerprintsOn(c, sql, ids),
    async insertIntents(intents) {
      if (intents.length === 0) return new Set();
      const rows = intents.map((i) => ({ ...i, grp: i.group, grp2: i.group2 }));
      const { rows: inserted } = await c.query(sql.insert, [JSON.stringify(rows)]);
      return new Set(inserted.map((r) => String(r.id)));
    },
    async lockGroups(keys) {
      if (keys.length > 0) await c.query(sql.lock, [keys, `${sql.namespace}:`]);
    },
    async loadStates(keys) {
      if (keys.length === 0) return new Map();
      const { rows } = await c.query(sql.loadStates, [keys]);
      return new Map(rows.map((r) => [String(r.key), r.state as JsonValue]));
    },
    async saveStates(states) {
      if (states.length > 0) await c.query(sql.saveStates, [JSON.stringify(states)]);
    },
    async loadMembers(keys) {
      if (keys.length === 0) return [];
      return (await c.query(sql.loadMembers, [keys])).rows.map(toIntent);
    },
    async loadIntents(ids) {
      if (ids.length === 0) return [];
      return (await c.query(sql.loadIntents, [ids])).rows.map(toIntent);
    },
    async clearVerdicts(keys) {
      if (keys.length === 0) return [];
      return (await c.query(sql.clearVerdicts, [keys])).rows.map((r) => r.body as Verdict);
    },
    async addVerdicts(verdicts) {
      if (verdicts.length === 0) return;
      const rows = verdicts.map((v) => ({ grp: v.group, intent_id: v.intentId, kind: v.kind, body: v }));
      await c.query(sql.addVerdicts, [JSON.stringify(rows)]);
    },
  };
}
