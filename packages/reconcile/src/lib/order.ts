import type { StoredIntent, Verdict } from '../ledger.js';

/**
 * The order every fold uses: HLC text, then id. A space sorts below every
 * character a node id may contain, so `hlc + ' ' + id` compares exactly as
 * (compareHlc, then id) would.
 */
export function sortKey(intent: { readonly hlc: string; readonly id: string }): string {
  return intent.hlc + ' ' + intent.id;
}

/** Same order as comparing sort keys, without building them (this runs inside every sort). */
export function byTime(a: StoredIntent, b: StoredIntent): number {
  if (a.hlc !== b.hlc) return hlcOrder(a.hlc, b.hlc);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// One stamp being a prefix of the other ('…-till' vs '…-till-1') sorts the shorter
// first, exactly as the space in the sort key does.
function hlcOrder(a: string, b: string): number {
  return a < b ? -1 : 1;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byVerdict(a: Verdict, b: Verdict): number {
  return compareText(a.intentId, b.intentId) || compareText(a.kind, b.kind) || compareText(a.group, b.group);
}

/** Where a verdict's intent sits in its group: every SKU conflict records the intent's HLC. */
export function verdictAt(verdict: Verdict): string {
  return sortKey({ hlc: String((verdict.detail as { hlc?: unknown }).hlc), id: verdict.intentId });
}
