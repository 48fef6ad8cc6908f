import { type Clock, classifyHttpStatus, systemClock } from '@tallystick/core';
import type { QueuedIntent, SendFunction, SendOutcome } from './types.js';

/**
 * Options for {@link createHttpSender}.
 *
 * @example
 * ```ts
 * import { createHttpSender, type HttpSenderOptions } from '@tallystick/queue';
 * const options: HttpSenderOptions = {
 *   url: 'https://shop.example/intents',
 *   headers: { authorization: 'Bearer …' },
 *   timeoutMs: 10_000,
 * };
 * const send = createHttpSender(options); // pass as createIntentQueue({ send, ... })
 * ```
 */
export interface HttpSenderOptions {
  /** Where to POST each intent; a function may route by intent type. */
  url: string | ((intent: QueuedIntent) => string);
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  headers?: Record<string, string> | ((intent: QueuedIntent) => Record<string, string>);
  /** Per request; keep it well under the queue's `leaseMs`. Default 15 s. */
  timeoutMs?: number;
  /** Requests in flight at once across partitions. Default 8. */
  concurrency?: number;
  /** Reads `Retry-After` dates. Default: the system clock. */
  clock?: Clock;
}

/**
 * A {@link SendFunction} that POSTs each intent's envelope as JSON with its id
 * in the `Idempotency-Key` header, so a server guarded by `@tallystick/replay`
 * applies it once however often it arrives. Intents of one partition go one
 * after another and stop at the first failure (the rest report `skipped`);
 * partitions and unpartitioned intents go in parallel.
 *
 * @throws {TypeError} if `url` is missing or no `fetch` is available.
 * @throws {RangeError} if `timeoutMs` or `concurrency` is not a positive integer.
 * @example
 * ```ts
 * import { createHttpSender } from '@tallystick/queue';
 * const send = createHttpSender({ url: 'https://shop.example/intents' });
 * ```
 */
export function createHttpSender(options: HttpSenderOptions): SendFunction {
  const { url, headers, timeoutMs = 15_000, concurrency = 8, clock = systemClock } = options ?? {};
  const doFetch = options?.fetch ?? globalThis.fetch;
  if (typeof url !== 'string' && typeof url !== 'function')
    throw new TypeError('options.url must be a string or function');
  if (typeof doFetch !== 'function')
    throw new TypeError('options.fetch is required where there is no global fetch');
  for (const [name, v] of [
    ['timeoutMs', timeoutMs],
    ['concurrency', concurrency],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }

  const post = async (q: QueuedIntent): Promise<SendOutcome> => {
    const extra = typeof headers === 'function' ? headers(q) : headers;
    let response: Response;
    try {
      response = await doFetch(typeof url === 'string' ? url : url(q), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...extra, 'idempotency-key': q.intent.id },
        body: JSON.stringify(q.intent),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return {
        status: 'retry',
        error: `network error: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    // Drain the body so the connection can be reused; its content does not change the outcome.
    await response.arrayBuffer().catch(() => undefined);
    const kind = classifyHttpStatus(response.status);
    if (kind === 'acked') return { status: 'acked' };
    const error = `HTTP ${response.status}`;
    if (kind === 'permanent') return { status: 'permanent', error };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now());
    return retryAfterMs === undefined ? { status: 'retry', error } : { status: 'retry', error, retryAfterMs };
  };

  return async (batch) => {
    const outcomes = new Array<SendOutcome>(batch.length);
    const chains = new Map<string, number[]>();
    const loose: number[][] = [];
    batch.forEach((q, i) => {
      const key = q.intent.partitionKey;
      if (key === undefined) loose.push([i]);
      else if (chains.has(key)) chains.get(key)!.push(i);
      else chains.set(key, [i]);
    });
    const work = [...chains.values(), ...loose];
    const runChain = async (chain: number[]) => {
      let failed = false;
      for (const i of chain) {
        outcomes[i] = failed ? { status: 'skipped' } : await post(batch[i]!);
        if (outcomes[i]!.status !== 'acked') failed = true;
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < work.length) await runChain(work[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, worker));
    return outcomes;
  };
}

/**
 * Reads a `Retry-After` header, which is either delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3), as milliseconds from `now`; undefined when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from '@tallystick/queue';
 * parseRetryAfter('120', Date.now()); // 120000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
