/**
 * Group commit: callers that arrive while a commit is running (or in the same
 * tick) share the next commit, so N concurrent enqueues cost one durable
 * write instead of N. A commit is all-or-nothing for its whole group.
 */
export interface GroupCommit<T> {
  /** Resolves when the commit containing `items` is durable. */
  submit(items: readonly T[]): Promise<void>;
  /** Resolves when everything submitted so far has been committed or failed. */
  idle(): Promise<void>;
}

interface Waiter<T> {
  items: readonly T[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * `gather` runs before each commit; a store whose commit is synchronous (better-sqlite3)
 * passes a macrotask wait, so callers of other turns join the group and a tight
 * enqueue loop cannot starve the event loop.
 */
export function createGroupCommit<T>(
  commit: (items: T[]) => Promise<void>,
  maxItems = 4096,
  gather: () => Promise<void> = () => Promise.resolve(),
): GroupCommit<T> {
  const waiting: Waiter<T>[] = [];
  let running: Promise<void> | undefined;

  const runOnce = async (): Promise<void> => {
    // Take whole callers only, so one caller's items are never split across commits.
    const group: Waiter<T>[] = [];
    let count = 0;
    while (waiting.length > 0 && (group.length === 0 || count + waiting[0]!.items.length <= maxItems)) {
      const next = waiting.shift()!;
      group.push(next);
      count += next.items.length;
    }
    const items: T[] = [];
    for (const waiter of group) for (const item of waiter.items) items.push(item);
    try {
      await commit(items);
      for (const waiter of group) waiter.resolve();
    } catch (error) {
      for (const waiter of group) waiter.reject(error);
    }
  };

  const drain = async (): Promise<void> => {
    // Yield so every caller of this tick joins the first group.
    await gather();
    while (waiting.length > 0) {
      await runOnce();
      if (waiting.length > 0) await gather();
    }
    running = undefined;
  };

  return {
    submit(items) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ items, resolve, reject });
        running ??= drain();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
