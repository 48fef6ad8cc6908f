import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from '@tallystick/core';
import { isConnectionFailure } from '@tallystick/core';
import { serveIdempotent } from './http.js';
import { admitRequest, type IdempotencyHttpOptions, resolveHttpOptions } from './http-admit.js';
import { type BodyResult, createBodyGate, readBody } from './lib/body.js';
import { readJsonInput } from './lib/json-input.js';
import { problemResponse } from './problem.js';
import type { StoredResponse } from './store.js';

/**
 * A request as the wrapped handler sees it: the body already read and parsed.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { type NodeIdempotentRequest, withIdempotency } from '@tallystick/replay/node';
 * const amountOf = (request: NodeIdempotentRequest) => (request.body as { amount: number }).amount;
 * const listener = withIdempotency({ store: createMemoryStore(), scope: () => 'shop' }, async (request) => ({
 *   status: 201, headers: {}, body: `charged ${amountOf(request)}`,
 * }));
 * createServer(listener).listen(0);
 * ```
 */
export interface NodeIdempotentRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  /** The parsed JSON body; `undefined` when the body was empty. */
  readonly body: JsonValue | undefined;
  /** The underlying request, for headers and the socket. Its body has been consumed. */
  readonly raw: IncomingMessage;
}

/**
 * The handler the wrapper protects. It returns its response instead of
 * writing to a `ServerResponse`, because the response must be captured whole
 * to be stored and replayed; a streamed or piped body could not be.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * import { type NodeIdempotentHandler, withIdempotency } from '@tallystick/replay/node';
 * const handler: NodeIdempotentHandler = async (request) => ({
 *   status: 201,
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ received: request.body }),
 * });
 * createServer(withIdempotency({ store: createMemoryStore(), scope: () => 'shop' }, handler)).listen(0);
 * ```
 */
export type NodeIdempotentHandler = (
  request: NodeIdempotentRequest,
) => StoredResponse | Promise<StoredResponse>;

/**
 * Options for {@link withIdempotency}.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options: NodeIdempotencyOptions = {
 *   store: createMemoryStore(),
 *   scope: (req) => String(req.headers['x-merchant-id'] ?? 'anonymous'),
 * };
 * ```
 */
export interface NodeIdempotencyOptions extends IdempotencyHttpOptions {
  /** The tenant or client a request belongs to; keys are unique within it. Authenticate before trusting it. */
  readonly scope: (req: IncomingMessage) => string | Promise<string>;
  /**
   * Time allowed for a whole request body, from when the wrapper starts
   * reading it (default 10,000 ms). A body that stalls or dribbles past it
   * gets 408 and its connection closes; nothing runs and nothing is stored.
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Bodies read at once by this wrapper (default 256), so buffered bodies
   * never exceed `maxBodiesInFlight × maxBodyBytes`. Past it a request gets
   * 503 with Retry-After before its body is read. Set the server's own
   * `headersTimeout` and `requestTimeout` too (see {@link SLOW_CLIENT_TIMEOUTS}).
   */
  readonly maxBodiesInFlight?: number;
}

/**
 * Timeouts for `http.createServer` that bound what a slow client can hold
 * before the wrapper sees its request: 10 s for the headers, 30 s for the
 * whole request, checked every second (Node's default check runs every 30 s).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { SLOW_CLIENT_TIMEOUTS } from '@tallystick/replay/node';
 * const server = createServer({ ...SLOW_CLIENT_TIMEOUTS }, (req, res) => res.end('ok'));
 * ```
 */
export const SLOW_CLIENT_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
} as const;

