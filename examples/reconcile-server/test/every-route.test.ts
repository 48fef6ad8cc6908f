/**
 * Every route of the reconcile server, not only `POST /intents`, against
 * requests that can never succeed: each gets a 4xx `application/problem+json`
 * (static files included), HEAD is served wherever GET is, an `Expect` the
 * server does not know is a 417 problem, a body with a content coding is a
 * 415 on every route that reads one, and a client that half-closes after
 * its request (sends FIN, as `sendRawRequest` does) still gets its answer
 * from routes that wait on real I/O. Last, the server as a child process
 * (`src/main.ts`, what `npm start` runs) outlives all of it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { problemViolation, type RawRequest, sendRawRequest } from '@tallystick/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { API_ROUTES } from '../src/request-checks.js';

const here = dirname(fileURLToPath(import.meta.url));

function req(method: string, path: string, headers: [string, string][] = [], body = ''): RawRequest {
  return { method, path, headers, body: new Uint8Array(Buffer.from(body)) };
}

let server: RunningServer;
let port = 0;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reconcile-static-'));
  writeFileSync(join(dir, 'index.html'), '<h1>till</h1>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {};');
  server = await startServer({ storage: { kind: 'memory' }, staticDir: dir, maxBodyBytes: 65_536 });
  port = server.port;
}, 60_000);
afterAll(() => server?.close());

describe('static files answer refusals as problems', () => {
  it.each(['/missing.js', '/assets/missing.css', '/%00.js', '/..%2f..%2fetc%2fpasswd.txt'])(
    'GET %s is a 404 problem+json',
    async (path) => {
      const answer = await sendRawRequest(port, req('GET', path));
      expect(problemViolation(answer)).toBeUndefined();
      expect(answer.status).toBe(404);
    },
  );
});

describe('HEAD is served wherever GET is', () => {
  it.each(Object.entries(API_ROUTES).filter(([, m]) => m === 'GET'))('HEAD %s', async (path) => {
    const head = await sendRawRequest(port, req('HEAD', path));
    const get = await sendRawRequest(port, req('GET', path));
    expect(head.status).toBe(get.status);
    expect(head.body).toBe('');
  });
  it('405 names HEAD in Allow for a GET route', async () => {
    const answer = await sendRawRequest(port, req('DELETE', '/health'));
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
  });
});

describe('a client that half-closes after its request still gets the answer', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/assets/app.js'],
    ['GET', '/report'],
    ['GET', '/metrics'],
    ['GET', '/health'],
  ])('%s %s', async (method, path) => {
    const answer = await sendRawRequest(port, req(method, path));
    expect(answer.status).toBe(200);
  });
});

describe('Expect and Content-Encoding on every route that reads a body', () => {
  it('an Expect other than 100-continue is a 417 problem', async () => {
    for (const path of Object.keys(API_ROUTES)) {
      const answer = await sendRawRequest(port, req('POST', path, [['Expect', 'teapot']], '{}'));
      expect(problemViolation(answer), path).toBeUndefined();
      expect(answer.status).toBe(417);
    }
  });
  it('POST /receipt-codes with a gzip or br body is a 415 problem', async () => {
    const plain = JSON.stringify({ device: 'till-1', count: 1 });
    for (const [coding, body] of [
      ['gzip', gzipSync(plain)],
      ['br', Buffer.from(plain)],
    ] as const) {
      const answer = await sendRawRequest(port, {
        method: 'POST',
        path: '/receipt-codes',
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', coding],
        ],
        body: new Uint8Array(body),
      });
      expect(problemViolation(answer), coding).toBeUndefined();
      expect(answer.status).toBe(415);
    }
  });
});

// One defect each, on any route: a 4xx problem+json, and the server still answers /health.
const defects: fc.Arbitrary<(path: string, method: string) => RawRequest>[] = [
  fc
    .constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND')
    .map((wrong) => (path: string) => req(wrong, path)),
  fc.constant((path: string, method: string) =>
    req(method === 'GET' ? 'POST' : 'GET', path, [['Content-Type', 'application/json']], '{}'),
  ),
  fc.constantFrom('gzip', 'br', 'deflate', 'x-y').map(
    (coding) => (path: string, method: string) =>
      req(
        method,
        path,
        [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', coding],
          ['Idempotency-Key', `coding-${coding}`],
        ],
        '{"device":"till-1"}',
      ),
  ),
];

describe('law: every API route refuses bad requests with a problem and stays up', () => {
  it('holds for 120 generated requests', async () => {
    const routes = Object.entries(API_ROUTES);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(...defects), async ([path, method], make) => {
        const request = make(path, method);
        if (request.method === method && request.headers.length === 0) return; // not a defect
        const answer = await sendRawRequest(port, request);
        // A POST route with a coding never reaches the handler; a GET route ignores bodies it does not read.
        if (method === 'GET' && request.method === 'GET') return;
        expect(problemViolation(answer), `${request.method} ${path}`).toBeUndefined();
      }),
      { numRuns: 120 },
    );
    expect((await sendRawRequest(port, req('GET', '/health'))).status).toBe(200);
  }, 60_000);
});

describe('the server process outlives hostile clients', () => {
  it('main.ts keeps serving after aborted bodies, resets and junk, with no unhandled error', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tallystick/source', join(here, '..', 'src', 'main.ts')],
      { env: { ...process.env, PORT: '0', DATABASE_URL: 'memory' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line: ${out} ${err}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const childPort = Number(new URL(url).port);
      const { connect } = await import('node:net');
      // Bodies cut off mid-way, on both body-reading routes, then a reset.
      for (const path of ['/intents', '/receipt-codes']) {
        for (let i = 0; i < 20; i++) {
          await new Promise<void>((resolve) => {
            const socket = connect(childPort, '127.0.0.1', () => {
              socket.write(
                `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: cut-${i}\r\nContent-Length: 1000\r\n\r\n{"intents":[`,
              );
              setTimeout(() => (i % 2 ? socket.resetAndDestroy() : socket.destroy()), 5);
            });
            socket.on('error', () => undefined);
            socket.on('close', () => resolve());
          });
        }
      }
      for (const junk of [
        '\x16\x03\x01\x00\xa5',
        'GET / HTTP/9.9\r\n\r\n',
        'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
      ]) {
        await new Promise<void>((resolve) => {
          const socket = connect(childPort, '127.0.0.1', () => socket.end(Buffer.from(junk, 'latin1')));
          // Read the answer, or the socket never sees its end and never closes.
          socket.resume();
          socket.on('error', () => undefined);
          socket.on('close', () => resolve());
        });
      }
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(child.exitCode).toBeNull();
      expect(err).not.toMatch(/unhandled|uncaught/i);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
