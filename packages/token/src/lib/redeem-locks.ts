/**
 * The redeemer's locks: calls on one token id run one at a time (a check, an
 * enqueue and a check-and-add must not interleave with another call's), calls
 * on different tokens run together, and recovery runs alone: it waits for the
 * calls in progress and holds new ones back. Otherwise recovery could mark a
 * token spent between a call's enqueue and its own check-and-add, and that call
 * would report its own redemption as `already_spent`.
 */
export class RedeemLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly active = new Set<Promise<unknown>>();
  private gate: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier call on `key` and after any recovery that started before. */
  shared<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const gate = this.gate;
    const before = this.tails.get(key) ?? Promise.resolve();
    const run = Promise.all([gate, before.catch(() => undefined)]).then(fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    this.active.add(tail);
    void tail.then(() => {
      this.active.delete(tail);
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Runs `fn` once every call started before has finished; calls started meanwhile wait for it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const earlier = [this.gate, ...this.active];
    const run = Promise.allSettled(earlier).then(fn);
    this.gate = run.catch(() => undefined);
    return run;
  }
}

const shared = new WeakMap<object, RedeemLocks>();

/** The locks of every redeemer on `spent` in this process: one set per spent store. */
export function locksOf(spent: object): RedeemLocks {
  let locks = shared.get(spent);
  if (locks === undefined) {
    locks = new RedeemLocks();
    shared.set(spent, locks);
  }
  return locks;
}
