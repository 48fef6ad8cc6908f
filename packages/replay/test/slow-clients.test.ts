/**
 * Slow clients against the Node wrapper, over raw sockets: a body that
 * stalls or dribbles gets 408 at its deadline and the connection closes;
 * past `maxBodiesInFlight` a request gets 503 with Retry-After before its
 * body is read, and once the stalled ones time out the server serves again;
 * headers that never finish are cut by the server's own timeouts.
 */
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { TallystickError } from '@tallystick/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memory.js';
import { type NodeIdempotencyOptions, SLOW_CLIENT_TIMEOUTS, withIdempotency } from '../src/node.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  options: Partial<NodeIdempotencyOptions>,
  handler = async () => ({ status: 201, headers: {}, body: 'sold' }),
  serverOptions: Parameters<typeof createServer>[0] = {},
): Promise<number> {
  const server = createServer(
    serverOptions,
    withIdempotency({ store: createMemoryStore(), scope: () => 'till-1', ...options }, handler),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** Opens a socket, sends `head` (and a Content-Length body promise), and collects what comes back until close. */
function rawRequest(
  port: number,
  head: string,
): { socket: net.Socket; reply: Promise<{ text: string; ms: number }> } {
  const socket = net.connect(port, '127.0.0.1');
  const started = performance.now();
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => undefined);
  socket.write(head);
  const reply = new Promise<{ text: string; ms: number }>((resolve) =>
    socket.on('close', () => resolve({ text, ms: performance.now() - started })),
  );
  return { socket, reply };
}

const head = (key: string, length = 20) =>
  `POST /sales HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  it('answers 408 and closes the connection when a body stalls after the headers', async () => {
    const port = await serve({ bodyTimeoutMs: 300 });
    const { reply } = rawRequest(port, `${head('stall')}{"amo`);
    const { text, ms } = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('urn:tallystick:problem:body-timeout');
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(3_000);
  });

  it('answers 408 at the deadline however steadily a body dribbles', async () => {
    const port = await serve({ bodyTimeoutMs: 400 });
    const { socket, reply } = rawRequest(port, head('dribble', 1_000));
    const drip = setInterval(() => socket.writable && socket.write(' '), 50);
    const { text, ms } = await reply;
    clearInterval(drip);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3_000);
  });

  it('refuses past maxBodiesInFlight with 503 + Retry-After, unread, and serves again once the stalled ones end', async () => {
    let runs = 0;
    const port = await serve({ bodyTimeoutMs: 500, maxBodiesInFlight: 2, retryAfterSeconds: 3 }, async () => {
      runs++;
      return { status: 201, headers: {}, body: 'sold' };
    });
    const stalled = [rawRequest(port, head('s1')), rawRequest(port, head('s2'))];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await fetch(`http://127.0.0.1:${port}/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'busy' },
      body: '{"amount":1}',
    });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('3');
    expect(runs).toBe(0);
    for (const { reply } of stalled) expect((await reply).text).toMatch(/^HTTP\/1\.1 408 /);
    const after = await fetch(`http://127.0.0.1:${port}/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'busy' },
      body: '{"amount":1}',
    });
    expect(after.status).toBe(201);
    expect(runs).toBe(1);
  });

  it('cuts headers that never finish through the server timeouts it documents', async () => {
    expect(SLOW_CLIENT_TIMEOUTS.headersTimeout).toBeLessThanOrEqual(SLOW_CLIENT_TIMEOUTS.requestTimeout);
    const port = await serve({}, undefined, {
      ...SLOW_CLIENT_TIMEOUTS,
      headersTimeout: 300,
      requestTimeout: 600,
      connectionsCheckingInterval: 50,
    });
    const { reply } = rawRequest(port, 'POST /sales HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k');
    const { text, ms } = await reply;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(3_000);
  });

  it('answers 503 + Retry-After, not 500, when the handler fails because a dependency is down', async () => {
    const port = await serve({ retryAfterSeconds: 2 }, async () => {
      throw new TallystickError('ERR_SERVICE_UNAVAILABLE', 'ledger down');
    });
    const response = await fetch(`http://127.0.0.1:${port}/sales`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'down' },
      body: '{"amount":1}',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses out-of-range limits', () => {
    const store = createMemoryStore();
    const make = (extra: object) => () =>
      withIdempotency({ store, scope: () => 's', ...extra }, async () => ({
        status: 200,
        headers: {},
        body: '',
      }));
    expect(make({ bodyTimeoutMs: 0 })).toThrow(RangeError);
    expect(make({ maxBodiesInFlight: 1.5 })).toThrow(RangeError);
  });
});
