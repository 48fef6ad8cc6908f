import { type Clock, HLC_MAX_WALL, isTallystickError, systemClock, TallystickError } from '@tallystick/core';
import { type HoldPolicy, holdDeadlines } from '@tallystick/reserve';
import type { BatchResult, ReconcileEvent, RunTotals } from './events.js';
import type { Ledger } from './ledger.js';
import { applyBatch } from './lib/apply.js';
import { type Candidate, type Rejection, rejection, screen, toStored } from './lib/prepare.js';
import { type ReconcilePolicies, withPolicies } from './policies.js';
import { buildReport, type ReconcileReport } from './report.js';
import type { RedemptionVerifier } from './verifier.js';

/**
 * Options for {@link createReconciler}.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, type ReconcilerOptions } from '@tallystick/reconcile';
 * const options: ReconcilerOptions = {
 *   ledger: createMemoryLedger(),
 *   holdPolicy: { maxSkewMs: 30_000, graceMs: 60_000 },
 * };
 * ```
 */
export interface ReconcilerOptions {
  readonly ledger: Ledger;
  /** Verifies redeemed tokens in batches. Without one, redemptions are rejected. */
  readonly verifier?: RedemptionVerifier;
  /** Overrides of {@link shopDefaults}. */
  readonly policies?: Partial<ReconcilePolicies>;
  /** Only used to refuse intents stamped in the future. Default: the system clock. */
  readonly clock?: Clock;
  /** Intents stamped further than this ahead of `clock` are rejected. Default 5 minutes. */
  readonly maxClockAheadMs?: number;
  /**
   * When a hold's stock goes back to the SKU: `@tallystick/reserve`'s rule,
   * at `holdDeadlines(hold, holdPolicy).serverReclaimsAt` = expiresAt + δ +
   * grace on the sale's HLC time. A sale against the hold stamped before that
   * is covered by it; one stamped at or after is an `expired_hold` conflict.
   * Tills use the same policy with `terminalHoldStatus`, which stops them at
   * expiresAt − δ. Default `{ maxSkewMs: 0, graceMs: 0 }`: a hold lapses at
   * `expiresAt`. (Replaces `holdGraceMs`.)
   */
  readonly holdPolicy?: HoldPolicy;
  /**
   * A SKU's folded state is kept as a checkpoint after every this many of its
   * intents, so an intent arriving late (stamped before ones already applied)
   * refolds only what follows the checkpoint before it. Smaller costs more
   * writes, larger longer refolds; results never depend on it. Default 64.
   */
  readonly checkpointEvery?: number;
}

/**
 * The reconciliation engine bound to one ledger.
 *
 * @example
 * ```ts
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 * const reconciler = createReconciler({ ledger: createMemoryLedger() });
 * const result = await reconciler.apply([]);
 * result.accepted; // 0
 * ```
 */
export interface Reconciler {
  /**
   * Applies one batch and says, per input, what became of it. The outcome is
   * all or nothing per call, and per input when it returns:
   *
   * - It returns: every input is either in `rejected` (by its `index`, with a
   *   stable `code`) or in the ledger (applied by this call, counted in
   *   `accepted`, or already there, counted in `duplicates`). The valid inputs
   *   were applied even if others were rejected. A rejection is final for
   *   those bytes unless `retryable` (only `clock_ahead`), so an HTTP layer
   *   may answer 4xx for a batch whose every input was rejected, and 2xx with
   *   the rejections listed otherwise. No input, valid or not, makes it throw:
   *   anything non-JSON, any shape, any size; a valid intent that a fold
   *   cannot process is applied and parked with an `unprocessable` verdict.
   * - It throws `ERR_RECONCILE`: nothing of the batch was applied (the
   *   transaction rolled back). Retrying the same batch is safe and may
   *   succeed (a ledger or verifier outage); replays of what did apply are
   *   duplicates.
   * - It throws TypeError: a programming error (`batch` is not an array, or
   *   the verifier broke its contract). Nothing was applied; retrying the
   *   same call will fail the same way.
   *
   * @throws {TypeError} if `batch` is not an array, or the verifier answers the wrong number of verdicts.
   * @throws {TallystickError} `ERR_RECONCILE` if the ledger or the verifier fails; nothing of the
   * batch was applied, so it is safe to retry.
   */
  apply(batch: readonly unknown[]): Promise<BatchResult>;
  /** Applies batches as they come and streams what happens. @throws as `apply`, ending the stream. */
  run(
    source: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>,
  ): AsyncGenerator<ReconcileEvent, RunTotals>;
  /** The deterministic report of everything in the ledger. */
  report(): Promise<ReconcileReport>;
}

