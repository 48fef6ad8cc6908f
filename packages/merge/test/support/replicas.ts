import fc from 'fast-check';

export const DEVICES = ['till-0', 'till-1', '__proto__'] as const;

export type Step<Op> = { kind: 'op'; replica: number; op: Op } | { kind: 'sync'; from: number; to: number };

/**
 * Simulates replicas that each apply their own device's operations and now and
 * then merge another replica's state, as tills exchanging state over a flaky
 * link do. Yields every replica's final state plus a few intermediate ones, so
 * law checks run on states that the operations can actually reach.
 */
export function replicaStates<S, Op>(
  empty: () => S,
  op: fc.Arbitrary<Op>,
  apply: (state: S, device: string, op: Op, step: number) => S,
  merge: (a: S, b: S) => S,
  count = DEVICES.length,
): fc.Arbitrary<S[]> {
  const replica = fc.nat({ max: count - 1 });
  const step: fc.Arbitrary<Step<Op>> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('op' as const), replica, op }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: replica, to: replica }) },
  );
  return fc.array(step, { maxLength: 25 }).map((steps) => {
    const states = Array.from({ length: count }, empty);
    const snapshots: S[] = [];
    steps.forEach((s, index) => {
      if (s.kind === 'op') states[s.replica] = apply(states[s.replica]!, DEVICES[s.replica]!, s.op, index);
      else states[s.to] = merge(states[s.to]!, states[s.from]!);
      if (index % 7 === 3) snapshots.push(states[index % count]!);
    });
    return [...states, ...snapshots];
  });
}
