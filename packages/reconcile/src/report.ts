import type { Money } from '@tallystick/core';
import type { ConflictKind } from './conflicts.js';
import type { GroupState, Ledger, LedgerCounts, Verdict } from './ledger.js';
import type { SkuState } from './lib/fold-sku.js';

/**
 * One SKU's stock after every intent in the ledger, in time order.
 *
 * @example
 * ```ts
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { StockLine } from '@tallystick/reconcile';
 * await reconciler.apply(sold);
 * const pie: StockLine | undefined = (await reconciler.report()).stock.find((s) => s.sku === 'pie');
 * pie?.backordered; // 1: two sold, one in stock
 * ```
 */
export interface StockLine {
  readonly sku: string;
  /** Units free to sell. */
  readonly available: number;
  /** Units reserved by holds still active at the SKU's last intent. */
  readonly held: number;
  /** Units sold that stock could not cover. */
  readonly backordered: number;
  readonly sold: number;
  readonly returned: number;
  /** The list price in force after the last price update, if any. */
  readonly listPrice?: { readonly unitPrice: Money; readonly discountBps: number };
}

/**
 * The reconciliation report, derived from the ledger alone. Because the ledger
 * is a function of the set of intents, so is this report: the same intents give
 * the same report, byte for byte through `canonicalJson`, whatever the arrival
 * order, batching, replays or number of reconciler processes. (Per-run delivery
 * counts, such as duplicates suppressed, are in the run's events instead, since
 * they count deliveries, not intents.)
 *
 * @example
 * ```ts
 * import { encodeHlc, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const intent = (wall: number, type: string, payload: object) =>
 *   ({ id: newIntentId(), type, device: 'till-1', hlc: encodeHlc({ wall, counter: 0, node: 'till-1' }), createdAt: wall, payload });
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const sold = [intent(1, 'restock', { sku: 'pie', quantity: 1 }), intent(2, 'sale', { sku: 'pie', quantity: 2, unitPrice: { amount: 380, currency: 'EUR' } })];
 * import type { ReconcileReport } from '@tallystick/reconcile';
 * await reconciler.apply(sold);
 * const report: ReconcileReport = await reconciler.report();
 * report.review.map((v) => `${v.kind}: ${v.reason}`); // ['oversell: …']
 * ```
 */
export interface ReconcileReport {
  /** Intents in the ledger, each applied once. */
  readonly intents: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Intents without any conflict. */
  readonly clean: number;
  /** Conflicts a rule settled, with the rule's name in `rule`. */
  readonly resolved: readonly Verdict[];
  /** Conflicts waiting for a person, with suggested actions. */
  readonly review: readonly Verdict[];
  readonly byKind: Readonly<Partial<Record<ConflictKind, { resolved: number; review: number }>>>;
  readonly stock: readonly StockLine[];
}

/**
 * Builds the {@link ReconcileReport} from a ledger.
 *
 * @throws whatever the ledger's reads throw (a lost database connection).
 * @example
 * ```ts
 * import { buildReport, createMemoryLedger } from '@tallystick/reconcile';
 * const report = await buildReport(createMemoryLedger());
 * report.intents; // 0
 * ```
 */
export async function buildReport(ledger: Ledger): Promise<ReconcileReport> {
  const counts = await ledger.counts();
  const resolved: Verdict[] = [];
  const review: Verdict[] = [];
  const byKind: Partial<Record<ConflictKind, { resolved: number; review: number }>> = {};
  let conflicted = 0;
  let previous: string | undefined;
  for await (const verdict of ledger.verdicts()) {
    (verdict.status === 'review' ? review : resolved).push(verdict);
    const tally = (byKind[verdict.kind] ??= { resolved: 0, review: 0 });
    tally[verdict.status]++;
    // Verdicts come sorted by intent id, so distinct intents are the changes of id.
    if (verdict.intentId !== previous) conflicted++;
    previous = verdict.intentId;
  }
  const stock: StockLine[] = [];
  for await (const { key, state } of ledger.states()) {
    if (key.startsWith('sku:')) stock.push(stockLine(key.slice(4), state as unknown as SkuState));
  }
  return {
    intents: counts.intents,
    byType: counts.byType,
    clean: counts.intents - conflicted,
    resolved,
    review,
    byKind,
    stock,
  };
}

function stockLine(sku: string, s: SkuState): StockLine {
  const line = {
    sku,
    available: s.available,
    held: s.held,
    backordered: s.backordered,
    sold: s.sold,
    returned: s.returned,
  };
  return s.price ? { ...line, listPrice: s.price.value } : line;
}

/**
 * Everything a ledger holds apart from the intents themselves: counts, every
 * group state and every verdict, each sorted. Two ledgers fed the same set of
 * intents have equal snapshots (compare with `canonicalJson`).
 *
 * @example
 * ```ts
 * import { canonicalJson } from '@tallystick/core';
 * import { createMemoryLedger, snapshotLedger } from '@tallystick/reconcile';
 * const a = canonicalJson(await snapshotLedger(createMemoryLedger()));
 * ```
 */
export interface LedgerSnapshot {
  readonly counts: LedgerCounts;
  readonly states: readonly GroupState[];
  readonly verdicts: readonly Verdict[];
}

/**
 * Reads a {@link LedgerSnapshot}.
 *
 * @throws whatever the ledger's reads throw.
 * @example
 * ```ts
 * import { createMemoryLedger, snapshotLedger } from '@tallystick/reconcile';
 * (await snapshotLedger(createMemoryLedger())).verdicts; // []
 * ```
 */
export async function snapshotLedger(ledger: Ledger): Promise<LedgerSnapshot> {
  const states: GroupState[] = [];
  for await (const s of ledger.states()) states.push(s);
  const verdicts: Verdict[] = [];
  for await (const v of ledger.verdicts()) verdicts.push(v);
  return { counts: await ledger.counts(), states, verdicts };
}