/**
 * Creates the engine that applies device histories to a ledger exactly once.
 *
 * Every intent takes effect once, keyed by its id; a replay is counted and
 * suppressed, an id reused for different content is rejected. Bad input
 * (malformed envelope, unknown type, invalid payload, money past 2^53 − 1) is
 * rejected with a reason, never aborts the batch, and never touches the
 * ledger. An intent a fold fails on (a policy that throws, say) is parked with
 * an `unprocessable` verdict and its group goes on without it. Conflicts are
 * found by folding each group (a SKU, a token, a sale's refunds) in HLC order
 * and settled by the configured policies; the ledger and report depend only on
 * the set of intents applied, so any order, batching, replay or number of
 * concurrent reconcilers sharing one Postgres gives the same result.
 *
 * @throws {TypeError} if `ledger` is missing, an option has the wrong type, or the removed
 * `holdGraceMs` is given (use `holdPolicy`).
 * @throws {RangeError} if `maxClockAheadMs` is negative, `checkpointEvery` is not a positive
 * integer, or `holdPolicy` holds a value that is not a safe integer ≥ 0 or is so large that a
 * hold's reclaim time could pass 2^53 − 1.
 * @example
 * ```ts
 * import { createManualClock, newIntentId } from '@tallystick/core';
 * import { createMemoryLedger, createReconciler } from '@tallystick/reconcile';
 *
 * const reconciler = createReconciler({ ledger: createMemoryLedger(), clock: createManualClock(10_000) });
 * const restock = { id: newIntentId(), type: 'restock', device: 'hq', hlc: '0000000000010000-hq', createdAt: 1,
 *   payload: { sku: 'apple', quantity: 1 } };
 * const sale = { id: newIntentId(), type: 'sale', device: 'till-1', hlc: '0000000000020000-till-1', createdAt: 2,
 *   payload: { sku: 'apple', quantity: 2, unitPrice: { amount: 120, currency: 'EUR' } } };
 * for await (const event of reconciler.run([[sale], [restock, sale]])) {
 *   if (event.type === 'verdict') console.log(event.verdict.kind); // 'oversell'
 * }
 * (await reconciler.report()).review.length; // 1: one apple short
 * ```
 */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const { ledger, verifier } = options ?? ({} as ReconcilerOptions);
  if (!ledger || typeof ledger.transaction !== 'function')
    throw new TypeError('options.ledger must be a Ledger');
  if (verifier !== undefined && typeof verifier?.verifyBatch !== 'function') {
    throw new TypeError('options.verifier must have a verifyBatch(checks) method');
  }
  const clock = options.clock ?? systemClock;
  const maxAheadMs = nonNegative(options.maxClockAheadMs ?? 5 * 60_000, 'maxClockAheadMs');
  const fold = {
    policies: withPolicies(options.policies),
    holdPolicy: holdPolicyOf(options),
    checkpointEvery: positiveInteger(options.checkpointEvery ?? 64, 'checkpointEvery'),
  };

  async function apply(batch: readonly unknown[]): Promise<BatchResult> {
    if (!Array.isArray(batch)) throw new TypeError('batch must be an array of intents');
    const { candidates, rejected, duplicates: inBatch } = screen(batch, clock, maxAheadMs);
    let duplicates = inBatch;
    if (candidates.length === 0) return done(batch.length, 0, duplicates, rejected, [], []);
    const known = await unavailable(() => ledger.fingerprints(candidates.map((c) => c.intent.id)));
    const fresh: Candidate[] = [];
    for (const c of candidates) {
      const existing = known.get(c.intent.id);
      if (existing === undefined) fresh.push(c);
      else if (existing === c.fingerprint) duplicates++;
      else rejected.push(reused(c));
    }
    if (fresh.length === 0) return done(batch.length, 0, duplicates, rejected, [], []);
    // A verifier that breaks its contract is a TypeError (a bug, retrying will not help); one that fails is a 503.
    const stored = await unavailable(() => toStored(fresh, verifier, rejected), true);
    if (stored.length === 0) return done(batch.length, 0, duplicates, rejected, [], []);
    // Anything that fails in here rolls the whole transaction back: nothing of the batch is applied.
    const applied = await unavailable(() => ledger.transaction((tx) => applyBatch(tx, stored, fold)));
    if (applied.reused.length > 0) {
      // Rare (another writer stored the id in between, with other content): no map built otherwise.
      const byId = new Map(fresh.map((c) => [c.intent.id, c]));
      for (const s of applied.reused) rejected.push(reused(byId.get(s.id)!));
    }
    duplicates += applied.duplicates;
    return done(batch.length, applied.inserted, duplicates, rejected, applied.added, applied.retracted);
  }

  async function* run(source: Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>) {
    const totals = {
      batches: 0,
      received: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      verdictsAdded: 0,
      verdictsRetracted: 0,
    };
    for await (const batch of source) {
      const result = await apply(batch);
      const batchNo = ++totals.batches;
      totals.received += result.received;
      totals.accepted += result.accepted;
      totals.duplicates += result.duplicates;
      totals.rejected += result.rejected.length;
      totals.verdictsAdded += result.added.length;
      totals.verdictsRetracted += result.retracted.length;
      for (const r of result.rejected) yield { type: 'rejected', batch: batchNo, rejection: r } as const;
      for (const v of result.added) yield { type: 'verdict', batch: batchNo, verdict: v } as const;
      for (const v of result.retracted) yield { type: 'retracted', batch: batchNo, verdict: v } as const;
      const counts = {
        received: result.received,
        accepted: result.accepted,
        duplicates: result.duplicates,
        rejected: result.rejected.length,
        added: result.added.length,
        retracted: result.retracted.length,
      };
      yield { type: 'progress', batch: batchNo, result: counts, totals: { ...totals } } as const;
    }
    yield { type: 'done', totals: { ...totals } } as const;
    return { ...totals };
  }

  return { apply, run, report: () => buildReport(ledger) };
}

