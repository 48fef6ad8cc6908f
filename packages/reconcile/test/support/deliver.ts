import { canonicalJson, createManualClock } from '@tallystick/core';
import {
  createMemoryLedger,
  createReconciler,
  type Ledger,
  type Rejection,
  snapshotLedger,
} from '@tallystick/reconcile';
import { type Delivery, scenarioVerifier } from './scenario.js';

const clock = createManualClock(1_000_000);

export interface Outcome {
  ledger: string;
  report: string;
  accepted: number;
  rejected: string[];
}

/**
 * Feeds a delivery through up to three reconciler sessions sharing one ledger.
 * They keep checkpoints at different intervals (small, so that scenarios of a
 * few dozen intents use them), and each refolds from checkpoints the others
 * wrote: the result must not depend on it.
 */
export async function deliver(ledger: Ledger, delivery: Delivery): Promise<Outcome> {
  const sessions = [2, 3, 1].map((checkpointEvery) =>
    createReconciler({
      ledger,
      verifier: scenarioVerifier,
      clock,
      holdPolicy: { maxSkewMs: 1, graceMs: 2 },
      checkpointEvery,
    }),
  );
  let accepted = 0;
  const rejected = new Set<string>();
  for (const [i, batch] of delivery.batches.entries()) {
    const result = await sessions[delivery.sessions[i]!]!.apply(batch);
    accepted += result.accepted;
    for (const r of result.rejected) rejected.add(rejectionKey(r));
  }
  return {
    ledger: canonicalJson(await snapshotLedger(ledger)),
    report: canonicalJson(await sessions[0]!.report()),
    accepted,
    rejected: [...rejected].sort(),
  };
}

const rejectionKey = (r: Rejection) => canonicalJson({ id: r.id ?? null, code: r.code, reason: r.reason });

export async function reference(items: unknown[]): Promise<Outcome> {
  return deliver(createMemoryLedger(), { batches: [items], sessions: [0] });
}
