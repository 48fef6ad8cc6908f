import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue } from '@tallystick/core';
import { serveIdempotent } from './http.js';
import { admitRequest, type IdempotencyHttpOptions, resolveHttpOptions } from './http-admit.js';
import { readJsonInput } from './lib/json-input.js';
import { problemResponse } from './problem.js';
import type { StoredResponse } from './store.js';

/**
 * A request as the wrapped handler sees it: the body already read and parsed.
 *
 * @example
 * ```ts
 * function amountOf(request: NodeIdempotentRequest): number {
 *   return (request.body as { amount: number }).amount;
 * }
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
 * const handler: NodeIdempotentHandler = async (request) => ({
 *   status: 201,
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ received: request.body }),
 * });
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
}

/**
 * Wraps a handler into a Node `http` request listener with Idempotency-Key
 * semantics (draft-ietf-httpapi-idempotency-key-header): a retry after
 * completion gets the stored status and body, 409 with Retry-After while the
 * first is in flight, 422 for the same key with a different request, 400 for
 * a missing or malformed key or an invalid scope, 413 for an oversize body,
 * 415 for a body not sent as JSON and 400 for invalid or too deeply nested
 * JSON, all as `application/problem+json` and all before the store is touched.
 * A handler that throws gets a 500 problem and its key is freed for a retry.
 *
 * @throws {TypeError} if `store` or `scope` is missing.
 * @throws {RangeError} if `maxBodyBytes` or `retryAfterSeconds` is out of range.
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

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const admitted = admitRequest(resolved, method, headerOf(req, 'idempotency-key'));
    if (admitted.kind === 'refuse') return send(res, admitted.response);
    const body = await readBody(req, resolved.maxBodyBytes);
    const contentType = headerOf(req, 'content-type') ?? null;
    if (admitted.kind === 'pass') {
      const parsed = readJsonInput(body, contentType, resolved.maxBodyBytes);
      if (!parsed.ok) return send(res, parsed.response);
      return send(res, await handler({ method, url, body: parsed.value, raw: req }));
    }
    const scope = await options.scope(req);
    const result = await serveIdempotent(
      resolved,
      { method, path: url, scope, key: admitted.key, body, contentType },
      (value) => Promise.resolve(handler({ method, url, body: value, raw: req })),
    );
    send(res, result.response);
  }

  return (req, res) => {
    serve(req, res).catch(() => {
      // The key is already freed (runIdempotent releases on a throw); say so, without leaking the error.
      if (!res.headersSent)
        send(res, problemResponse('handler-failed', 'Retry the request with the same key.'));
      else res.destroy();
    });
  };
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  // Repeated headers are ambiguous: which key did the client mean? Refuse by making it unparsable.
  return Array.isArray(value) ? value.join(', ') : value;
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too_large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        // Drain the rest so the 413 reaches the client; `connection: close` ends the socket after it.
        req.resume();
        resolve('too_large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, response: StoredResponse): void {
  const body =
    response.bodyEncoding === 'base64url' ? Buffer.from(response.body, 'base64url') : response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}
