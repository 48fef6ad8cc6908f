/**
 * What an HTTP status means to a client that delivers intents, and so to the
 * server that stores answers for replay. The one table both sides read: the
 * queue's sender (`@tallystick/queue`) retries exactly the statuses that the
 * idempotency layer (`@tallystick/replay`) refuses to store as final, and
 * gives up on exactly the ones it stores.
 *
 * | status | class | sender does | replay does |
 * |---|---|---|---|
 * | 2xx | `acked` | marks the intent delivered | stores the answer for replay |
 * | 408, 409, 425, 429 | `retry` | retries later (honours Retry-After) | frees the key, stores nothing |
 * | 5xx (500–599) | `retry` | retries later | frees the key, stores nothing |
 * | 1xx, 3xx, other 4xx | `permanent` | gives up, reports the status | stores the answer for replay |
 * | anything else (< 100, > 599, not an integer) | `permanent` | gives up | stores it |
 *
 * A 5xx therefore always means "the server failed and nothing took effect;
 * send it again". A handler that has applied part of a batch must not answer
 * 5xx: it answers the per-item outcomes with a 2xx, or a 4xx for input that
 * can never succeed. 409 is retryable because the Idempotency-Key draft uses
 * it for "the first request with this key is still running".
 *
 * @example
 * ```ts
 * import { classifyHttpStatus } from '@tallystick/core';
 * classifyHttpStatus(201); // 'acked'
 * classifyHttpStatus(503); // 'retry'
 * classifyHttpStatus(422); // 'permanent'
 * ```
 */
export type HttpStatusClass = 'acked' | 'retry' | 'permanent';

/** Outside 5xx, the statuses that say "not now" rather than "never". */
const RETRY_4XX: ReadonlySet<number> = new Set([408, 409, 425, 429]);

/**
 * Classifies an HTTP status per the table on {@link HttpStatusClass}: only a
 * 2xx is delivered; 408, 409, 425, 429 and 5xx are worth retrying; every
 * other status would come back the same on a retry. Total: any number (or
 * non-integer) gets a class, never an exception.
 *
 * @example
 * ```ts
 * import { classifyHttpStatus } from '@tallystick/core';
 * classifyHttpStatus(500); // 'retry': a 5xx is never a final answer
 * classifyHttpStatus(400); // 'permanent'
 * ```
 */
export function classifyHttpStatus(status: number): HttpStatusClass {
  if (!Number.isInteger(status)) return 'permanent';
  if (status >= 200 && status < 300) return 'acked';
  if ((status >= 500 && status < 600) || RETRY_4XX.has(status)) return 'retry';
  return 'permanent';
}

/**
 * Whether a status says "try again": the `retry` class of
 * {@link classifyHttpStatus}. `@tallystick/replay` frees the Idempotency-Key
 * instead of storing such an answer, so the retry runs the handler again.
 *
 * @example
 * ```ts
 * import { isRetryableStatus } from '@tallystick/core';
 * isRetryableStatus(503); // true
 * isRetryableStatus(402); // false
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  return classifyHttpStatus(status) === 'retry';
}
