import { type Clock, classifyHttpStatus, systemClock } from '@tallystick/core';
import { describeErrorResponse } from './lib/problem-detail.js';
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
 * partitions and unpartitioned intents go in parallel. A refusal's
 * `application/problem+json` (or JSON) body, up to 4 KiB, is read into the
 * outcome's `error` (`type`, `title`, `detail`), so a dead-lettered intent's
 * `lastError` says why: `HTTP 422 intents-rejected: Every intent in the batch
 * was rejected (#0 invalid_payload: payload.quantity: quantity must be at least 1)`.
 *
 * @throws {TypeError} if `url` is missing or no `fetch` is available.
 * @throws {RangeError} if `timeoutMs` or `concurrency` is not a positive integer.
 * @example
 * ```ts
 * import { createHttpSender } from '@tallystick/queue/http';
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
    let response: Response;
    try {
      // Inside the try: a headers or url callback that throws fails this intent (retry), not the whole send.
      const extra = typeof headers === 'function' ? headers(q) : headers;
      response = await doFetch(typeof url === 'string' ? url : url(q), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...extra, 'idempotency-key': q.intent.id },
        body: JSON.stringify(q.intent),
        signal: AbortSignal.timeout(timeoutMs),
        // Following a 301/302/303 turns the POST into a GET whose 200 would read as an ack for an
        // intent the server never received; a 3xx is a misconfigured URL, reported, not followed.
        redirect: 'manual',
      });
    } catch (error) {
      return {
        status: 'retry',
        error: `network error: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const kind = classifyHttpStatus(response.status);
    if (kind === 'acked') {
      // Drain (at most 64 KiB) so the connection can be reused; the content does not change the outcome.
      await drain(response);
      return { status: 'acked' };
    }
    // The status decides the outcome; a problem+json body only says why (kept as lastError).
    // A browser's manual redirect is opaque (status 0): name it, it is still never an ack.
    const error =
      response.type === 'opaqueredirect'
        ? 'HTTP redirect (not followed)'
        : await describeErrorResponse(response);
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
 * import { parseRetryAfter } from '@tallystick/queue/http';
 * parseRetryAfter('120', Date.now()); // 120000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  // Huge delay-seconds are capped, not turned into Infinity; the queue caps delays at a day anyway.
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_S) * 1000;
  const at = parseHttpDate(text);
  return at === undefined ? undefined : Math.max(0, at - now);
}

const MAX_RETRY_AFTER_S = 365 * 86_400;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MON = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
const IMF = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MON} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

/** An HTTP-date in one of its three forms, as epoch ms; undefined for anything else. `Date.parse` would take "Friday 3000". */
function parseHttpDate(text: string): number | undefined {
  let m = IMF.exec(text);
  let parts: [string, string, string, string, string, string] | undefined;
  if (m) parts = [m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!];
  else if ((m = RFC850.exec(text))) {
    // Two-digit years: RFC 9110 says a date more than 50 years ahead is in the past century.
    const yy = Number(m[3]);
    parts = [String(yy + (yy < 70 ? 2000 : 1900)), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!];
  } else if ((m = ASCTIME.exec(text))) parts = [m[6]!, m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!];
  if (!parts) return undefined;
  const [year, month, day, h, min, s] = parts;
  const y = Number(year);
  const mo = MONTHS.indexOf(month);
  const d = Number(day);
  const at = Date.UTC(y, mo, d, Number(h), Number(min), Number(s));
  const check = new Date(at);
  // Refuse dates that do not exist (31 Feb, 25:00): Date.UTC would roll them over.
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo || check.getUTCHours() !== Number(h))
    return undefined;
  if (check.getUTCMinutes() !== Number(min) || check.getUTCSeconds() !== Number(s)) return undefined;
  return at;
}

/** The answer body is not read for its content: up to 64 KiB is drained so the connection can be reused, the rest cancelled. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let left = 64 * 1024;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      left -= value.byteLength;
      if (left < 0) break;
    }
    await reader.cancel();
  } catch {
    // A body cut off mid-way does not change what the status said.
  }
}
