/**
 * The end-of-day report, from the reconciliation server's own report and
 * counters plus what the tills recorded. Nothing here is computed twice or
 * made up: every figure is read from the run.
 */

import type { MetricsSnapshot } from '@tallystick/example-reconcile-server';
import type { ReconcileReport } from '@tallystick/reconcile';
import type { DayResult } from './day.js';
import type { Market } from './market.js';
import type { ReplayResult } from './replay.js';
import type { Terminal } from './terminal.js';

interface ReportInput {
  say: (text: string) => void;
  report: ReconcileReport;
  metrics: MetricsSnapshot;
  day: DayResult;
  replay: ReplayResult;
  terminals: Terminal[];
  market: Market;
}

export function printReport({ say, report, metrics, day, replay, terminals, market }: ReportInput): void {
  const refusedLocally = day.attempts.filter((a) => a.outcome.startsWith('refused'));
  say('\n5. Reconciliation report');
  say(
    `   intents in the ledger:     ${report.intents} (${Object.entries(report.byType)
      .map(([t, n]) => `${n} ${t}`)
      .join(', ')})`,
  );
  say(`   accepted on delivery:      ${metrics.accepted} of ${metrics.received} received`);
  say(
    `   duplicates suppressed:     ${metrics.duplicates} intents already applied, plus ${metrics.requests.replayed} requests answered from the idempotency store`,
  );
  say(
    `   replayed intents sent:     ${replay.firstPass.sent + replay.secondPass.sent} over two passes; the ledger applied each once`,
  );
  say(`   rejected as malformed:     ${Object.values(metrics.rejected).reduce((s, n) => s + n, 0)}`);
  say(`   clean (no conflict):       ${report.clean}`);
  say(`   conflicts settled by rule: ${report.resolved.length}; left for a person: ${report.review.length}`);
  for (const [kind, tally] of Object.entries(report.byKind))
    say(`     - ${kind}: ${tally.resolved} resolved, ${tally.review} for review`);

  const doubleSpends = [...report.resolved, ...report.review].filter((v) => v.kind === 'double_spend');
  if (doubleSpends.length > 0) {
    say('\n   Double spend detected (offline, the two stalls could not know):');
    for (const v of doubleSpends) {
      say(`   - ${v.status === 'review' ? 'REVIEW' : 'resolved'} by ${v.rule}: ${v.reason}`);
      for (const s of v.suggestions) say(`       suggestion: ${s.action}: ${s.note}`);
    }
  }
  const oversells = [...report.resolved, ...report.review].filter((v) => v.kind === 'oversell');
  if (oversells.length > 0) {
    say('\n   Oversell handling:');
    for (const v of oversells) {
      say(`   - ${v.status === 'review' ? 'REVIEW' : 'resolved'} by ${v.rule}: ${v.reason}`);
      for (const s of v.suggestions) say(`       suggestion: ${s.action}: ${s.note}`);
    }
  }

  say('\n   Refused at the stalls, offline, before any money moved:');
  for (const a of refusedLocally)
    say(`   - ${a.stall}: ${a.label} (${a.story}) → ${a.outcome.replace('refused: ', '')}`);

  say('\n   Quota use and stock:');
  for (const line of report.stock) {
    const quotas = market.allocations[line.sku];
    const use = terminals
      .map(
        (t) => `${t.id} ${t.sold[line.sku] ?? 0}/${quotas?.devices.find((d) => d.id === t.id)?.quota ?? 0}`,
      )
      .join(', ');
    say(
      `   - ${line.sku}: sold ${line.sold}, left ${line.available}, backordered ${line.backordered}; per stall sold/quota: ${use}`,
    );
  }
  say(
    `\n   Crash check (${day.crashedStall}): ${day.crash.ackedPresentOnce}/${day.crash.acked} confirmed sales survived SIGKILL exactly once; ${day.crash.lost} lost.`,
  );
}
