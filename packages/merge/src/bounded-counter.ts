import { addedOf, allRights, checkState, counterValue, grown, rightsOf } from './lib/counter-state.js';
import { assertAmount, assertDevice, type Counts, maxCounts, sortedRecord } from './lib/records.js';
import { type Resolution, type Resolved, resolved, review, type Suggestion, suggest } from './resolution.js';
import { type Resolver, SEMILATTICE } from './resolver.js';

/**
 * State of a bounded counter (Balegas et al., arXiv:1503.09052): the rights
 * matrix and the decrements. `rights[i][i]` is what device `i` added;
 * `rights[i][j]` is how much of its right to decrement `i` handed to `j`;
 * `decrements[i]` is what `i` took away. Plain JSON: send it as it is, and
 * read what arrives with {@link BoundedCounter.parse}.
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
  /**
   * Checks a state that arrived from elsewhere (another till's JSON, a stored
   * row) and returns it as a sorted copy. Every operation runs the same checks,
   * so a state that fails them is never merged or read.
   */
  parse(value: unknown): BoundedCounterState;
  value(state: BoundedCounterState): number;
  resolve(state: BoundedCounterState): Resolved<number>;
}

/**
 * A bounded (escrow) counter that never goes below zero without any
 * coordination at decrement time: each device may only take away what it holds
 * rights for, and rights move between devices by explicit transfer (as in
 * AntidoteDB's `antidote_crdt_counter_b`). This is how offline tills share one
 * stock count without overselling: hand each till its quota as rights
 * (`@tallystick/reserve`'s `allotQuotas` does it for an `allocate` plan), let
 * it sell within them offline, and merge states when they meet.
 *
 * Laws of `merge`: commutative, associative, idempotent, convergent (pointwise
 * maximum of the rights matrix and the decrements). Invariants: as long as each
 * device runs its operations on its own replica, the value is never negative on
 * any replica or after any merge; the local rights of all devices sum to the
 * value (transfers conserve stock); and a replica never sees more rights for
 * its own device than it truly holds, so spending what it sees is safe.
 *
 * Every function checks the states it is given (see {@link BoundedCounter.parse}):
 * a state no sequence of operations can reach (a device that sold more than it
 * received, a negative or fractional entry, a bad device id) is a RangeError or
 * TypeError, never a silently wrong count. Counts are exact up to 2^53 − 1
 * units added in total; past that an operation or merge throws RangeError.
 *
 * Lacks:
 * - Operations do not commute: whether a decrement is allowed depends on the
 *   rights the device holds at that moment, so two decrements can succeed in one
 *   order and one be refused in another.
 * - Operations are not idempotent: repeat a decrement and it counts twice.
 * - Rights sitting on an offline device are stranded until it returns; a refused
 *   decrement suggests where to get rights, it does not take them.
 * - Nothing stops a device from operating as another: the state cannot know
 *   which replica it is on, so a till must only pass its own id.
 *
 * @throws {TypeError} if a device id is not valid, an amount not a number, or a state the wrong shape.
 * @throws {RangeError} if an amount is not a safe integer >= 1, a transfer names the same device
 * twice, a state is not reachable, or a count would pass 2^53 − 1.
 * @example
 * ```ts
 * import { boundedCounter, isReview } from '@tallystick/merge';
 * const stock = boundedCounter();
 * let s = stock.increment(stock.empty(), 'hq', 10);
 * const moved = stock.transfer(s, 'hq', 'till-1', 4);
 * if (!isReview(moved)) s = moved.value;
 * isReview(stock.decrement(s, 'till-1', 5)); // true: till-1 holds 4
 * const received = stock.parse(JSON.parse(JSON.stringify(s))); // as another till reads it
 * stock.value(stock.merge(s, received)); // 10
 * ```
 */
export function boundedCounter(): BoundedCounter {
  const addRight = (
    state: BoundedCounterState,
    from: string,
    to: string,
    amount: number,
  ): BoundedCounterState => {
    const rows = new Map(Object.entries(state.rights));
    const row = new Map(Object.entries(rows.get(from) ?? {}));
    row.set(to, grown(row.get(to) ?? 0, amount, `rights[${from}][${to}]`));
    rows.set(from, sortedRecord(row));
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
    const donor = richestOther(state, device);
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
      checkState(a, 'a');
      checkState(b, 'b');
      const rows = new Map(Object.entries(a.rights));
      for (const [from, row] of Object.entries(b.rights))
        rows.set(from, maxCounts(rows.get(from) ?? {}, row));
      const merged = { rights: sortedRecord(rows), decrements: maxCounts(a.decrements, b.decrements) };
      // Two valid states can still disagree about one device's history (a till restored twice
      // from one backup): their join may then be unreachable, and is refused like a forged one.
      checkState(merged, 'merge(a, b)');
      return merged;
    },
    increment(state, device, amount) {
      assertDevice(device);
      assertAmount(amount, 'amount');
      checkState(state);
      grown(addedOf(state), amount, 'the units added across devices');
      return addRight(state, device, device, amount);
    },
    decrement(state, device, amount) {
      assertDevice(device);
      assertAmount(amount, 'amount');
      checkState(state);
      const held = rightsOf(state, device);
      if (amount > held) {
        return review(
          `${device} holds ${held} rights and asked to take ${amount}`,
          shortage(state, device, amount, held),
        );
      }
      const decrements = new Map(Object.entries(state.decrements));
      decrements.set(device, grown(decrements.get(device) ?? 0, amount, `decrements[${device}]`));
      return resolved({ rights: state.rights, decrements: sortedRecord(decrements) });
    },
    transfer(state, from, to, amount) {
      assertDevice(from, 'from');
      assertDevice(to, 'to');
      assertAmount(amount, 'amount');
      if (from === to) throw new RangeError('from and to must be different devices');
      checkState(state);
      const held = rightsOf(state, from);
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
      checkState(state);
      return rightsOf(state, device);
    },
    parse(value) {
      checkState(value);
      const rows = Object.entries(value.rights).map(
        ([from, row]) => [from, sortedRecord(Object.entries(row))] as [string, Counts],
      );
      return { rights: sortedRecord(rows), decrements: sortedRecord(Object.entries(value.decrements)) };
    },
    value(state) {
      checkState(state);
      return counterValue(state);
    },
    resolve(state) {
      checkState(state);
      return resolved(counterValue(state));
    },
  };
}

/** The other device holding the most rights, ties to the smallest id so the suggestion is deterministic. */
function richestOther(
  state: BoundedCounterState,
  device: string,
): { device: string; rights: number } | undefined {
  let best: { device: string; rights: number } | undefined;
  const all = allRights(state);
  for (const candidate of [...all.keys()].sort()) {
    if (candidate === device) continue;
    const rights = all.get(candidate)!;
    if (rights > 0 && (!best || rights > best.rights)) best = { device: candidate, rights };
  }
  return best;
}
