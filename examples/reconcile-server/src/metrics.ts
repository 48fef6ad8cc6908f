/**
 * What `/metrics` reports, in the Prometheus text format (version 0.0.4).
 * Counters are per process since start; gauges read from the ledger are the
 * same whichever server of a fleet answers.
 */
import type { BatchResult, ReconcileReport } from '@tallystick/reconcile';
import type { RedemptionStats } from './redemptions.js';

/** The counters the server keeps, readable by tests and the demo. */
export interface MetricsSnapshot {
  /** HTTP requests by route (`intents`, `report`, `static`, ...). */
  readonly routes: Readonly<Record<string, number>>;
  /** `POST /intents` requests by outcome: the handler ran, a stored answer was replayed, or refused before running. */
  readonly requests: { readonly applied: number; readonly replayed: number; readonly refused: number };
  readonly batches: number;
  readonly received: number;
  readonly accepted: number;
  /** Intents the ledger already held (replayed under a new key, or twice in one batch). */
  readonly duplicates: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly receiptCodesIssued: number;
  /** Seconds from an intent's creation on its device to its delivery here: sum, count and max. */
  readonly lag: { readonly sumSeconds: number; readonly count: number; readonly maxSeconds: number };
  /** `createdAt` of the newest intent delivered, epoch ms, or undefined before the first. */
  readonly newestIntentAt: number | undefined;
  readonly lastBatchAt: number | undefined;
}

/** Mutable counters behind {@link MetricsSnapshot}. */
export class Metrics {
  readonly requests = { applied: 0, replayed: 0, refused: 0 };
  readonly http = new Map<string, number>();
  batches = 0;
  received = 0;
  accepted = 0;
  duplicates = 0;
  readonly rejected: Record<string, number> = {};
  receiptCodesIssued = 0;
  readonly lag = { sumSeconds: 0, count: 0, maxSeconds: 0 };
  newestIntentAt: number | undefined;
  lastBatchAt: number | undefined;

  constructor(
    private readonly startedAt: number,
    private readonly redemptions: RedemptionStats,
  ) {}

  route(name: string): void {
    this.http.set(name, (this.http.get(name) ?? 0) + 1);
  }

  /**
   * Books one applied batch. Lag is measured over the intents delivered
   * (accepted or duplicate, not rejected), from their device `createdAt`, so
   * a device clock that is off shows up here too.
   */
  batch(intents: readonly unknown[], result: BatchResult, now: number): void {
    this.batches++;
    this.lastBatchAt = now;
    this.received += result.received;
    this.accepted += result.accepted;
    this.duplicates += result.duplicates;
    const refused = new Set<number>();
    for (const r of result.rejected) {
      refused.add(r.index);
      this.rejected[r.code] = (this.rejected[r.code] ?? 0) + 1;
    }
    intents.forEach((intent, i) => {
      // The batch is client input: an entry may be anything, so read it without trusting its shape.
      if (refused.has(i) || intent === null || typeof intent !== 'object') return;
      const createdAt = (intent as { createdAt?: unknown }).createdAt;
      if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) return;
      const seconds = Math.max(0, now - createdAt) / 1000;
      this.lag.sumSeconds += seconds;
      this.lag.count++;
      this.lag.maxSeconds = Math.max(this.lag.maxSeconds, seconds);
      if (this.newestIntentAt === undefined || createdAt > this.newestIntentAt)
        this.newestIntentAt = createdAt;
    });
  }

  snapshot(): MetricsSnapshot {
    return structuredClone({
      routes: Object.fromEntries(this.http),
      requests: this.requests,
      batches: this.batches,
      received: this.received,
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: this.rejected,
      receiptCodesIssued: this.receiptCodesIssued,
      lag: this.lag,
      newestIntentAt: this.newestIntentAt,
      lastBatchAt: this.lastBatchAt,
    });
  }

  /** The Prometheus exposition, with ledger gauges read from `report`. */
  render(report: ReconcileReport, now: number): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${labels} ${value}`);
    };
    const label = (pairs: Record<string, string>) =>
      `{${Object.entries(pairs)
        .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
        .join(',')}}`;

    metric('tallystick_up', 'gauge', 'The server is running.', [['', 1]]);
    metric('tallystick_start_time_seconds', 'gauge', 'When this process started.', [
      ['', this.startedAt / 1000],
    ]);
    metric(
      'tallystick_http_requests_total',
      'counter',
      'HTTP requests by route.',
      [...this.http].map(([route, n]) => [label({ route }), n]),
    );
    metric(
      'tallystick_intent_requests_total',
      'counter',
      'POST /intents requests: applied (handler ran), replayed (stored answer for a seen Idempotency-Key), refused.',
      Object.entries(this.requests).map(([outcome, n]) => [label({ outcome }), n]),
    );
    metric('tallystick_batches_applied_total', 'counter', 'Batches the reconciler applied.', [
      ['', this.batches],
    ]);
    metric('tallystick_intents_received_total', 'counter', 'Intents received in applied batches.', [
      ['', this.received],
    ]);
    metric('tallystick_intents_applied_total', 'counter', 'Intents applied for the first time.', [
      ['', this.accepted],
    ]);
    metric(
      'tallystick_intents_duplicate_total',
      'counter',
      'Intents the ledger already held, suppressed (replays under a new key or within a batch).',
      [['', this.duplicates]],
    );
    metric(
      'tallystick_intents_rejected_total',
      'counter',
      'Intents refused at the door, by reason.',
      Object.entries(this.rejected).map(([code, n]) => [label({ code }), n]),
    );
    metric(
      'tallystick_redemptions_verified_total',
      'counter',
      'Redeemed tokens verified during reconciliation, by result.',
      [
        [label({ result: 'ok' }), this.redemptions.verified],
        ...Object.entries(this.redemptions.refused).map(([code, n]): [string, number] => [
          label({ result: code }),
          n,
        ]),
      ],
    );
    metric('tallystick_receipt_codes_issued_total', 'counter', 'Receipt codes signed.', [
      ['', this.receiptCodesIssued],
    ]);
    metric(
      'tallystick_intent_delivery_lag_seconds',
      'summary',
      'Time from an intent being created on its device to its delivery here (queue lag).',
      [
        ['_sum', this.lag.sumSeconds],
        ['_count', this.lag.count],
      ],
    );
    metric('tallystick_intent_delivery_lag_max_seconds', 'gauge', 'Largest queue lag seen.', [
      ['', this.lag.maxSeconds],
    ]);
    if (this.newestIntentAt !== undefined) {
      metric(
        'tallystick_newest_intent_age_seconds',
        'gauge',
        'Age of the newest intent delivered: grows while devices are not syncing.',
        [['', Math.max(0, now - this.newestIntentAt) / 1000]],
      );
    }
    metric('tallystick_ledger_intents', 'gauge', 'Intents in the ledger, each applied once.', [
      ['', report.intents],
    ]);
    const conflicts: [string, number][] = [];
    for (const [kind, tally] of Object.entries(report.byKind)) {
      conflicts.push([label({ kind, status: 'resolved' }), tally?.resolved ?? 0]);
      conflicts.push([label({ kind, status: 'review' }), tally?.review ?? 0]);
    }
    metric('tallystick_conflicts', 'gauge', 'Conflicts in the ledger by kind and status.', conflicts);
    metric('tallystick_review_backlog', 'gauge', 'Conflicts waiting for a person.', [
      ['', report.review.length],
    ]);
    return `${out.join('\n')}\n`;
  }
}
