import type { Checkpoint, GroupPosition, LedgerTransaction, StoredIntent, Verdict } from '../ledger.js';
import { emptySku, foldSku, type SkuFoldOptions, type SkuState } from './fold-sku.js';
import { byTime, sortKey } from './order.js';

export type KeyedCheckpoint = Checkpoint & { readonly key: string };

export interface SkuFolded {
  state: SkuState;
  verdicts: Verdict[];
  checkpoints: KeyedCheckpoint[];
}

/**
 * Folds `intents` (sorted, all after `start.last`) onto `start`, keeping a
 * checkpoint each time the SKU's intent count reaches a multiple of
 * `checkpointEvery`. The count is a function of the set of intents, so every
 * process puts checkpoints in the same places; but they are only a cache, and
 * a result never depends on which exist.
 */
export function foldCheckpointed(
  key: string,
  start: SkuState,
  intents: readonly StoredIntent[],
  options: SkuFoldOptions,
): SkuFolded {
  const every = options.checkpointEvery;
  const out: SkuFolded = { state: start, verdicts: [], checkpoints: [] };
  let from = 0;
  while (from < intents.length) {
    const count = out.state.count ?? 0;
    const room = every - (count % every);
    const to = Math.min(intents.length, from + room);
    const folded = foldSku(
      key,
      out.state,
      from === 0 && to === intents.length ? intents : intents.slice(from, to),
      options,
    );
    out.state = folded.state;
    out.verdicts.push(...folded.verdicts);
    if (folded.state.count % every === 0)
      out.checkpoints.push({
        key,
        at: folded.state.last!,
        state: folded.state as unknown as Checkpoint['state'],
      });
    from = to;
  }
  return out;
}

export interface LateSkus {
  /** Each group and the position its refold started from (its checkpoint, or '' for the start). */
  from: GroupPosition[];
  folded: Map<string, SkuFolded>;
  /** The verdicts the refold replaces: those on intents after each group's start. */
  cleared: Verdict[];
}

/**
 * Refolds SKU groups that received intents earlier than their last folded
 * one: each from its last checkpoint before the earliest new intent, so a late
 * arrival costs what follows it, not the group's whole history. Verdicts and
 * checkpoints after that point are replaced; those before it stand, since a
 * verdict depends only on the intents up to its own.
 */
export async function refoldLate(
  tx: LedgerTransaction,
  late: ReadonlyMap<string, readonly StoredIntent[]>,
  options: SkuFoldOptions,
): Promise<LateSkus> {
  const wanted = [...late].map(([key, fresh]) => ({ key, at: sortKey(fresh[0]!) }));
  const found = await tx.loadCheckpoints(wanted);
  const from = wanted.map(({ key }) => ({ key, at: found.get(key)?.at ?? '' }));
  const members = new Map<string, StoredIntent[]>();
  for (const m of await tx.loadMembersAfter(from)) {
    const list = members.get(m.group);
    if (list) list.push(m);
    else members.set(m.group, [m]);
  }
  const folded = new Map<string, SkuFolded>();
  for (const { key } of from) {
    const checkpoint = found.get(key);
    const start = checkpoint ? (checkpoint.state as unknown as SkuState) : emptySku();
    folded.set(key, foldCheckpointed(key, start, (members.get(key) ?? []).sort(byTime), options));
  }
  return { from, folded, cleared: await tx.clearVerdictsAfter(from) };
}
