import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Clock, isConnectionFailure, isTallystickError, systemClock } from '@tallystick/core';
import { createReconciler, type ReconcilePolicies, type Reconciler } from '@tallystick/reconcile';
import type { ScopeQuota } from '@tallystick/replay';
import { SLOW_CLIENT_TIMEOUTS } from '@tallystick/replay/node';
import {
  createIssuer,
  encodeKeySet,
  generateIssuerKey,
  type Issuer,
  type IssuerKey,
  type VerificationKey,
} from '@tallystick/token';
import { DEFAULT_CATALOG, openingStock, type Product } from './catalog.js';
import { answerClientErrors } from './client-error.js';
import { json, problem, readJson, send } from './http.js';
import { createIntentsRoute } from './intents-route.js';
import type { ServerKeys } from './keys.js';
import { Metrics, type MetricsSnapshot } from './metrics.js';
import { issueReceiptCodes } from './receipt-codes.js';
import { createRedemptionVerifier } from './redemptions.js';
import { badTarget, methodNotAllowed, pathOf, routedMethod } from './request-checks.js';
import { createStaticHandler } from './static.js';
import { openStorage, type StorageOptions } from './storage.js';

/** Options for {@link startServer}; every one has a default. */
export interface ServerOptions {
  /** Default 0: an ephemeral port (read it from `url`). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default: PGlite in memory. */
  readonly storage?: StorageOptions;
  /** Default: a fresh signing key, and no other trusted key. */
  readonly keys?: ServerKeys;
  /** Default {@link DEFAULT_CATALOG}; its opening stock is booked at start. */
  readonly catalog?: readonly Product[];
  /** A built web app to serve for every GET that is not an API route (the PWA). */
  readonly staticDir?: string;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Lifetime of receipt codes; default 7 days. */
  readonly receiptCodeTtlMs?: number;
  /** Intents per request; default 1000. */
  readonly maxBatch?: number;
  /** Bytes per request body; default 4 MiB. */
  readonly maxBodyBytes?: number;
  /** The audience names each device answers to when redeeming; default its own id. */
  readonly audiencesOf?: (device: string) => readonly string[];
  /** Overrides of the reconciler's conflict policies. */
  readonly policies?: Partial<ReconcilePolicies>;
  /** New Idempotency-Keys per device per window; default 600 a minute. */
  readonly idempotencyQuota?: ScopeQuota;
  /** Time for a client to send its headers, then its whole request; default 10 s and 30 s. */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Time for a `POST /intents` body once its headers are in; default 10 s (then 408). */
  readonly bodyTimeoutMs?: number;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly reconciler: Reconciler;
  /** Signs receipt codes (and anything else the demo wants signed). */
  readonly issuer: Issuer;
  /** Every key redemptions are verified against, the issuer's first. */
  readonly trustedKeys: readonly VerificationKey[];
  readonly storage: string;
  /** This process's counters. */
  metrics(): MetricsSnapshot;
  /** Stops accepting connections, ends open ones and closes the storage. */
  close(): Promise<void>;
}

