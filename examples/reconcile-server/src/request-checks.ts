/**
 * Checks on a request the server makes before any route runs its handler:
 * which methods each API path serves (405 otherwise), and which device a
 * request speaks for. Both are input that can never succeed as sent, so they
 * are answered 4xx problem+json, before the idempotency store or the ledger
 * sees the request, and a corrected retry may reuse its Idempotency-Key.
 */
import type { IncomingMessage } from 'node:http';
import { isValidHlcNode } from '@tallystick/core';
import { problem, type Reply } from './http.js';

/** The header naming the device a request comes from; it scopes Idempotency-Keys. */
export const DEVICE_HEADER = 'x-tallystick-device';

/** Requests without the device header share this scope. */
export const ANONYMOUS_DEVICE = 'anonymous';

/**
 * The path of a request target, or undefined when it is no URL at all
 * (`//`, `http://[`): a request line Node's parser lets through but
 * `new URL` refuses, which must be a 400 and not an exception.
 */
export function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://x').pathname;
  } catch {
    return undefined;
  }
}

/** The 400 for a request target {@link pathOf} cannot read. */
export function badTarget(): Reply {
  return problem(
    400,
    'malformed-request',
    'The request target is not a URL',
    'Send a path such as /intents.',
  );
}

/** Each API path and the one method it serves. */
export const API_ROUTES: Readonly<Record<string, string>> = {
  '/intents': 'POST',
  '/receipt-codes': 'POST',
  '/report': 'GET',
  '/health': 'GET',
  '/metrics': 'GET',
  '/products': 'GET',
  '/keys': 'GET',
};

/**
 * The method a request is routed as: HEAD as GET (RFC 9110 §9.3.2: a server
 * that answers GET answers HEAD; Node drops the body of a HEAD response).
 */
export function routedMethod(method: string): string {
  return method === 'HEAD' ? 'GET' : method;
}

/**
 * A 405 problem with `Allow` when `path` is an API route that does not serve
 * `method`; undefined when the route matches or `path` is not an API route.
 */
export function methodNotAllowed(method: string, path: string): Reply | undefined {
  if (!Object.hasOwn(API_ROUTES, path)) return undefined;
  const allowed = API_ROUTES[path]!;
  if (routedMethod(method) === allowed) return undefined;
  const allow = allowed === 'GET' ? 'GET, HEAD' : allowed;
  return problem(
    405,
    'method-not-allowed',
    'Method not allowed',
    `${path} answers ${allow} only; this request was ${method.slice(0, 16)}.`,
    {},
    { allow },
  );
}

/**
 * The device a request speaks for: its `x-tallystick-device` header, which
 * must be a device id as intents carry them (1 to 64 of `[0-9A-Za-z._~-]`),
 * or {@link ANONYMOUS_DEVICE} when absent. Anything else (empty, a tab, a
 * repeated header, too long) is a 400 problem, never silently truncated: two
 * devices cut to one prefix would share their Idempotency-Keys.
 */
export function deviceOf(req: IncomingMessage): { ok: true; device: string } | { ok: false; reply: Reply } {
  const raw = req.headers[DEVICE_HEADER];
  if (raw === undefined) return { ok: true, device: ANONYMOUS_DEVICE };
  if (typeof raw === 'string' && isValidHlcNode(raw)) return { ok: true, device: raw };
  const shown = JSON.stringify(String(raw).slice(0, 70));
  return {
    ok: false,
    reply: problem(
      400,
      'invalid-device',
      'The device header is invalid',
      `${DEVICE_HEADER} must be 1 to 64 of [0-9A-Za-z._~-] (got ${shown}).`,
    ),
  };
}
