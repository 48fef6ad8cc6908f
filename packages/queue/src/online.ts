/**
 * Tells the queue whether the network is worth trying. Delivery starts when
 * it turns online; `flush()` tries regardless, because the signal can be wrong.
 *
 * @example
 * ```ts
 * import { createIntentQueue, type OnlineSignal } from '@tallystick/queue';
 * import { createMemoryStore } from '@tallystick/queue/memory';
 * const alwaysOnline: OnlineSignal = { online: true, subscribe: () => () => {} };
 * const queue = createIntentQueue({ store: createMemoryStore(), device: 'till-1', online: alwaysOnline, send: async (b) => b.map(() => ({ status: 'acked' as const })) });
 * ```
 */
export interface OnlineSignal {
  readonly online: boolean;
  /** Calls `listener` on every change; returns an unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/**
 * An {@link OnlineSignal} set by hand: for tests, or for an app with its own
 * connectivity probe.
 *
 * @example
 * ```ts
 * import { createManualOnlineSignal } from '@tallystick/queue';
 * const signal = createManualOnlineSignal(false);
 * signal.set(true); // queues using it start delivering
 * ```
 */
export interface ManualOnlineSignal extends OnlineSignal {
  set(online: boolean): void;
}

/**
 * Creates a {@link ManualOnlineSignal}.
 *
 * @throws {TypeError} if `initial` is not a boolean.
 * @example
 * ```ts
 * import { createManualOnlineSignal } from '@tallystick/queue';
 * const signal = createManualOnlineSignal(true);
 * signal.online; // true
 * ```
 */
export function createManualOnlineSignal(initial = true): ManualOnlineSignal {
  if (typeof initial !== 'boolean') throw new TypeError('initial must be a boolean');
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  return {
    get online() {
      return online;
    },
    set(next) {
      if (next === online) return;
      online = next;
      for (const listener of [...listeners]) listener(online);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface BrowserLike {
  navigator?: { onLine?: boolean };
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
}

/**
 * The browser's view (`navigator.onLine` and the `online`/`offline` events),
 * or always online where there is no such thing (Node, workers without it).
 * `navigator.onLine` only knows about the local link, which is why failed
 * sends are still retried while it says online.
 *
 * @example
 * ```ts
 * import { browserOnlineSignal } from '@tallystick/queue';
 * const signal = browserOnlineSignal();
 * ```
 */
export function browserOnlineSignal(): OnlineSignal {
  const g = globalThis as BrowserLike;
  const has = typeof g.navigator?.onLine === 'boolean' && typeof g.addEventListener === 'function';
  return {
    get online() {
      return has ? g.navigator!.onLine !== false : true;
    },
    subscribe(listener) {
      if (!has) return () => {};
      const on = () => listener(true);
      const off = () => listener(false);
      g.addEventListener!('online', on);
      g.addEventListener!('offline', off);
      return () => {
        g.removeEventListener?.('online', on);
        g.removeEventListener?.('offline', off);
      };
    },
  };
}
