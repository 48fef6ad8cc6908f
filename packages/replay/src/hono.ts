import { decodeBase64url, encodeBase64url, isConnectionFailure } from '@tallystick/core';
import type { Context, MiddlewareHandler } from 'hono';
import { serveIdempotent } from './http.js';
import { admitRequest, type IdempotencyHttpOptions, resolveHttpOptions } from './http-admit.js';
import { problemResponse } from './problem.js';
import type { StoredResponse } from './store.js';

/**
 * Options for {@link idempotency}.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@tallystick/replay/memory';
 * const options: HonoIdempotencyOptions = {
 *   store: createMemoryStore(),
 *   scope: (c) => c.req.header('x-merchant-id') ?? 'anonymous',
 * };
 * ```
 */
export interface HonoIdempotencyOptions extends IdempotencyHttpOptions {
  /** The tenant or client a request belongs to; keys are unique within it. Authenticate before trusting it. */
  readonly scope: (c: Context) => string | Promise<string>;
  /**
   * Time allowed for a whole request body, from when the middleware starts
   * reading it (default 10,000 ms). Past it: 408, nothing runs, nothing is
   * stored. On Workers, Bun or a bare `app.fetch` no server timeout cuts a
   * stalled upload, so the middleware bounds it itself.
   */
  readonly bodyTimeoutMs?: number;
}

/**
 * Hono middleware with Idempotency-Key semantics
 * (draft-ietf-httpapi-idempotency-key-header). Hono was chosen because it is
 * built on the web-standard `Request`/`Response`, so this one middleware runs
 * on Node, Bun, Deno, Cloudflare Workers and other edge runtimes alike, the
 * same reach as the rest of tallystick.
 *
 * - A retry after completion gets the stored status, replayed headers and body,
 *   with `Idempotent-Replayed: true`.
 * - 409 with Retry-After while the first is in flight; 422 for the same key
 *   with a different request; 400 for a missing or malformed key, an invalid
 *   scope, or invalid or too deeply nested JSON; 413 for an oversize body;
 *   415 for a body not sent as JSON. All `application/problem+json`, all
 *   before the store is touched.
 * - A handler that throws frees the key and the error goes on to Hono's
 *   `onError` as usual, except a dependency outage (`ERR_SERVICE_UNAVAILABLE`,
 *   a dropped connection), answered 503 with Retry-After.
 *
 * Downstream handlers read the body as usual (`c.req.json()`).
 *
 * @throws {TypeError} if `store` or `scope` is missing.
 * @throws {RangeError} if `maxBodyBytes`, `retryAfterSeconds` or `bodyTimeoutMs` is out of range.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { idempotency } from '@tallystick/replay/hono';
 * import { createMemoryStore } from '@tallystick/replay/memory';
 *
 * const app = new Hono();
 * app.use('/sales/*', idempotency({ store: createMemoryStore(), scope: (c) => c.req.header('x-merchant-id') ?? 'anon' }));
 * app.post('/sales', async (c) => c.json({ sold: await c.req.json() }, 201));
 * ```
 */
export function idempotency(options: HonoIdempotencyOptions): MiddlewareHandler {
  const resolved = resolveHttpOptions(options);
  if (typeof options.scope !== 'function') throw new TypeError('scope must be a function of the context');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  if (!Number.isSafeInteger(bodyTimeoutMs) || bodyTimeoutMs < 1)
    throw new RangeError(`bodyTimeoutMs must be a positive integer, got ${bodyTimeoutMs}`);

  return async (c, next) => {
    const admitted = admitRequest(resolved, c.req.method, c.req.header('idempotency-key'));
    if (admitted.kind === 'pass') return next();
    if (admitted.kind === 'refuse') return toResponse(admitted.response);
    const body = await readBody(c.req.raw, resolved.maxBodyBytes, bodyTimeoutMs);
    if (body === 'timeout') {
      return toResponse(
        problemResponse('body-timeout', `Send the whole body within ${bodyTimeoutMs} ms.`, {
          connection: 'close',
        }),
      );
    }
    // Downstream reads the body again; hand it a request whose body we already hold.
    if (body !== 'too_large' && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.req.raw = new Request(c.req.raw, { body });
    }
    const scope = await options.scope(c);
    const url = new URL(c.req.url);
    let result: Awaited<ReturnType<typeof serveIdempotent>>;
    try {
      result = await serveIdempotent(
        resolved,
        {
          method: c.req.method,
          path: url.pathname + url.search,
          scope,
          key: admitted.key,
          body,
          contentType: c.req.header('content-type') ?? null,
          contentEncoding: c.req.header('content-encoding') ?? null,
        },
        async () => {
          await next();
          if (c.error) throw c.error;
          return capture(c.res);
        },
      );
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      // A dependency of the handler is down: nothing took effect and the key is free; say when to retry.
      c.error = undefined;
      c.res = undefined;
      c.res = toResponse(
        problemResponse('service-unavailable', 'Nothing was done; retry with the same key.', {
          'retry-after': String(resolved.retryAfterSeconds),
        }),
      );
      return;
    }
    // The handler's own Response (with every header it set) stays in place for the first caller.
    if (result.kind === 'executed') return;
    return toResponse(result.response);
  };
}

async function readBody(
  request: Request,
  limit: number,
  timeoutMs: number,
): Promise<Uint8Array<ArrayBuffer> | 'too_large' | 'timeout'> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) return 'too_large';
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // One deadline for the whole body, not per read: a dribble of a byte a second would reset an idle timer.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'timeout') {
        reader.cancel().catch(() => undefined);
        return 'timeout';
      }
      const { done, value } = next;
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        return 'too_large';
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function capture(response: Response): Promise<StoredResponse> {
  const bytes = new Uint8Array(await response.clone().arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  try {
    return {
      status: response.status,
      headers,
      body: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
    };
  } catch {
    return { status: response.status, headers, body: encodeBase64url(bytes), bodyEncoding: 'base64url' };
  }
}

function toResponse(stored: StoredResponse): Response {
  const body =
    stored.bodyEncoding === 'base64url' ? new Uint8Array(decodeBase64url(stored.body)) : stored.body;
  // 1xx, 204 and 304 carry no body; the Response constructor refuses one.
  const empty = stored.status === 204 || stored.status === 304 || stored.status < 200;
  return new Response(empty ? null : body, { status: stored.status, headers: stored.headers });
}
