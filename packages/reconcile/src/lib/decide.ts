import type { JsonValue } from '@tallystick/core';
import { isReview, type Resolution } from '@tallystick/merge';
import type { Conflict } from '../conflicts.js';
import type { Verdict } from '../ledger.js';
import type { ReconcilePolicies } from '../policies.js';

/**
 * Turns a detected conflict into a verdict by asking the configured policy.
 * `summary` describes the conflict for verdicts a rule settled; a review
 * carries the policy's own reason.
 */
export function decide(
  group: string,
  conflict: Conflict,
  policies: ReconcilePolicies,
  summary: string,
  override?: Resolution<string>,
): Verdict {
  const policy = policies[conflict.kind] as (c: Conflict) => Resolution<string>;
  const resolution = override ?? policy(conflict);
  // Conflicts are built with conditional spreads and never hold undefined, so
  // they are JSON as they stand.
  const detail = conflict as unknown as JsonValue;
  if (isReview(resolution)) {
    return {
      intentId: conflict.intentId,
      group,
      kind: conflict.kind,
      status: 'review',
      rule: 'review',
      reason: resolution.review,
      suggestions: resolution.suggestions,
      detail,
    };
  }
  if (typeof resolution.value !== 'string' || resolution.value.length === 0) {
    throw new TypeError(`policy for ${conflict.kind} must resolve to a non-empty rule name`);
  }
  return {
    intentId: conflict.intentId,
    group,
    kind: conflict.kind,
    status: 'resolved',
    rule: resolution.value,
    reason: summary,
    suggestions: [],
    detail,
  };
}
