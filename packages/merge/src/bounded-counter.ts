import {
  assertAmount,
  assertDevice,
  bump,
  type Counts,
  maxCounts,
  own,
  sortedRecord,
  sum,
} from './lib/records.js';
import { type Resolution, type Resolved, resolved, review, type Suggestion, suggest } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';

/**
 * State of a bounded counter (Balegas et al., arXiv:1503.09052): the rights
 * matrix and the decrements. `rights[i][i]` is what device `i` added;
 * `rights[i][j]` is how much of its right to decrement `i` handed to `j`;
 * `decrements[i]` is what `i` took away.
 *
 * @example
 * ```ts
 * import { boundedCounter, type BoundedCounterState, isReview } from '@tallystick/merge';
 * const stock = boundedCounter();
 * // hq stocks 10 and gives 4 of them to till-1, which sells 1.
 * let s: BoundedCounterState = stock.increment(stock.empty(), 'hq', 10);
 * const moved = stock.transfer(s, 'hq', 'till-1', 4);
 * if (!isReview(moved)) s = moved.value;
 * const sold = stock.decrement(s, 'till-1', 1);
 * if (!isReview(sold)) stock.localRights(sold.value, 'till-1'); // 3
 * ```
 */
export interface BoundedCounterState {
  readonly rights: Readonly<Record<string, Counts>>;
  readonly decrements: Counts;
}

/**
 * A bounded counter resolver with its operations.
 *
 * @example
 * ```ts
 * import { boundedCounter } from '@tallystick/merge';
 * const stock = boundedCounter();
 * stock.localRights(stock.increment(stock.empty(), 'hq', 3), 'hq'); // 3
 * ```
 */
export interface BoundedCounter extends Resolver<BoundedCounterState, number> {
  empty(): BoundedCounterState;
  /** `device` adds `amount` units and with them the right to take them away. */
  increment(state: BoundedCounterState, device: string, amount: number): BoundedCounterState;
  /** `device` takes `amount` away, or gets a review if that exceeds its local rights. */
  decrement(state: BoundedCounterState, device: string, amount: number): Resolution<BoundedCounterState>;
  /** `from` hands `amount` of its rights to `to`, or gets a review if it holds fewer. */
  transfer(
    state: BoundedCounterState,
    from: string,
    to: string,
    amount: number,
  ): Resolution<BoundedCounterState>;
  /** `Σj rights[j][device] − Σj≠device rights[device][j] − decrements[device]`. */
  localRights(state: BoundedCounterState, device: string): number;
  value(state: BoundedCounterState): number;
  resolve(state: BoundedCounterState): Resolved<number>;
}

/**
 * A bounded (escrow) counter that never goes below zero without any
 * coordination at decrement time: each device may only take away what it holds
 * rights for, and rights move between devices by explicit transfer (as in
 * AntidoteDB's `antidote_crdt_counter_b`). This is how offline tills share one
 * stock count without overselling.
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent (pointwise
 * maximum of the rights matrix and the decrements). Invariant: as long as each
 * device runs its operations on its own replica, the value is never negative on
 * any replica or after any merge.
 *
 * Lacks:
 * - Operations do not commute: whether a decrement is allowed depends on the
 *   rights the device holds at that moment, so two decrements can succeed in one
 *   order and one be refused in another.
 * - Operations are not idempotent: repeat a decrement and it counts twice.
 * - Rights sitting on an offline device are stranded until it returns; a refused
 *   decrement suggests where to get rights, it does not take them.
 *
 * @throws {TypeError} from the operations if a device id is not valid or an amount not a number.
 * @throws {RangeError} from the operations if an amount is not a safe integer >= 1, or a
 * transfer names the same device twice.
 * @example
 * ```ts
 * import { boundedCounter, isReview } from '@tallystick/merge';
 * const stock = boundedCounter();
 * let s = stock.increment(stock.empty(), 'hq', 10);
 * const moved = stock.transfer(s, 'hq', 'till-1', 4);
 * if (!isReview(moved)) s = moved.value;
 * isReview(stock.decrement(s, 'till-1', 5)); // true: till-1 holds 4
 * ```
 */
