/**
 * @packageDocumentation
 * The reconciliation engine: applies device histories (sales, redemptions,
 * refunds, holds, price updates) exactly once, detects the conflicts offline
 * selling makes, settles them by policy or sends them to review, and reports
 * the same result whatever the arrival order, batching, replays or number of
 * reconciler processes.
 */

export type {
  Conflict,
  ConflictBase,
  ConflictKind,
  ConflictOf,
  DoubleSpendConflict,
  ExpiredHoldConflict,
  OversellConflict,
  PolicyKind,
  PriceChangedConflict,
  RefundConflict,
  TokenConflict,
  UnprocessableConflict,
} from './conflicts.js';
export type { BatchCounts, BatchResult, ReconcileEvent, RunTotals } from './events.js';
export {
  type Intent,
  type IntentPayloads,
  type IntentType,
  intentPayloadSchemas,
  isRedemptionType,
  isStorableText,
  type ParsedIntent,
  parseIntent,
  type RejectionCode,
} from './intents.js';
export type {
  Checkpoint,
  GroupPosition,
  GroupState,
  Ledger,
  LedgerCounts,
  LedgerTransaction,
  StoredIntent,
  Verdict,
} from './ledger.js';
export type { Rejection } from './lib/prepare.js';
export { createMemoryLedger } from './memory.js';
export { type ConflictPolicy, type ReconcilePolicies, shopDefaults, withPolicies } from './policies.js';
export { createReconciler, type Reconciler, type ReconcilerOptions } from './reconciler.js';
export {
  buildReport,
  type LedgerSnapshot,
  type ReconcileReport,
  type StockLine,
  snapshotLedger,
} from './report.js';
export {
  fromTokenVerifier,
  type TokenBatchVerifier,
  type TokenFields,
  type TokenVerifierOptions,
} from './token-verifier.js';
export type { RedemptionCheck, RedemptionVerdict, RedemptionVerifier, VerifiedToken } from './verifier.js';
