import type { Money } from '@tallystick/core';

/**
 * What a person reviewing a conflict could do about it. A closed list, so a
 * back office can map each action to a button:
 *
 * - `refund`: give money back to the customer.
 * - `honour`: accept the loss; the customer keeps what they got.
 * - `backorder`: deliver later, when stock returns.
 * - `substitute`: offer a comparable item instead.
 * - `charge_back`: recover the money or goods from the customer or the terminal's operator.
 * - `void`: cancel the transaction as if it never happened.
 * - `transfer_rights`: move stock rights from another device (bounded counters).
 *
 * @example
 * ```ts
 * import { type SuggestedAction, suggest } from '@tallystick/merge';
 * const action: SuggestedAction = 'refund';
 * suggest(action, 'refund the overcharge'); // { action: 'refund', note: 'refund the overcharge' }
 * ```
 */
export type SuggestedAction =
  | 'refund'
  | 'honour'
  | 'backorder'
  | 'substitute'
  | 'charge_back'
  | 'void'
  | 'transfer_rights';

/**
 * One suggested way to settle a conflict, with the amount or quantity it
 * concerns where that is known.
 *
 * @example
 * ```ts
 * import { type Suggestion, suggest } from '@tallystick/merge';
 * const s: Suggestion = suggest('refund', 'refund the overcharge', { amount: { amount: 50, currency: 'EUR' } });
 * ```
 */
export interface Suggestion {
  readonly action: SuggestedAction;
  /** A short sentence for the person deciding. */
  readonly note: string;
  readonly amount?: Money;
  readonly quantity?: number;
  /** The device concerned, e.g. the one to take rights from. */
  readonly device?: string;
}

/**
 * A conflict no rule could settle: why, and what a person might do.
 *
 * @example
 * ```ts
 * import { type ReviewRequest, review } from '@tallystick/merge';
 * const r: ReviewRequest = review('token redeemed twice'); // { review: 'token redeemed twice', suggestions: [] }
 * ```
 */
export interface ReviewRequest {
  readonly review: string;
  readonly suggestions: readonly Suggestion[];
}

/**
 * A settled outcome. The value is wrapped so that a value which happens to
 * have a `review` property can never be mistaken for a {@link ReviewRequest}.
 *
 * @example
 * ```ts
 * import { type Resolved, resolved } from '@tallystick/merge';
 * const r: Resolved<number> = resolved(3); // { value: 3 }
 * ```
 */
export interface Resolved<T> {
  readonly value: T;
}

/**
 * What every resolver returns: a value, or a request for review.
 *
 * @example
 * ```ts
 * import { isReview, lastWriterWins, type Resolution, resolveAll, versioned } from '@tallystick/merge';
 * const r: Resolution<number> = resolveAll(lastWriterWins<number>(), [versioned(120, '0000000000010000-hq', 'hq')]);
 * console.log(isReview(r) ? `review: ${r.review}` : `value ${r.value}`); // 'value 120'
 * ```
 */
export type Resolution<T> = Resolved<T> | ReviewRequest;

/**
 * Wraps a settled value.
 *
 * @example
 * ```ts
 * import { resolved } from '@tallystick/merge';
 * resolved(42); // { value: 42 }
 * ```
 */
export function resolved<T>(value: T): Resolved<T> {
  return { value };
}

/**
 * Builds a {@link ReviewRequest}.
 *
 * @throws {TypeError} if `reason` is not a non-empty string or `suggestions` is not an array.
 * @example
 * ```ts
 * import { review, suggest } from '@tallystick/merge';
 * review('stock went below zero', [suggest('backorder', 'ship when restocked', { quantity: 2 })]);
 * ```
 */
export function review(reason: string, suggestions: readonly Suggestion[] = []): ReviewRequest {
  if (typeof reason !== 'string' || reason.length === 0)
    throw new TypeError('reason must be a non-empty string');
  if (!Array.isArray(suggestions)) throw new TypeError('suggestions must be an array');
  return { review: reason, suggestions };
}

/**
 * Builds a {@link Suggestion}, leaving out the optional fields not given.
 *
 * @throws {TypeError} if `note` is not a string.
 * @example
 * ```ts
 * import { suggest } from '@tallystick/merge';
 * suggest('charge_back', 'recover the voucher value from the customer');
 * ```
 */
export function suggest(
  action: SuggestedAction,
  note: string,
  extra: { amount?: Money; quantity?: number; device?: string } = {},
): Suggestion {
  if (typeof note !== 'string') throw new TypeError('note must be a string');
  const out: { -readonly [K in keyof Suggestion]: Suggestion[K] } = { action, note };
  if (extra.amount !== undefined) out.amount = extra.amount;
  if (extra.quantity !== undefined) out.quantity = extra.quantity;
  if (extra.device !== undefined) out.device = extra.device;
  return out;
}

/**
 * Tells a {@link ReviewRequest} from a {@link Resolved} value.
 *
 * @example
 * ```ts
 * import { isReview, review } from '@tallystick/merge';
 * isReview(review('needs a person')); // true
 * isReview({ value: 1 }); // false
 * ```
 */
export function isReview<T>(result: Resolution<T>): result is ReviewRequest {
  return typeof (result as ReviewRequest).review === 'string';
}