/**
 * Starts the reconciliation server.
 *
 * | route | what |
 * |---|---|
 * | `POST /intents` | a batch of intents, Idempotency-Key required; applied exactly once |
 * | `GET /report` | the reconciliation report (deterministic) and this process's delivery counts |
 * | `GET /health` | storage round trip; 503 when it fails |
 * | `GET /metrics` | Prometheus text: queue lag, applied, duplicates, conflicts, review backlog |
 * | `GET /products` | the catalog |
 * | `POST /receipt-codes` | signed receipt codes for a device to use offline |
 * | `GET /keys` | the public keys receipts and vouchers verify against |
 *
 * @example
 * ```ts
 * const server = await startServer({ storage: { kind: 'memory' } });
 * await fetch(`${server.url}/health`);
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const signing: IssuerKey = options.keys?.signing ?? generateIssuerKey();
  const issuer = createIssuer({ ...signing, clock });
  const trustedKeys = [
    issuer.verificationKey,
    ...(options.keys?.trusted ?? []).filter((k) => k.kid !== issuer.kid),
  ];
  const catalog = options.catalog ?? DEFAULT_CATALOG;
  const redemptions = createRedemptionVerifier({
    keys: trustedKeys,
    ...(options.audiencesOf ? { audiencesOf: options.audiencesOf } : {}),
  });
  const storage = await openStorage(options.storage ?? { kind: 'pglite' }, {
    ...(options.idempotencyQuota ? { quota: options.idempotencyQuota } : {}),
  });
  const reconciler = createReconciler({
    ledger: storage.ledger,
    verifier: redemptions,
    clock,
    ...(options.policies ? { policies: options.policies } : {}),
  });
  try {
    // Content-addressed ids: on a restart these are suppressed duplicates.
    await reconciler.apply(openingStock(catalog));
  } catch (error) {
    await storage.close();
    throw error;
  }

  const metrics = new Metrics(clock.now(), redemptions.stats);
  const ran = new WeakSet<object>();
  const intents = createIntentsRoute({
    store: storage.idempotency,
    reconciler,
    metrics,
    maxBatch: options.maxBatch ?? 1000,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    ...(options.bodyTimeoutMs ? { bodyTimeoutMs: options.bodyTimeoutMs } : {}),
    // 4 MiB bodies: 64 at once bounds buffered request memory to 256 MiB.
    maxBodiesInFlight: 64,
    now: () => clock.now(),
    ran,
  });
  const serveStatic = options.staticDir ? createStaticHandler(options.staticDir) : undefined;
  const ttlMs = options.receiptCodeTtlMs ?? 7 * 24 * 3_600_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = pathOf(req.url);
    if (path === undefined) return send(res, badTarget());
    const method = req.method ?? 'GET';
    const name = `${routedMethod(method)} ${path}`;
    const notAllowed = methodNotAllowed(method, path);
    if (notAllowed) {
      metrics.route('unknown');
      return send(res, notAllowed);
    }
    switch (name) {
      case 'POST /intents':
        metrics.route('intents');
        res.once('finish', () => {
          const ok = res.statusCode < 300;
          if (ran.has(req)) metrics.requests[ok ? 'applied' : 'refused']++;
          else metrics.requests[ok ? 'replayed' : 'refused']++;
        });
        return intents(req, res);
      case 'GET /report': {
        metrics.route('report');
        const report = await reconciler.report();
        return send(res, json(200, { report, process: metrics.snapshot() }));
      }
      case 'GET /health': {
        metrics.route('health');
        const ok = await storage.ping().then(
          () => true,
          () => false,
        );
        return send(
          res,
          json(ok ? 200 : 503, { status: ok ? 'ok' : 'storage unavailable', storage: storage.description }),
        );
      }
      case 'GET /metrics': {
        metrics.route('metrics');
        const text = metrics.render(await reconciler.report(), clock.now());
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        return void res.end(text);
      }
      case 'GET /products':
        metrics.route('products');
        return send(
          res,
          json(200, { products: catalog.map(({ stock: _, ...p }) => p) }, { 'cache-control': 'no-cache' }),
        );
      case 'GET /keys':
        metrics.route('keys');
        // The key set file format (spec section 9.1): a till loads it with decodeKeySet.
        return send(res, {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' },
          body: encodeKeySet(trustedKeys),
        });
      case 'POST /receipt-codes': {
        metrics.route('receipt-codes');
        const body = await readJson(req, 4096);
        if (!body.ok) return send(res, body.reply);
        const reply = issueReceiptCodes(issuer, body.value, ttlMs);
        if (reply.status === 201)
          metrics.receiptCodesIssued += (JSON.parse(reply.body) as { codes: [] }).codes.length;
        return send(res, reply);
      }
    }
    if ((method === 'GET' || method === 'HEAD') && serveStatic) {
      metrics.route('static');
      return serveStatic(req, res);
    }
    metrics.route('unknown');
    send(res, problem(404, 'not-found', 'No such route', `${method} ${path} is not served here.`));
  }

  // Slow clients: headers, then the whole request, must arrive in bounded time.
  const timeouts = {
    ...SLOW_CLIENT_TIMEOUTS,
    ...(options.headersTimeoutMs ? { headersTimeout: options.headersTimeoutMs } : {}),
    ...(options.requestTimeoutMs ? { requestTimeout: options.requestTimeoutMs } : {}),
  };
  const server = createServer(timeouts, (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent && unavailable(error)) {
        // The database is down or dropped the connection: say so, and when to come back.
        return send(
          res,
          problem(
            503,
            'storage-unavailable',
            'Storage is unavailable',
            'Retry shortly.',
            {},
            { 'retry-after': '1' },
          ),
        );
      }
      console.error('[reconcile-server]', error);
      if (!res.headersSent) send(res, problem(500, 'internal', 'Internal error', 'See the server log.'));
      else res.destroy();
    });
  });
  answerClientErrors(server);
  // Node answers these itself with a bare status (417) or by dropping the socket (CONNECT).
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const expect = JSON.stringify(String(req.headers.expect).slice(0, 40));
    send(
      res,
      problem(
        417,
        'expectation-failed',
        'Expectation failed',
        `Only "100-continue" is understood, not ${expect}.`,
        {},
        { connection: 'close' },
      ),
    );
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    const body = JSON.stringify({
      type: 'urn:tallystick:problem:method-not-allowed',
      title: 'Method not allowed',
      status: 405,
      detail: 'This server is not a proxy: CONNECT is not served.',
    });
    socket.on('error', () => socket.destroy());
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/problem+json\r\nconnection: close\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
  // A client may half-close (send FIN) once its request is out; without this Node ends the socket at
  // the FIN and an answer that waited on I/O (the database, a file) is lost. Node's own property.
  (server as { httpAllowHalfOpen?: boolean }).httpAllowHalfOpen = true;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    reconciler,
    issuer,
    trustedKeys,
    storage: storage.description,
    metrics: () => metrics.snapshot(),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await storage.close();
      })();
      return closing;
    },
  };
}

function unavailable(error: unknown): boolean {
  return isConnectionFailure(error) || isTallystickError(error, 'ERR_SERVICE_UNAVAILABLE');
}
