/**
 * What the HTTP sender does with hostile or broken answers: a redirect is
 * never taken for a delivery (fetch would turn the POST into a GET and call
 * the GET's 200 an ack, losing the intent), `Retry-After` is read strictly
 * (garbage is ignored, never turned into a date), and a huge answer body is
 * not buffered whole on the till.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpSender, parseRetryAfter } from '../src/http.js';
import type { QueuedIntent } from '../src/types.js';
import { envelope } from './helpers.js';

let server: Server;
let base = '';
const posted: string[] = [];
beforeAll(async () => {
  server = createServer(async (req, res) => {
    for await (const _ of req);
    if (req.method === 'POST') posted.push(req.url ?? '');
    const path = req.url ?? '';
    const redirect = /^\/redirect\/(\d{3})$/.exec(path);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { location: '/landing' });
      return void res.end();
    }
    if (path === '/landing') {
      // A page that answers any method: a GET after a 301/302/303 gets its 200.
      res.writeHead(200);
      return void res.end('ok');
    }
    if (path === '/huge') {
      // 64 MiB of body behind a 201: the sender must not hold it all.
      res.writeHead(201, { 'content-length': String(64 * 1024 * 1024) });
      const chunk = Buffer.alloc(1024 * 1024, 120);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = 64));
      return pump();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function queued(): QueuedIntent {
  return {
    intent: envelope({ n: 1 }),
    seq: 1,
    status: 'inflight',
    attempts: 1,
    enqueuedAt: 0,
    nextAttemptAt: 0,
  };
}

describe('http sender: a redirect is never a delivery', () => {
  it.each([301, 302, 303, 307, 308])('%i is not acked and the intent is not dropped', async (status) => {
    posted.length = 0;
    const send = createHttpSender({ url: `${base}/redirect/${status}`, timeoutMs: 5_000 });
    const [outcome] = await send([queued()]);
    expect(outcome!.status).not.toBe('acked');
    expect(outcome).toMatchObject({ status: 'permanent', error: expect.stringContaining(`HTTP ${status}`) });
    // Nothing followed the redirect on the sender's behalf.
    expect(posted).toEqual([`/redirect/${status}`]);
  });
});

describe('http sender: Retry-After is read strictly', () => {
  const now = Date.UTC(2026, 0, 1);
  it('reads the three HTTP-date forms and delay-seconds', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu Jan  1 00:00:30 2026', now)).toBe(30_000);
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('takes a date in the past as "now"', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
  });
  it('ignores what is neither: negative, fractional, signed, words, loose dates', () => {
    for (const bad of [
      '-5',
      '+5',
      '1.5',
      '1e3',
      '0x10',
      'Infinity',
      'NaN',
      '',
      'soon 2030',
      'Friday 3000',
      '2026-01-01T00:00:30Z',
      'Thu, 01 Jan 2026 00:00:30 PST',
      'Thu, 32 Jan 2026 00:00:30 GMT',
      'Thu, 01 Jan 2026 25:00:30 GMT',
      'Thu, 01 Jan 2026 00:00:30 GMT garbage',
    ]) {
      expect(parseRetryAfter(bad, now), JSON.stringify(bad)).toBeUndefined();
    }
  });
  it('law: total, and any answer is a finite delay from 0 up', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 42 }), (text, at) => {
        const ms = parseRetryAfter(text, at);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
      { numRuns: 2_000 },
    );
    expect(Number.isFinite(parseRetryAfter('9'.repeat(400), 0)!)).toBe(true);
  });
});

describe('http sender: a caller callback that throws', () => {
  it('fails only its own intent (retry), never the whole send, and the others keep their outcomes', async () => {
    const good = queued();
    const bad = { ...queued(), seq: 2, intent: { ...queued().intent, partitionKey: 'other' } };
    const send = createHttpSender({
      url: `${base}/landing`,
      headers: (q) => {
        if (q === bad) throw new Error('no token for this till');
        return {};
      },
    });
    const outcomes = await send([good, bad]);
    expect(outcomes[0]).toEqual({ status: 'acked' });
    expect(outcomes[1]).toMatchObject({
      status: 'retry',
      error: expect.stringContaining('no token for this till'),
    });
  });
});

describe('http sender: answer bodies', () => {
  it('acks a 2xx without buffering a 64 MiB answer body', async () => {
    const send = createHttpSender({ url: `${base}/huge`, timeoutMs: 5_000 });
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    const [outcome] = await send([queued()]);
    expect(outcome).toEqual({ status: 'acked' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});
