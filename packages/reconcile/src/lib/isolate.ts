import { isTallystickError, type JsonValue } from '@tallystick/core';
import { suggest } from '@tallystick/merge';
import type { UnprocessableConflict } from '../conflicts.js';
import type { StoredIntent, Verdict } from '../ledger.js';
import { AmountOverflow } from './money.js';
import { storableText } from './storable.js';

/**
 * Poison isolation for the folds. A fold runs user policies and reads stored
 * payloads, and one intent must never be able to fail the batch (every retry
 * would fail the same way, forever) or block its group. So a fold runs as a
 * sequence of passes: a step that throws aborts the pass with the intent's id,
 * and the next pass starts over from the same start state with that intent
 * skipped. The intent gets an `unprocessable` verdict instead of its effects,
 * and everything after it folds as if it were absent. The skip decision
 * depends only on the state before the intent, which depends only on the set
 * of intents before it, so the outcome stays a function of the set.
 */

/** Raised inside a pass for the intent whose step threw. */
export class StepFailed extends Error {
  constructor(
    readonly intentId: string,
    readonly error: unknown,
  ) {
    super(`intent ${intentId} could not be folded`);
  }
}

/** A policy (a user function) threw or answered something that is not a resolution. */
export class PolicyFailed extends Error {
  constructor(kind: string, error: unknown) {
    super(`policy for ${kind}: ${describeError(error)}`);
    this.name = 'PolicyFailed';
  }
}

export type Skipped = ReadonlyMap<string, unknown>;

/** Runs `pass` until it completes, skipping in each new pass every intent a previous one failed on. */
export function isolated<R>(pass: (skipped: Skipped) => R): R {
  const skipped = new Map<string, unknown>();
  for (;;) {
    try {
      return pass(skipped);
    } catch (error) {
      // Failing twice on one intent would loop forever: that is a bug in the fold itself.
      if (!(error instanceof StepFailed) || skipped.has(error.intentId)) throw error;
      skipped.set(error.intentId, error.error);
    }
  }
}

/** Runs one intent's step, tagging whatever it throws with the intent. */
export function step<R>(intentId: string, work: () => R): R {
  try {
    return work();
  } catch (error) {
    throw error instanceof StepFailed ? error : new StepFailed(intentId, error);
  }
}

/** The verdict that parks an intent a fold could not process. It bypasses policies: they may be what failed. */
export function unprocessable(group: string, intent: StoredIntent, error: unknown): Verdict {
  const code: UnprocessableConflict['code'] =
    error instanceof AmountOverflow || isTallystickError(error, 'ERR_MONEY_INVALID')
      ? 'amount_overflow'
      : error instanceof PolicyFailed
        ? 'policy_failed'
        : 'fold_failed';
  const message = describeError(error);
  const conflict: UnprocessableConflict = {
    intentId: intent.id,
    device: intent.device,
    hlc: intent.hlc,
    kind: 'unprocessable',
    code,
    message,
  };
  return {
    intentId: intent.id,
    group,
    kind: 'unprocessable',
    status: 'review',
    rule: 'review',
    reason: `${intent.type} could not be applied (${code}): ${message}`,
    suggestions: [
      suggest('void', 'cancel the transaction and record it again correctly'),
      suggest('honour', 'accept it as recorded and correct the books by hand'),
    ],
    detail: conflict as unknown as JsonValue,
  };
}

/** An error's message as storable text: deterministic, bounded, no lone surrogates or NUL (Postgres refuses both). */
export function describeError(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an error that cannot be described';
  }
  return storableText(text, 300);
}
