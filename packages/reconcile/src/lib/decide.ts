import { canonicalJson, type JsonValue } from '@tallystick/core';
import { isReview, type Resolution } from '@tallystick/merge';
import type { Conflict, UnprocessableConflict } from '../conflicts.js';
import type { Verdict } from '../ledger.js';
import type { ReconcilePolicies } from '../policies.js';
import { PolicyFailed } from './isolate.js';

/**
 * Turns a detected conflict into a verdict by asking the configured policy.
 * `summary` describes the conflict for verdicts a rule settled; a review
 * carries the policy's own reason.
 *
 * A policy is user code: whatever it throws, and any answer that is not a
 * resolution the ledger can store as JSON, becomes a {@link PolicyFailed},
 * which the fold turns into an `unprocessable` verdict on this one intent.
 * Checked here, inside the fold, because a bad answer found later (when the
 * verdict is compared or written) would fail the whole batch on every retry.
 */
export function decide(
  group: string,
  conflict: Exclude<Conflict, UnprocessableConflict>,
  policies: ReconcilePolicies,
  summary: string,
  override?: Resolution<string>,
): Verdict {
  let resolution: Resolution<string>;
  try {
    const policy = policies[conflict.kind] as (c: Conflict) => Resolution<string>;
    resolution = override ?? policy(conflict);
    checkResolution(resolution);
  } catch (error) {
    throw new PolicyFailed(conflict.kind, error);
  }
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

function checkResolution(resolution: Resolution<string>): void {
  if (typeof resolution !== 'object' || resolution === null) throw new TypeError('not a resolution');
  const review = isReview(resolution);
  if (review && !Array.isArray(resolution.suggestions))
    throw new TypeError('review suggestions must be an array');
  if (!review && (typeof resolution.value !== 'string' || resolution.value.length === 0))
    throw new TypeError('must resolve to a non-empty rule name');
  // Throws on what JSON cannot carry (undefined, NaN, cycles, class instances, lone surrogates).
  const text = canonicalJson(
    (review ? { reason: resolution.review, suggestions: resolution.suggestions } : resolution) as unknown,
  );
  if (NUL.test(text)) throw new TypeError('a resolution must not contain U+0000 (Postgres cannot store it)');
}

// An escaped NUL in JSON text: `\u0000` after an even number of backslashes.
const NUL = /(?<!\\)(?:\\\\)*\\u0000/;
