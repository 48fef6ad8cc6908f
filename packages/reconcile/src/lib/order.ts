import type { StoredIntent, Verdict } from '../ledger.js';

/**
 * The order every fold uses: HLC text, then id. A space sorts below every
 * character a node id may contain, so `hlc + ' ' + id` compares exactly as
 * (compareHlc, then id) would.
 */
export function sortKey(intent: { readonly hlc: string; readonly id: string }): string {
  return intent.hlc + ' ' + intent.id;
}

export function byTime(a: StoredIntent, b: StoredIntent): number {
  const x = sortKey(a);
  const y = sortKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byVerdict(a: Verdict, b: Verdict): number {
  return compareText(a.intentId, b.intentId) || compareText(a.kind, b.kind) || compareText(a.group, b.group);
}
