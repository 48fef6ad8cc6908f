import { canonicalJson, type JsonValue } from '@tallystick/core';
import type { LedgerTransaction, StoredIntent, Verdict } from '../ledger.js';
import { foldRefusedToken, foldSale, foldToken } from './fold-groups.js';
import { emptySku, foldSku, type SkuFoldOptions, type SkuState } from './fold-sku.js';
import { byTime, compareText, sortKey } from './order.js';

export interface Applied {
  inserted: number;
  /** Replays another writer stored between our read and our insert. */
  duplicates: number;
  /** Ids another writer stored, in the meantime, with other content. */
  reused: StoredIntent[];
  added: Verdict[];
  retracted: Verdict[];
}

/**
 * One batch inside one transaction: insert what is new, lock every group the
 * new intents touch, then bring each group's verdicts up to date.
 *
 * A SKU group whose new intents all come after its last folded intent is
 * extended from its stored state (the common case: tills report roughly in time
 * order). Any other group is recomputed from all its members. Either way the
 * verdicts equal a fold of the whole set in time order, which is what makes the
 * ledger independent of arrival order, batching and replays.
 */
export async function applyBatch(
  tx: LedgerTransaction,
  stored: readonly StoredIntent[],
  options: SkuFoldOptions,
): Promise<Applied> {
  // Sorted by id so concurrent writers take row locks in the same order.
  const inserted = await tx.insertIntents([...stored].sort((a, b) => compareText(a.id, b.id)));
  const applied = stored.filter((s) => inserted.has(s.id));
  const raced = stored.filter((s) => !inserted.has(s.id));
  const result: Applied = { inserted: applied.length, duplicates: 0, reused: [], added: [], retracted: [] };
  if (raced.length > 0) {
    const found = await tx.fingerprints(raced.map((s) => s.id));
    for (const s of raced) {
      if (found.get(s.id) === s.fingerprint) result.duplicates++;
      else result.reused.push(s);
    }
  }
  if (applied.length === 0) return result;

  const skuNew = new Map<string, StoredIntent[]>();
  const recompute = new Set<string>();
  const saleGroups = new Set<string>();
  for (const intent of applied) {
    if (intent.group.startsWith('sku:')) push(skuNew, intent.group, intent);
    else recompute.add(intent.group);
    if (intent.type === 'refund' && intent.group2) saleGroups.add(intent.group2);
    if (intent.type === 'sale') saleGroups.add(`sale:${intent.id}`);
  }
  await tx.lockGroups([...new Set([...skuNew.keys(), ...recompute, ...saleGroups])].sort(compareText));

  const states = await tx.loadStates([...skuNew.keys()]);
  const newStates: { key: string; state: JsonValue }[] = [];
  const full: string[] = [];
  for (const [key, fresh] of skuNew) {
    fresh.sort(byTime);
    const state = states.get(key) as SkuState | undefined;
    if (state && state.last !== null && state.last >= sortKey(fresh[0]!)) {
      full.push(key);
      continue;
    }
    const folded = foldSku(key, state ?? emptySku(), fresh, options);
    newStates.push({ key, state: folded.state as unknown as JsonValue });
    result.added.push(...folded.verdicts);
  }

  const recomputed: Verdict[] = [];
  const members = await tx.loadMembers([...full, ...recompute, ...saleGroups]);
  const byGroup = new Map<string, StoredIntent[]>();
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    push(byGroup, m.group, m);
    if (m.group2 !== null) push(byGroup, m.group2, m);
  }
  for (const key of full) {
    const all = (byGroup.get(key) ?? []).filter((m) => m.group === key).sort(byTime);
    const folded = foldSku(key, emptySku(), all, options);
    newStates.push({ key, state: folded.state as unknown as JsonValue });
    recomputed.push(...folded.verdicts);
  }
  for (const key of recompute) {
    const all = (byGroup.get(key) ?? []).sort(byTime);
    if (key.startsWith('token:')) recomputed.push(...foldToken(key, all, options.policies));
    else for (const intent of all) recomputed.push(...foldRefusedToken(key, intent, options.policies));
  }
  // A sale group only has verdicts once it has refunds; sales without any are skipped.
  const withRefunds = [...saleGroups].filter((key) => byGroup.get(key)?.some((m) => m.group2 === key));
  const saleIds = withRefunds.map((key) => key.slice('sale:'.length));
  const sales = new Map((await tx.loadIntents(saleIds)).map((s) => [s.id, s]));
  for (const key of withRefunds) {
    const refunds = byGroup
      .get(key)!
      .filter((m) => m.group2 === key)
      .sort(byTime);
    recomputed.push(...foldSale(key, sales.get(key.slice('sale:'.length)), refunds, options.policies));
  }

  const cleared = await tx.clearVerdicts([...full, ...recompute, ...withRefunds]);
  await tx.addVerdicts([...result.added, ...recomputed]);
  await tx.saveStates(newStates);
  diff(cleared, recomputed, result);
  return result;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Verdicts that a recompute produced anew, and those it took back. */
function diff(before: readonly Verdict[], after: readonly Verdict[], into: Applied): void {
  const old = new Map(before.map((v) => [canonicalJson(v), v]));
  for (const verdict of after) {
    const key = canonicalJson(verdict);
    if (old.has(key)) old.delete(key);
    else into.added.push(verdict);
  }
  into.retracted.push(...old.values());
}
