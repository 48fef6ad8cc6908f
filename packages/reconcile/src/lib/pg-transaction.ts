import type { JsonValue } from '@tallystick/core';
import type { IntentType } from '../intents.js';
import type { Checkpoint, GroupState, LedgerTransaction, StoredIntent, Verdict } from '../ledger.js';
import type { SqlClient } from '../postgres.js';
import type { Statements } from './sql.js';

/** Fingerprints of the given ids, on any connection. */
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

/**
 * The ledger's transaction operations on one Postgres connection inside
 * BEGIN ... COMMIT. Writes that nothing reads back in the same batch (states,
 * verdicts, checkpoints) are held and sent together, in one statement, before
 * the next other operation or by `flush()` before COMMIT: a batch of one intent
 * pays one round trip for them instead of three.
 */
export function transactionOn(c: SqlClient, sql: Statements): LedgerTransaction & { flush(): Promise<void> } {
  const states = new Map<string, GroupState>();
  const verdicts: Record<string, unknown>[] = [];
  const checkpoints = new Map<string, Checkpoint & { key: string }>();
  const flush = async () => {
    if (states.size === 0 && verdicts.length === 0 && checkpoints.size === 0) return;
    const params = [[...states.values()], verdicts.splice(0), [...checkpoints.values()]].map((rows) =>
      JSON.stringify(rows),
    );
    states.clear();
    checkpoints.clear();
    await c.query(sql.write, params);
  };
  // Every operation but the held writes first sends what is held, so reads see it.
  const query = async (text: string, params: unknown[]) => {
    await flush();
    return (await c.query(text, params)).rows;
  };
  return {
    flush,
    fingerprints: async (ids) => {
      await flush();
      return fingerprintsOn(c, sql, ids);
    },
    async insertIntents(intents) {
      if (intents.length === 0) return new Set();
      const rows = intents.map((i) => ({ ...i, grp: i.group, grp2: i.group2 }));
      return new Set((await query(sql.insert, [JSON.stringify(rows)])).map((r) => String(r.id)));
    },
    async lockGroups(keys) {
      if (keys.length > 0) await query(sql.lock, [keys, `${sql.namespace}:`]);
    },
    async loadStates(keys) {
      if (keys.length === 0) return new Map();
      return new Map((await query(sql.loadStates, [keys])).map((r) => [String(r.key), r.state as JsonValue]));
    },
    async loadGroups(stateKeys, memberKeys) {
      if (stateKeys.length === 0 && memberKeys.length === 0) return { states: new Map(), members: [] };
      const [row] = await query(sql.loadGroups, [stateKeys, memberKeys]);
      const found = (row?.states ?? []) as { key: string; state: JsonValue }[];
      return {
        states: new Map(found.map((s) => [s.key, s.state])),
        members: ((row?.members ?? []) as Record<string, unknown>[]).map(toIntent),
      };
    },
    async saveStates(list) {
      for (const s of list) states.set(s.key, s);
    },
    async loadMembers(keys) {
      if (keys.length === 0) return [];
      return (await query(sql.loadMembers, [keys])).map(toIntent);
    },
    async loadIntents(ids) {
      if (ids.length === 0) return [];
      return (await query(sql.loadIntents, [ids])).map(toIntent);
    },
    async clearVerdicts(keys) {
      if (keys.length === 0) return [];
      return (await query(sql.clearVerdicts, [keys])).map((r) => r.body as Verdict);
    },
    async addVerdicts(list) {
      for (const v of list) verdicts.push({ grp: v.group, intent_id: v.intentId, kind: v.kind, body: v });
    },
    async loadCheckpoints(before) {
      if (before.length === 0) return new Map();
      const rows = await query(sql.loadCheckpoints, [JSON.stringify(before)]);
      return new Map(
        rows.map((r): [string, Checkpoint] => [
          String(r.key),
          { at: String(r.at), state: r.state as JsonValue },
        ]),
      );
    },
    async saveCheckpoints(after, list) {
      if (after.length > 0) await query(sql.dropCheckpoints, [JSON.stringify(after)]);
      for (const cp of list) checkpoints.set(`${cp.key}\n${cp.at}`, cp);
    },
    async loadMembersAfter(after) {
      if (after.length === 0) return [];
      return (await query(sql.loadMembersAfter, [JSON.stringify(after)])).map(toIntent);
    },
    async clearVerdictsAfter(after) {
      if (after.length === 0) return [];
      return (await query(sql.clearVerdictsAfter, [JSON.stringify(after)])).map((r) => r.body as Verdict);
    },
  };
}
