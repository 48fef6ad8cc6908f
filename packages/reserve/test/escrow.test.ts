import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BoundedCounter, type BoundedCounterState, createBoundedCounter } from '../src/index.js';

const replicas = ['server', 't1', 't2', 't3'] as const;
type Replica = (typeof replicas)[number];

const replica = fc.constantFrom(...replicas);
const units = fc.integer({ min: 1, max: 30 });
const operation = fc.oneof(
  fc.record({ kind: fc.constant('increment' as const), at: replica, n: units }),
  fc.record({ kind: fc.constant('decrement' as const), at: replica, n: units }),
  fc.record({ kind: fc.constant('transfer' as const), at: replica, to: replica, n: units }),
  fc.record({ kind: fc.constant('merge' as const), at: replica, from: replica }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

/** Every non-zero entry, sorted: equal states compare equal however they were built. */
function canonical(state: BoundedCounterState): string[] {
  const entries: string[] = [];
  for (const [from, row] of Object.entries(state.p)) {
    for (const [to, n] of Object.entries(row)) if (n > 0) entries.push(`p ${from} ${to} ${n}`);
  }
  for (const [id, n] of Object.entries(state.d)) if (n > 0) entries.push(`d ${id} ${n}`);
  return entries.sort();
}

function run(
  ops: readonly Operation[],
  check?: (nodes: Map<Replica, BoundedCounter>, added: number, sold: number) => void,
) {
  const nodes = new Map(replicas.map((id) => [id, createBoundedCounter(id)]));
  let added = 0;
  let sold = 0;
  for (const op of ops) {
    const node = nodes.get(op.at)!;
    const before = node.rights();
    if (op.kind === 'increment') {
      node.increment(op.n);
      added += op.n;
    } else if (op.kind === 'decrement') {
      const result = node.decrement(op.n);
      expect(result.ok).toBe(op.n <= before);
      if (result.ok) sold += op.n;
      expect(node.rights()).toBe(result.ok ? before - op.n : before);
    } else if (op.kind === 'transfer') {
      if (op.to === op.at) continue;
      const result = node.transfer(op.at, op.to, op.n);
      expect(result.ok).toBe(op.n <= before);
      expect(result.rights).toBe(result.ok ? before - op.n : before);
    } else {
      node.merge(nodes.get(op.from)!.state());
    }
    check?.(nodes, added, sold);
  }
  return nodes;
}

function globalView(nodes: Map<Replica, BoundedCounter>): BoundedCounter {
  const all = createBoundedCounter('observer');
  for (const node of nodes.values()) all.merge(node.state());
  return all;
}

describe('bounded counter (demarcation)', () => {
  it('the documented flow: the server hands out rights, a till sells within them', () => {
    const server = createBoundedCounter('server');
    server.increment(100);
    expect(server.transfer('server', 'till-1', 40)).toEqual({ ok: true, rights: 60 });
    const till = createBoundedCounter('till-1', server.state());
    expect(till.rights()).toBe(40);
    expect(till.decrement(41)).toEqual({
      ok: false,
      reason: 'insufficient-rights',
      rights: 40,
      requested: 41,
    });
    expect(till.decrement(3)).toEqual({ ok: true, rights: 37 });
    server.merge(till.state());
    expect(server.value()).toBe(97);
    expect(server.rights('till-1')).toBe(37);
  });

  it('transfer succeeds only within the sender’s rights, and only at the sender', () => {
    const a = createBoundedCounter('a');
    a.increment(5);
    expect(a.transfer('a', 'b', 6)).toEqual({
      ok: false,
      reason: 'insufficient-rights',
      rights: 5,
      requested: 6,
    });
    expect(a.transfer('a', 'b', 5)).toEqual({ ok: true, rights: 0 });
    expect(() => a.transfer('b', 'a', 1)).toThrow(/^from must be this replica/);
    expect(() => a.transfer('a', 'a', 1)).toThrow(/^to must differ/);
    expect(() => a.decrement(0)).toThrow(/^n must be an integer in \[1,/);
    expect(() => a.increment(1.5)).toThrow(RangeError);
  });

  it('total stock is conserved, no device sells beyond its rights, and every value stays ≥ 0 under any interleaving', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 50 }), (ops) => {
        run(ops, (nodes, added, sold) => {
          const all = globalView(nodes);
          // Conservation: transfers move stock, only sales remove it.
          expect(all.value()).toBe(added - sold);
          const rights = replicas.map((id) => all.rights(id));
          expect(rights.reduce((a, b) => a + b, 0)).toBe(all.value());
          // No device has sold or given away more than it was given.
          for (const r of rights) expect(r).toBeGreaterThanOrEqual(0);
          expect(all.value()).toBeGreaterThanOrEqual(0);
          // Every replica's possibly stale view is safe too.
          for (const node of nodes.values()) {
            expect(node.value()).toBeGreaterThanOrEqual(0);
            expect(node.rights()).toBeGreaterThanOrEqual(0);
            expect(node.rights()).toBeLessThanOrEqual(all.rights(node.replica));
          }
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('merge is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 40 }), (ops) => {
        const nodes = run(ops);
        const [a, b, c] = [nodes.get('t1')!.state(), nodes.get('t2')!.state(), nodes.get('server')!.state()];
        const merged = (...states: BoundedCounterState[]) => {
          const x = createBoundedCounter('x');
          for (const s of states) x.merge(s);
          return canonical(x.state());
        };
        expect(merged(a, b)).toEqual(merged(b, a));
        const ab = createBoundedCounter('y', a);
        ab.merge(b);
        const bc = createBoundedCounter('z', b);
        bc.merge(c);
        expect(merged(ab.state(), c)).toEqual(merged(a, bc.state()));
        expect(merged(a, a)).toEqual(merged(a));
      }),
      { numRuns: 1000 },
    );
  });

  it('state is plain JSON and round-trips', () => {
    const node = run([
      { kind: 'increment', at: 'server', n: 10 },
      { kind: 'transfer', at: 'server', to: 't1', n: 4 },
    ]).get('server')!;
    const copy = createBoundedCounter(
      'server',
      JSON.parse(JSON.stringify(node.state())) as BoundedCounterState,
    );
    expect(canonical(copy.state())).toEqual(canonical(node.state()));
  });

  it('a malformed state is rejected before any of it is applied', () => {
    const node = createBoundedCounter('a');
    node.increment(3);
    const bad = { p: { b: { b: 100 } }, d: { a: -1 } } as BoundedCounterState;
    expect(() => node.merge(bad)).toThrow(/^state.d\["a"\] must be an integer/);
    expect(node.value()).toBe(3);
    expect(() => node.merge({ p: { b: 5 }, d: {} } as unknown as BoundedCounterState)).toThrow(TypeError);
    expect(() => createBoundedCounter('')).toThrow(RangeError);
  });
});
