import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSender, parseRetryAfter } from '../src/http.js';
import { classifyHttpStatus } from '../src/index.js';
import type { QueuedIntent } from '../src/types.js';
import { envelope } from './helpers.js';

let server: Server;
let url = '';
const received: { key: string | undefined; body: unknown; path: string }[] = [];
let answer: (body: { payload: { status: number; retryAfter?: string; hang?: boolean } }) => {
  status: number;
  headers?: Record<string, string>;
  hang?: boolean;
  body?: string;
} = () => ({ status: 200 });

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text);
    received.push({ key: req.headers['idempotency-key'] as string | undefined, body, path: req.url ?? '' });
    const a = answer(body);
    if (a.hang) return;
    res.writeHead(a.status, a.headers);
    res.end(a.body ?? '{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/intents`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function queued(payload: Record<string, unknown>, partitionKey?: string, seq = 1): QueuedIntent {
  return {
    intent: envelope(payload, partitionKey),
    seq,
    status: 'inflight',
    attempts: 1,
    enqueuedAt: 0,
    nextAttemptAt: 0,
  };
}

describe('classifyHttpStatus', () => {
  it('treats only 2xx as delivered', () => {
    for (let s = 100; s < 600; s++) {
      expect(classifyHttpStatus(s) === 'acked').toBe(s >= 200 && s < 300);
    }
    expect([408, 409, 425, 429, 500, 503].map(classifyHttpStatus)).toEqual(Array(6).fill('retry'));
    expect([301, 400, 401, 404, 422].map(classifyHttpStatus)).toEqual(Array(5).fill('permanent'));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('createHttpSender', () => {
  it('posts each envelope with its id as Idempotency-Key and maps statuses to outcomes', async () => {
    received.length = 0;
    answer = (b) => ({
      status: b.payload.status,
      ...(b.payload.retryAfter ? { headers: { 'retry-after': b.payload.retryAfter } } : {}),
    });
    const send = createHttpSender({ url, headers: { authorization: 'Bearer t' } });
    const batch = [
      queued({ status: 201 }),
      queued({ status: 503, retryAfter: '7' }),
      queued({ status: 422 }),
    ];
    const outcomes = await send(batch);
    expect(outcomes).toEqual([
      { status: 'acked' },
      { status: 'retry', error: 'HTTP 503', retryAfterMs: 7000 },
      { status: 'permanent', error: 'HTTP 422' },
    ]);
    expect(received.map((r) => r.key).sort()).toEqual(batch.map((q) => q.intent.id).sort());
    expect(received.map((r) => r.body)).toEqual(expect.arrayContaining(batch.map((q) => q.intent)));
  });

  it('sends a partition in order and skips the rest of it after a failure', async () => {
    received.length = 0;
    answer = (b) => ({ status: b.payload.status });
    const send = createHttpSender({ url, concurrency: 4 });
    const batch = [
      queued({ status: 200, i: 0 }, 'p'),
      queued({ status: 500, i: 1 }, 'p'),
      queued({ status: 200, i: 2 }, 'p'),
      queued({ status: 200, i: 3 }, 'q'),
    ];
    const outcomes = await send(batch);
    expect(outcomes.map((o) => o.status)).toEqual(['acked', 'retry', 'skipped', 'acked']);
    const pOrder = received.filter((r) => (r.body as { partitionKey?: string }).partitionKey === 'p');
    expect(pOrder.map((r) => (r.body as { payload: { i: number } }).payload.i)).toEqual([0, 1]);
  });

  it('counts a refused connection and a timeout as retryable, never as delivered', async () => {
    const refused = createHttpSender({ url: 'http://127.0.0.1:1/intents' });
    const [r1] = await refused([queued({ status: 200 })]);
    expect(r1).toMatchObject({ status: 'retry', error: expect.stringMatching(/network error/) });
    answer = () => ({ status: 200, hang: true });
    const slow = createHttpSender({ url, timeoutMs: 50 });
    const [r2] = await slow([queued({ status: 200 })]);
    expect(r2).toMatchObject({ status: 'retry' });
  });

  it('checks its options', () => {
    expect(() => createHttpSender({ url: 5 as never })).toThrow(TypeError);
    expect(() => createHttpSender({ url, timeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('the status table', () => {
  it('is the one in core, so the sender retries exactly what replay does not store', async () => {
    const core = await import('@tallystick/core');
    expect(classifyHttpStatus).toBe(core.classifyHttpStatus);
    for (let s = 100; s < 600; s++) expect(classifyHttpStatus(s) === 'retry').toBe(core.isRetryableStatus(s));
  });
});

describe('createHttpSender: why a refusal was refused', () => {
  const problem = (members: Record<string, unknown>) => ({
    status: 422,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(members),
  });
  const errorOf = async (reply: ReturnType<typeof answer>) => {
    answer = () => reply;
    const [outcome] = await createHttpSender({ url })([queued({ status: 0 })]);
    return outcome as { status: string; error?: string };
  };

  it('carries a problem+json type, title and detail into the outcome error', async () => {
    const outcome = await errorOf(
      problem({
        type: 'urn:tallystick:problem:invalid-payload',
        title: 'Invalid payload',
        status: 422,
        detail: 'quantity must be at least 1',
      }),
    );
    expect(outcome).toEqual({
      status: 'permanent',
      error: 'HTTP 422 invalid-payload: Invalid payload (quantity must be at least 1)',
    });
  });

  it('reads plain JSON errors too, and says so when the body names another status', async () => {
    const outcome = await errorOf({
      status: 503,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ title: 'Ledger unavailable', status: 500 }),
    });
    expect(outcome).toEqual({ status: 'retry', error: 'HTTP 503: Ledger unavailable (body says 500)' });
  });

  it('keeps the bare status for bodies that are not JSON, not objects, too large or cut', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(5000) });
    for (const reply of [
      { status: 500, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' },
      { status: 400, headers: { 'content-type': 'application/json' }, body: '["a"]' },
      { status: 400, headers: { 'content-type': 'application/json' }, body: '{"title": ' },
      { status: 400, headers: { 'content-type': 'application/problem+json' }, body: big },
      // Chunked (no content-length): the reader stops at 4 KiB all the same.
      {
        status: 400,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: big,
      },
    ]) {
      expect((await errorOf(reply)).error).toBe(`HTTP ${reply.status}`);
    }
  });

  it('strips control characters and cuts long members, so lastError cannot forge log lines', async () => {
    const outcome = await errorOf(problem({ title: 'bad\nFAKE LOG LINE\u0000', detail: 'y'.repeat(1000) }));
    expect(outcome.error).toMatch(/^HTTP 422: bad FAKE LOG LINE \(y{300}…\)$/);
  });
});
