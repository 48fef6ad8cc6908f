import type { ManualClock } from '@tallystick/core';

/**
 * Where the queue sets its timers (retries, lease and lock waits), injectable
 * so tests drive time by hand.
 *
 * @example
 * ```ts
 * import { createIntentQueue, type Scheduler } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const scheduler: Scheduler = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as never) };
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', scheduler, send: async (b) => b.map(() => ({ status: 'acked' as const })) });
 * ```
 */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The platform's timers. In Node they are unref'd: a queue waiting to retry
 * never keeps a process alive on its own.
 *
 * @example
 * ```ts
 * import { systemScheduler } from '@tallystick/queue';
 * const handle = systemScheduler.setTimeout(() => {}, 1000);
 * systemScheduler.clearTimeout(handle);
 * ```
 */
export const systemScheduler: Scheduler = {
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms) as unknown as { unref?: () => void };
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
};

/**
 * A scheduler whose timers fire only when {@link ManualScheduler.advance}
 * moves its {@link ManualClock}: deterministic tests of backoff and leases.
 *
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createManualScheduler } from '@tallystick/queue';
 * const clock = createManualClock(0);
 * const scheduler = createManualScheduler(clock);
 * scheduler.setTimeout(() => console.log('fired'), 500);
 * await scheduler.advance(500); // logs 'fired'; clock.now() is 500
 * ```
 */
export interface ManualScheduler extends Scheduler {
  /** Moves the clock forward by `ms`, firing due timers in time order at their due times. */
  advance(ms: number): Promise<void>;
  /** Timers waiting to fire. */
  readonly pending: number;
  /** Due time of the earliest waiting timer. */
  readonly nextAt: number | undefined;
}

/**
 * Creates a {@link ManualScheduler} on `clock`.
 *
 * @throws {RangeError} from `advance` if `ms` is negative or not an integer.
 * @example
 * ```ts
 * import { createManualClock } from '@tallystick/core';
 * import { createManualScheduler } from '@tallystick/queue';
 * const scheduler = createManualScheduler(createManualClock(0));
 * scheduler.pending; // 0
 * ```
 */
export function createManualScheduler(clock: ManualClock): ManualScheduler {
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  const earliest = () => {
    let best: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of timers) if (!best || entry[1].at < best[1].at) best = entry;
    return best;
  };
  return {
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: clock.now() + Math.max(0, Math.ceil(ms)), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    get pending() {
      return timers.size;
    },
    get nextAt() {
      return earliest()?.[1].at;
    },
    async advance(ms) {
      if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`ms must be an integer ≥ 0, got ${ms}`);
      const target = clock.now() + ms;
      for (;;) {
        const next = earliest();
        if (!next || next[1].at > target) break;
        if (next[1].at > clock.now()) clock.advance(next[1].at - clock.now());
        timers.delete(next[0]);
        next[1].callback();
        // One macrotask turn lets the callback's promise chain settle before the next timer.
        await new Promise<void>((resolve) => globalThis.setTimeout(resolve, 0));
      }
      if (target > clock.now()) clock.advance(target - clock.now());
    },
  };
}