/** Runs `work`, turning any failure into `ERR_RECONCILE` (nothing of the batch applied; safe to retry). */
async function unavailable<T>(work: () => Promise<T>, typeErrorsAreBugs = false): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (typeErrorsAreBugs && error instanceof TypeError) throw error;
    if (isTallystickError(error, 'ERR_RECONCILE')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TallystickError('ERR_RECONCILE', `batch not applied (safe to retry): ${message}`, {
      cause: error,
    });
  }
}

function reused(c: Candidate): Rejection {
  return rejection(c.index, c.intent, 'id_reused', `id ${c.intent.id} already used for other content`);
}

function done(
  received: number,
  accepted: number,
  duplicates: number,
  rejected: Rejection[],
  added: BatchResult['added'],
  retracted: BatchResult['retracted'],
): BatchResult {
  rejected.sort((a, b) => a.index - b.index);
  return { received, accepted, duplicates, rejected, added, retracted };
}

function holdPolicyOf(options: ReconcilerOptions): HoldPolicy {
  if (Object.hasOwn(options, 'holdGraceMs')) {
    throw new TypeError(
      'options.holdGraceMs was replaced by holdPolicy: { maxSkewMs, graceMs } (@tallystick/reserve); ' +
        'a hold is reclaimed at expiresAt + maxSkewMs + graceMs, so holdGraceMs: g becomes ' +
        'holdPolicy: { maxSkewMs: 0, graceMs: g + 1 } for the same cut-off',
    );
  }
  const policy: unknown = options.holdPolicy ?? { maxSkewMs: 0, graceMs: 0 };
  if (typeof policy !== 'object' || policy === null)
    throw new TypeError('options.holdPolicy must be an object { maxSkewMs, graceMs }');
  try {
    // The latest wall an HLC (and so a hold's expiresAt) can have: if its reclaim time is
    // a safe integer, every hold's is, and the fold never throws on one.
    holdDeadlines({ id: 'latest', expiresAt: HLC_MAX_WALL }, policy as HoldPolicy);
  } catch (error) {
    if (error instanceof TypeError)
      throw new TypeError(`options.holdPolicy: ${error.message}`, { cause: error });
    if (error instanceof RangeError)
      throw new RangeError(`options.holdPolicy: ${error.message}`, { cause: error });
    throw error;
  }
  const { maxSkewMs, graceMs } = policy as HoldPolicy;
  return Object.freeze({ maxSkewMs, graceMs });
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!(value >= 0) || Number.isNaN(value)) throw new RangeError(`${name} must be >= 0, got ${value}`);
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