/**
 * Wraps a handler into a Node `http` request listener with Idempotency-Key
 * semantics (draft-ietf-httpapi-idempotency-key-header): a retry after
 * completion gets the stored status and body, 409 with Retry-After while the
 * first is in flight, 422 for the same key with a different request, 400 for
 * a missing or malformed key or an invalid scope, 413 for an oversize body,
 * 415 for a body not sent as JSON and 400 for invalid or too deeply nested
 * JSON, all as `application/problem+json` and all before the store is touched.
 * A handler that throws gets a 500 problem and its key is freed for a retry;
 * one that throws because a dependency is down (`ERR_SERVICE_UNAVAILABLE`, a
 * dropped connection) gets 503 with Retry-After instead, as does a request
 * whose store is down. Slow clients are bounded: 408 for a body that misses
 * `bodyTimeoutMs`, 503 with Retry-After past `maxBodiesInFlight`.
 *
 * @throws {TypeError} if `store` or `scope` is missing.
 * @throws {RangeError} if `maxBodyBytes`, `retryAfterSeconds`, `bodyTimeoutMs` or `maxBodiesInFlight` is out of range.
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { withIdempotency } from '@tallystick/replay/node';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 *
 * const server = createServer(
 *   withIdempotency({ store: createMemoryStore(), scope: () => 'merchant-42' }, async ({ body }) => ({
 *     status: 201,
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify({ sold: body }),
 *   })),
 * );
 * server.listen(3000);
 * ```
 */
export function withIdempotency(
  options: NodeIdempotencyOptions,
  handler: NodeIdempotentHandler,
): (req: IncomingMessage, res: ServerResponse) => void {
  const resolved = resolveHttpOptions(options);
  if (typeof options.scope !== 'function') throw new TypeError('scope must be a function of the request');
  if (typeof handler !== 'function') throw new TypeError('handler must be a function');
  const bodyTimeoutMs = positive(options.bodyTimeoutMs ?? 10_000, 'bodyTimeoutMs');
  const gate = createBodyGate(positive(options.maxBodiesInFlight ?? 256, 'maxBodiesInFlight'));
  const retryAfter = { 'retry-after': String(resolved.retryAfterSeconds) };

  async function readGated(req: IncomingMessage): Promise<BodyResult | 'busy'> {
    if (!gate.enter()) return 'busy';
    try {
      return await readBody(req, resolved.maxBodyBytes, bodyTimeoutMs);
    } finally {
      gate.leave();
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const admitted = admitRequest(resolved, method, headerOf(req, 'idempotency-key'));
    if (admitted.kind === 'refuse') return send(res, admitted.response);
    const body = await readGated(req);
    if (body === 'busy')
      return send(
        res,
        problemResponse('server-busy', 'Too many requests are being read; retry shortly.', {
          ...retryAfter,
          connection: 'close',
        }),
      );
    if (body === 'timeout')
      return send(
        res,
        problemResponse('body-timeout', `Send the whole body within ${bodyTimeoutMs} ms.`, {
          connection: 'close',
        }),
      );
    const contentType = headerOf(req, 'content-type') ?? null;
    const contentEncoding = headerOf(req, 'content-encoding') ?? null;
    if (admitted.kind === 'pass') {
      const parsed = readJsonInput(body, contentType, resolved.maxBodyBytes, contentEncoding);
      if (!parsed.ok) return send(res, parsed.response);
      return send(res, await handler({ method, url, body: parsed.value, raw: req }));
    }
    const scope = await options.scope(req);
    const result = await serveIdempotent(
      resolved,
      { method, path: url, scope, key: admitted.key, body, contentType, contentEncoding },
      (value) => Promise.resolve(handler({ method, url, body: value, raw: req })),
    );
    send(res, result.response);
  }

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      // The key is already freed (runIdempotent releases on a throw); say so, without leaking the error.
      if (isConnectionFailure(error))
        send(
          res,
          problemResponse('service-unavailable', 'Nothing was done; retry with the same key.', retryAfter),
        );
      else send(res, problemResponse('handler-failed', 'Retry the request with the same key.'));
    });
  };
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  // Repeated headers are ambiguous: which key did the client mean? Refuse by making it unparsable.
  return Array.isArray(value) ? value.join(', ') : value;
}

function send(res: ServerResponse, response: StoredResponse): void {
  const body =
    response.bodyEncoding === 'base64url' ? Buffer.from(response.body, 'base64url') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
