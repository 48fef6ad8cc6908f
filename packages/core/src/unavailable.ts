import { TallystickError } from './errors.js';

// Socket-level failures: the peer is down, unreachable, or cut the connection.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// Postgres SQLSTATEs that mean "this server cannot take the statement now":
// admin/crash shutdown, starting up, too many connections.
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

// Drivers that report a dropped connection only in words: pg ("Connection
// terminated unexpectedly", pool connect timeouts) and ioredis ("Connection is
// closed.", its offline queue refusing, its retry limit).
const MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|connection timeout|client has encountered a connection error|connection is closed|stream isn't writeable|reached the max retries per request/i;

/**
 * Tells whether an error means a dependency (Postgres, Redis, a socket peer)
 * could not be reached or dropped the connection: a transient outage, after
 * which the same operation may succeed, as opposed to a refusal (a constraint,
 * a syntax error, bad data) that would fail again. Follows `cause` chains.
 *
 * @example
 * ```ts
 * import { isConnectionFailure } from '@tallystick/core';
 *
 * isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })); // true
 * isConnectionFailure(new Error('duplicate key value violates unique constraint')); // false
 * ```
 */
export function isConnectionFailure(error: unknown): boolean {
  for (let depth = 0; depth < 8 && typeof error === 'object' && error !== null; depth++) {
    const { code, name, message, cause } = error as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (code === 'ERR_SERVICE_UNAVAILABLE' || SOCKET_CODES.has(code) || PG_CODES.has(code)) return true;
      // SQLSTATE class 08: connection exception.
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    if (error instanceof AggregateError && error.errors.some((inner) => isConnectionFailure(inner)))
      return true;
    if (cause === error) return false;
    error = cause;
  }
  return false;
}

/**
 * Wraps a failure in `ERR_SERVICE_UNAVAILABLE` when {@link isConnectionFailure}
 * says it is an outage, otherwise in `fallback` (the code the caller raises
 * for other backend failures, such as `ERR_STORE`). An error that is already a
 * {@link TallystickError} is returned as is. HTTP layers answer
 * `ERR_SERVICE_UNAVAILABLE` with 503 and Retry-After.
 *
 * @example
 * ```ts
 * import { toBackendError } from '@tallystick/core';
 *
 * const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
 * toBackendError(refused, 'ERR_STORE', 'claiming a key').code; // 'ERR_SERVICE_UNAVAILABLE'
 * ```
 */
export function toBackendError(
  error: unknown,
  fallback: 'ERR_STORE' | 'ERR_RECONCILE' | 'ERR_QUEUE',
  what: string,
): TallystickError {
  if (error instanceof TallystickError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isConnectionFailure(error)) {
    return new TallystickError('ERR_SERVICE_UNAVAILABLE', `${what}: the backend is unavailable (${detail})`, {
      cause: error,
    });
  }
  return new TallystickError(fallback, `${what} failed: ${detail}`, { cause: error });
}

const guarded = new WeakSet<object>();

/**
 * Makes sure a connection object (a `pg.Pool`, a `pg.Client`) has an
 * `'error'` listener, so a connection the database drops between queries is
 * not an unhandled `'error'` event that ends the process. The stores and the
 * ledger call it on the clients you pass them; the failure still reaches the
 * next query, as `ERR_SERVICE_UNAVAILABLE`. `onError` (once per object) lets
 * you log it; objects without `on` are left alone. Idempotent per object.
 *
 * @example
 * ```ts
 * import { EventEmitter } from 'node:events';
 * import { guardConnectionErrors } from '@tallystick/core';
 *
 * const pool = new EventEmitter(); // stands in for a pg.Pool
 * guardConnectionErrors(pool);
 * pool.emit('error', new Error('Connection terminated unexpectedly')); // no crash
 * ```
 */
export function guardConnectionErrors(
  client: unknown,
  onError: (error: unknown) => void = () => undefined,
): void {
  if (typeof client !== 'object' || client === null || guarded.has(client)) return;
  const on = (client as { on?: unknown }).on;
  if (typeof on !== 'function') return;
  guarded.add(client);
  on.call(client, 'error', onError);
}
