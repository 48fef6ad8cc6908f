import { canonicalJson, type JsonValue } from '@tallystick/core';
import type { LedgerTransaction, StoredIntent, Verdict } from '../ledger.js';
import { foldRefunds, foldRefusedToken, foldToken } from './fold-groups.js';
import { emptySku, type SkuFoldOptions, type SkuState } from './fold-sku.js';
import { INTENT, lockOf, parseRefundsKey, refundsKey, SKU } from './groups.js';
import { byTime, compareText, sortKey } from './order.js';
import { foldCheckpointed, type KeyedCheckpoint, refoldLate } from './sku-update.js';

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
 * order); one with an earlier intent is refolded from its last checkpoint
 * before that intent. Token and refund groups are small and recomputed whole.
 * Either way the verdicts equal a fold of the whole set in time order, which is
 * what makes the ledger independent of arrival order, batching, replays and
 * concurrency.
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
  const refundGroups = new Set<string>();
  for (const intent of applied) {
    if (intent.group.startsWith(SKU)) push(skuNew, intent.group, intent);
    else recompute.add(intent.group);
    if (intent.group2 !== null) refundGroups.add(intent.group2);
    if (intent.type === 'sale') refundGroups.add(refundsKey(intent.id, intent.group.slice(SKU.length)));
  }
  // A refund group's lock is its SKU's, and every refund and sale is a SKU member, so
  // the SKU keys already cover them.
  const locks = new Set<string>(skuNew.keys());
  for (const key of recompute) {
    const lock = lockOf(key);
    if (lock !== undefined) locks.add(lock);
  }
  await tx.lockGroups([...locks].sort(compareText));

  // Refused tokens need no query: an `intent:` group is exactly its new intent.
  const toLoad = [...[...recompute].filter((k) => !k.startsWith(INTENT)), ...refundGroups];
  const { states, members } = await tx.loadGroups([...skuNew.keys()], toLoad);
  const newStates: { key: string; state: JsonValue }[] = [];
  const checkpoints: KeyedCheckpoint[] = [];
  const late = new Map<string, StoredIntent[]>();
  for (const [key, fresh] of skuNew) {
    fresh.sort(byTime);
    const state = states.get(key) as SkuState | undefined;
    if (state && state.last !== null && state.last >= sortKey(fresh[0]!)) {
      late.set(key, fresh);
      continue;
    }
    const folded = foldCheckpointed(key, state ?? emptySku(), fresh, options);
    newStates.push({ key, state: folded.state as unknown as JsonValue });
    checkpoints.push(...folded.checkpoints);
    result.added.push(...folded.verdicts);
  }

  const recomputed: Verdict[] = [];
  const refolded = late.size > 0 ? await refoldLate(tx, late, options) : undefined;
  for (const [key, folded] of refolded?.folded ?? []) {
    newStates.push({ key, state: folded.state as unknown as JsonValue });
    checkpoints.push(...folded.checkpoints);
    recomputed.push(...folded.verdicts);
  }
  const byGroup = new Map<string, StoredIntent[]>();
  const seen = new Set<string>();
  for (const m of members) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    push(byGroup, m.group, m);
    if (m.group2 !== null) push(byGroup, m.group2, m);
  }
  for (const key of recompute) {
    if (key.startsWith(INTENT)) {
      for (const intent of applied)
        if (intent.group === key) result.added.push(...foldRefusedToken(key, intent, options.policies));
    } else {
      recomputed.push(...foldToken(key, (byGroup.get(key) ?? []).sort(byTime), options.policies));
    }
  }
  // A sale's refund group has verdicts only once it has refunds; sales without any are skipped.
  const withRefunds = [...refundGroups].filter((key) => byGroup.get(key)?.some((m) => m.group2 === key));
  const sales = new Map(
    (await tx.loadIntents(withRefunds.map((key) => parseRefundsKey(key).saleId))).map((s) => [s.id, s]),
  );
  for (const key of withRefunds) {
    const refunds = byGroup
      .get(key)!
      .filter((m) => m.group2 === key)
      .sort(byTime);
    recomputed.push(...foldRefunds(key, sales.get(parseRefundsKey(key).saleId), refunds, options.policies));
  }

  const recomputedGroups = [...[...recompute].filter((k) => !k.startsWith(INTENT)), ...withRefunds];
  const cleared = recomputedGroups.length > 0 ? await tx.clearVerdicts(recomputedGroups) : [];
  if (refolded) cleared.push(...refolded.cleared);
  await tx.addVerdicts([...result.added, ...recomputed]);
  await tx.saveStates(newStates);
  if (refolded || checkpoints.length > 0) await tx.saveCheckpoints(refolded?.from ?? [], checkpoints);
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
  if (before.length === 0) {
    into.added.push(...after);
    return;
  }
  const old = new Map(before.map((v) => [canonicalJson(v), v]));
  for (const verdict of after) {
    const key = canonicalJson(verdict);
    if (old.has(key)) old.delete(key);
    else into.added.push(verdict);
  }
  into.retracted.push(...old.values());
}
