/**
 * The reconcile server against slow clients over raw sockets: headers that
 * never finish and an intents body that stalls are both cut in bounded time,
 * and the server keeps answering everyone else meanwhile.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';

function raw(port: number, text: string): Promise<{ reply: string; ms: number }> {
  const socket = net.connect(port, '127.0.0.1');
  const started = performance.now();
  let reply = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    reply += chunk;
  });
  socket.on('error', () => undefined);
  socket.write(text);
  return new Promise((resolve) =>
    socket.on('close', () => resolve({ reply, ms: performance.now() - started })),
  );
}

describe('reconcile server and slow clients', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      storage: { kind: 'memory' },
      headersTimeoutMs: 400,
      requestTimeoutMs: 800,
      bodyTimeoutMs: 300,
    });
  });
  afterAll(() => server.close());

  it('cuts headers that never finish, and a stalled intents body with 408, while serving others', async () => {
    const headers = raw(server.port, 'POST /intents HTTP/1.1\r\nHost: x\r\nIdempotency-Key: k');
    const body = raw(
      server.port,
      'POST /intents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: k2\r\nContent-Length: 100\r\n\r\n{"intents":',
    );
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const stalledBody = await body;
    expect(stalledBody.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(stalledBody.ms).toBeLessThan(3_000);
    const stalledHeaders = await headers;
    expect(stalledHeaders.reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(stalledHeaders.ms).toBeLessThan(5_000);
  });
});