export function boundedCounter(): BoundedCounter {
  const localRights = (state: BoundedCounterState, device: string): number => {
    let rights = 0;
    for (const [from, row] of Object.entries(state.rights)) {
      if (from === device) {
        for (const [to, amount] of Object.entries(row)) rights += to === device ? amount : -amount;
      } else {
        rights += own(row, device) ?? 0;
      }
    }
    return rights - (own(state.decrements, device) ?? 0);
  };
  const value = (state: BoundedCounterState): number => {
    let added = 0;
    for (const [from, row] of Object.entries(state.rights)) added += own(row, from) ?? 0;
    return added - sum(state.decrements);
  };
  const addRight = (
    state: BoundedCounterState,
    from: string,
    to: string,
    amount: number,
  ): BoundedCounterState => {
    const rows = new Map(Object.entries(state.rights));
    rows.set(from, bump(rows.get(from) ?? {}, to, amount));
    return { rights: sortedRecord(rows), decrements: state.decrements };
  };
  const shortage = (
    state: BoundedCounterState,
    device: string,
    amount: number,
    held: number,
  ): Suggestion[] => {
    const missing = amount - held;
    const out: Suggestion[] = [];
    const donor = richestOther(state, device, localRights);
    if (donor && donor.rights >= missing) {
      out.push(
        suggest(
          'transfer_rights',
          `ask ${donor.device} to transfer ${missing} of its ${donor.rights} rights`,
          {
            quantity: missing,
            device: donor.device,
          },
        ),
      );
    }
    out.push(
      suggest('backorder', `deliver the ${missing} missing when stock returns`, { quantity: missing }),
    );
    return out;
  };

  return {
    name: 'bounded-counter',
    laws: SEMILATTICE,
    empty: () => ({ rights: {}, decrements: {} }),
    merge(a, b) {
      const rows = new Map(Object.entries(a.rights));
      for (const [from, row] of Object.entries(b.rights))
        rows.set(from, maxCounts(rows.get(from) ?? {}, row));
      return { rights: sortedRecord(rows), decrements: maxCounts(a.decrements, b.decrements) };
    },
    increment(state, device, amount) {
      assertDevice(device);
      assertAmount(amount, 'amount');
      return addRight(state, device, device, amount);
    },
    decrement(state, device, amount) {
      assertDevice(device);
      assertAmount(amount, 'amount');
      const held = localRights(state, device);
      if (amount > held) {
        return review(
          `${device} holds ${held} rights and asked to take ${amount}`,
          shortage(state, device, amount, held),
        );
      }
      return resolved({ rights: state.rights, decrements: bump(state.decrements, device, amount) });
    },
    transfer(state, from, to, amount) {
      assertDevice(from, 'from');
      assertDevice(to, 'to');
      assertAmount(amount, 'amount');
      if (from === to) throw new RangeError('from and to must be different devices');
      const held = localRights(state, from);
      if (amount > held) {
        return review(
          `${from} holds ${held} rights and asked to transfer ${amount}`,
          shortage(state, from, amount, held),
        );
      }
      return resolved(addRight(state, from, to, amount));
    },
    localRights(state, device) {
      assertDevice(device);
      return localRights(state, device);
    },
    value,
    resolve: (state) => resolved(value(state)),
  };
}

/** The other device holding the most rights, ties to the smallest id so the suggestion is deterministic. */
function richestOther(
  state: BoundedCounterState,
  device: string,
  localRights: (state: BoundedCounterState, device: string) => number,
): { device: string; rights: number } | undefined {
  const devices = new Set<string>(Object.keys(state.decrements));
  for (const [from, row] of Object.entries(state.rights)) {
    devices.add(from);
    for (const to of Object.keys(row)) devices.add(to);
  }
  let best: { device: string; rights: number } | undefined;
  for (const candidate of [...devices].sort()) {
    if (candidate === device) continue;
    const rights = localRights(state, candidate);
    if (rights > 0 && (!best || rights > best.rights)) best = { device: candidate, rights };
  }
  return best;
}
