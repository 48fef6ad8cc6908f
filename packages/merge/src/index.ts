/**
 * @packageDocumentation
 * Pure, deterministic merge-conflict resolvers for offline checkout data.
 * Each resolver merges replica states (and states which laws it obeys) and
 * reads the merged state as a value or as a request for review with suggested
 * actions. See docs/guides/reconciliation.md for the laws table.
 */

export { type BoundedCounter, type BoundedCounterState, boundedCounter } from './bounded-counter.js';
export { max, min, type NumberResolver } from './extrema.js';
export {
  type ManualReview,
  type ManualReviewOptions,
  type ManualReviewState,
  manualReview,
} from './manual-review.js';
export { type PnCounter, type PnCounterState, pnCounter } from './pn-counter.js';
export { type FieldResolvers, type RecordState, type RecordValue, recordMerge } from './record.js';
export { firstWriterWins, lastWriterWins, type Register } from './registers.js';
export {
  isReview,
  type Resolution,
  type Resolved,
  type ReviewRequest,
  resolved,
  review,
  type SuggestedAction,
  type Suggestion,
  suggest,
} from './resolution.js';
export { mergeAll, type Resolver, type ResolverLaws, resolveAll, SEMILATTICE } from './resolver.js';
export { addWinsSet, type ObservedSet, type ObservedSetState, removeWinsSet } from './sets.js';
export { compareVersioned, type Versioned, versioned } from './versioned.js';
