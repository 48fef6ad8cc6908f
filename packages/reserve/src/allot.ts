import {
  type BoundedCounterState,
  boundedCounter,
  isReview,
  type Resolution,
  resolved,
  review,
} from '@tallystick/merge';
import { assertArray, assertInteger, assertObject, describe } from './lib/validate.js';

/**
 * How many units of rights one device should hold; `allocate(...).devices`
 * is a list of these.
 *
 * @example
 * ```ts
 * import { boundedCounter } from '@tallystick/merge';
 * import { allotQuotas, type Quota } from '@tallystick/reserve';
 * const stock = boundedCounter();
 * const quotas: Quota[] = [{ id: 'grill', quota: 73 }];
 * allotQuotas(stock.increment(stock.empty(), 'server', 100), 'server', quotas); // the grill holds 73
 * ```
 */
export interface Quota {
  readonly id: string;
  /** Units the device should be able to sell on its own, an integer ≥ 0. */
  readonly quota: number;
}

const counter = boundedCounter();

/**
 * Hands quotas out as selling rights on `@tallystick/merge`'s bounded counter:
 * `from` (the server, usually) transfers to each device what it lacks to
 * reach its quota, so a device that sold part of its quota gets that much
 * back and a fresh one gets all of it. A device already above its quota keeps
 * the surplus: rights can only be given away by the device that holds them.
 *
 * All or nothing: if `from` holds fewer rights than the top-ups add up to,
 * the answer is a review (`isReview`) and no rights move; plan again with
 * `allocate({ stock: counter.localRights(state, from), ... })`. Quotas are
 * applied in the order given; the resulting state does not depend on it.
 *
 * @throws {TypeError} if `quotas` is not an array of `{ id, quota }`, a device id is not valid,
 * or `state` is not a bounded counter state.
 * @throws {RangeError} if a quota is not a safe integer ≥ 0, an id appears twice or is `from`,
 * or `state` is not reachable (see `boundedCounter().parse`).
 * @example
 * ```ts
 * import { boundedCounter, isReview } from '@tallystick/merge';
 * import { allocate, allotQuotas } from '@tallystick/reserve';
 * const stock = boundedCounter();
 * const plan = allocate({
 *   stock: 160,
 *   devices: [{ id: 'grill', ratePerHour: 30 }, { id: 'drinks', ratePerHour: 10 }],
 *   windowMs: 2 * 3_600_000,
 *   maxStockoutProbability: 0.05,
 * });
 * const allotted = allotQuotas(stock.increment(stock.empty(), 'server', 160), 'server', plan.devices);
 * if (!isReview(allotted)) stock.localRights(allotted.value, 'grill'); // the grill's quota
 * ```
 */
export function allotQuotas(
  state: BoundedCounterState,
  from: string,
  quotas: readonly Quota[],
): Resolution<BoundedCounterState> {
  assertArray(quotas, 'quotas');
  const held = counter.localRights(state, from);
  const topUps: [string, number][] = [];
  const seen = new Set<string>();
  let need = 0;
  for (let i = 0; i < quotas.length; i++) {
    const q: unknown = quotas[i];
    assertObject(q, `quotas[${i}]`);
    if (typeof q.id !== 'string')
      throw new TypeError(`quotas[${i}].id must be a string, got ${describe(q.id)}`);
    assertInteger(q.quota, `quotas[${i}].quota`);
    if (q.id === from)
      throw new RangeError(`quotas[${i}].id must not be from ("${from}"), which gives the rights`);
    if (seen.has(q.id)) throw new RangeError(`quotas[${i}].id "${q.id}" appears twice`);
    seen.add(q.id);
    const missing = q.quota - counter.localRights(state, q.id);
    if (missing > 0) {
      topUps.push([q.id, missing]);
      need += missing;
    }
  }
  if (need > held)
    return review(`${from} holds ${held} rights and the quotas need ${need}: ${need - held} short`, []);
  let next = state;
  for (const [id, missing] of topUps) {
    const moved = counter.transfer(next, from, id, missing);
    // Checked above: the sum of the top-ups fits in what `from` holds.
    if (isReview(moved)) throw new Error(`unreachable: ${moved.review}`);
    next = moved.value;
  }
  return resolved(next);
}
