/**
 * The HTTP semantics (draft-ietf-httpapi-idempotency-key-header) every
 * integration must show: the Node wrapper and the Hono middleware both run it.
 */
import { type JsonValue, TallystickError } from '@tallystick/core';
import { describe, expect, it } from 'vitest';
import type { IdempotencyHttpOptions, IdempotencyStore, StoredResponse } from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';
import { problemResponse } from '../src/problem.js';

export type Handler = (body: JsonValue | undefined) => Promise<StoredResponse>;

export interface AppUnderTest {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Builds an app whose scope is the `x-tenant` header and whose every route runs `handler`. */
export type MakeApp = (
  store: IdempotencyStore,
  handler: Handler,
  options?: Omit<IdempotencyHttpOptions, 'store'>,
) => Promise<AppUnderTest>;

/** Delegates to a real store and counts the calls that reach it. */
export function countingStore(
  inner: IdempotencyStore = createMemoryStore(),
): IdempotencyStore & { calls: number } {
  const counted = {
    calls: 0,
    claim(...args: Parameters<IdempotencyStore['claim']>) {
      counted.calls++;
      return inner.claim(...args);
    },
    complete(...args: Parameters<IdempotencyStore['complete']>) {
      counted.calls++;
      return inner.complete(...args);
    },
    release(...args: Parameters<IdempotencyStore['release']>) {
      counted.calls++;
      return inner.release(...args);
    },
  };
  return counted;
}

export function post(
  key: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function counter() {
  const state = { runs: 0 };
  const handler: Handler = async (body) => {
    state.runs++;
    return {
      status: 201,
      headers: {
        'content-type': 'application/json',
        location: `/sales/${state.runs}`,
        'x-trace': 'first-only',
      },
      body: JSON.stringify({ run: state.runs, body: body ?? null }),
    };
  };
  return { state, handler };
}

async function problem(response: Response): Promise<{ type: string; status: number; title: string }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as { type: string; status: number; title: string };
  expect(body.status).toBe(response.status);
  expect(typeof body.title).toBe('string');
  return body;
}

export function httpContract(name: string, makeApp: MakeApp): void {
  describe(`HTTP idempotency contract: ${name}`, () => {
    it('replays the stored status, headers and body on a retry after completion', async () => {
      const { state, handler } = counter();
      const app = await makeApp(createMemoryStore(), handler);
      const first = await app.fetch('/sales', post('k-1', { amount: 1250 }));
      expect(first.status).toBe(201);
      expect(first.headers.get('x-trace')).toBe('first-only');
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const firstBody = await first.text();
      const again = await app.fetch('/sales', post('"k-1"', { amount: 1250 })); // sf-string form, same key
      expect(again.status).toBe(201);
      expect(await again.text()).toBe(firstBody);
      expect(again.headers.get('content-type')).toBe('application/json');
      expect(again.headers.get('location')).toBe('/sales/1');
      expect(again.headers.get('x-trace')).toBeNull(); // only replayHeaders are stored
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(state.runs).toBe(1);
      await app.close();
    });

    it('32 concurrent identical requests: one runs, 31 get 409 with Retry-After', async () => {
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const { state, handler } = counter();
      const app = await makeApp(createMemoryStore(), async (body) => {
        await gate;
        return handler(body);
      });
      const pending = Array.from({ length: 32 }, () => app.fetch('/sales', post('burst', { amount: 5 })));
      const settled: Response[] = [];
      // Every request but the one holding the key answers while the handler waits at the gate.
      await new Promise<void>((resolve) => {
        for (const p of pending)
          p.then((r) => {
            settled.push(r);
            if (settled.length === 31) resolve();
          });
      });
      for (const r of settled) {
        expect(r.status).toBe(409);
        expect(r.headers.get('retry-after')).toBe('1');
        expect((await problem(r)).type).toBe('urn:tallystick:problem:idempotency-key-in-flight');
      }
      open();
      const all = await Promise.all(pending);
      expect(all.filter((r) => r.status === 201)).toHaveLength(1);
      expect(state.runs).toBe(1);
      const replay = await app.fetch('/sales', post('burst', { amount: 5 }));
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      await app.close();
    });

    it('answers 422 for the same key with a different payload or path, during and after', async () => {
      const { state, handler } = counter();
      const app = await makeApp(createMemoryStore(), handler);
      await app.fetch('/sales', post('k', { amount: 1 }));
      for (const [path, body] of [
        ['/sales', { amount: 2 }],
        ['/refunds', { amount: 1 }],
      ] as const) {
        const r = await app.fetch(path, post('k', body));
        expect(r.status).toBe(422);
        expect((await problem(r)).type).toBe('urn:tallystick:problem:idempotency-key-reused');
      }
      expect(state.runs).toBe(1);
      await app.close();
    });

    it('refuses a missing key with 400 where required, and lets it through unprotected where not', async () => {
      const store = countingStore();
      const { state, handler } = counter();
      const app = await makeApp(store, handler);
      const r = await app.fetch('/sales', post(undefined, { amount: 1 }));
      expect(r.status).toBe(400);
      expect((await problem(r)).type).toBe('urn:tallystick:problem:idempotency-key-missing');
      expect(store.calls).toBe(0);
      expect((await app.fetch('/sales', { method: 'GET' })).status).toBe(201); // GET is not protected
      await app.close();

      const optional = await makeApp(store, handler, { required: false });
      await optional.fetch('/sales', post(undefined, { amount: 1 }));
      await optional.fetch('/sales', post(undefined, { amount: 1 }));
      expect(state.runs).toBe(3);
      expect(store.calls).toBe(0);
      await optional.close();
    });

    it('refuses malformed keys, invalid scopes, oversize bodies, bodies not sent as JSON and invalid JSON with a 4xx problem, store untouched', async () => {
      const store = countingStore();
      const { state, handler } = counter();
      const app = await makeApp(store, handler, { maxBodyBytes: 64 });
      const cases: [RequestInit, number, string][] = [
        [post('k'.repeat(256), {}), 400, 'idempotency-key-invalid'],
        [post('has space', {}), 400, 'idempotency-key-invalid'],
        [post('"unterminated', {}), 400, 'idempotency-key-invalid'],
        [post('', {}), 400, 'idempotency-key-invalid'],
        [post('k', { pad: 'x'.repeat(100) }), 413, 'body-too-large'],
        [post('k', '{"amount": 12'), 400, 'invalid-json'],
        [post('k', '"\\ud800"'), 400, 'invalid-json'],
        [{ ...post('k', ''), body: new Uint8Array([0x7b, 0xff, 0x7d]) }, 400, 'invalid-json'],
        [post('k', {}, { 'content-type': 'text/plain' }), 415, 'unsupported-media-type'],
        [
          post('k', {}, { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
          'unsupported-media-type',
        ],
        [post('k', {}, { 'x-tenant': '' }), 400, 'scope-invalid'],
        [post('k', {}, { 'x-tenant': 'a\tb' }), 400, 'scope-invalid'],
        [post('k', {}, { 'x-tenant': 't'.repeat(256) }), 400, 'scope-invalid'],
      ];
      for (const [init, status, type] of cases) {
        const r = await app.fetch('/sales', init);
        expect(r.status).toBe(status);
        expect((await problem(r)).type).toBe(`urn:tallystick:problem:${type}`);
      }
      // A body with no Content-Length (chunked) is cut off at the limit too.
      const chunks = [new TextEncoder().encode('{"pad":"'), new TextEncoder().encode(`${'y'.repeat(80)}"}`)];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const chunked = await app.fetch('/sales', {
        ...post('k', ''),
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(store.calls).toBe(0);
      expect(state.runs).toBe(0);
      await app.close();
    });

    it('refuses what validate refuses before the store, so the corrected request reuses the key', async () => {
      const store = countingStore();
      const { state, handler } = counter();
      const app = await makeApp(store, handler, {
        validate: (body) =>
          Array.isArray((body as { items?: unknown })?.items) &&
          (body as { items: unknown[] }).items.every((i) => i !== null && typeof i === 'object')
            ? undefined
            : problemResponse('invalid-json', 'items must be an array of objects'),
      });
      const refused = await app.fetch('/orders', post('order-1', { items: [{ sku: 'a' }, null] }));
      expect(refused.status).toBe(400);
      expect((await problem(refused)).type).toBe('urn:tallystick:problem:invalid-json');
      expect([store.calls, state.runs]).toEqual([0, 0]);
      const corrected = await app.fetch('/orders', post('order-1', { items: [{ sku: 'a' }] }));
      expect(corrected.status).toBe(201);
      expect(state.runs).toBe(1);
      await app.close();
    });

    it('stores a definitive error like a response, and frees the key after a retryable one', async () => {
      let runs = 0;
      const statuses = [402, 503];
      const app = await makeApp(createMemoryStore(), async () => {
        runs++;
        return {
          status: statuses.shift() ?? 201,
          headers: { 'content-type': 'text/plain' },
          body: `run ${runs}`,
        };
      });
      expect((await app.fetch('/pay', post('declined', {}))).status).toBe(402);
      const replay = await app.fetch('/pay', post('declined', {}));
      expect([replay.status, await replay.text()]).toEqual([402, 'run 1']);
      expect((await app.fetch('/pay', post('busy', {}))).status).toBe(503);
      expect((await app.fetch('/pay', post('busy', {}))).status).toBe(201);
      expect(runs).toBe(3);
      await app.close();
    });

    it('answers 500 when the handler throws, and frees the key so a retry runs it', async () => {
      let runs = 0;
      const app = await makeApp(createMemoryStore(), async () => {
        runs++;
        if (runs === 1) throw new Error('database unreachable');
        return { status: 201, headers: {}, body: 'ok' };
      });
      expect((await app.fetch('/sales', post('k', {}))).status).toBe(500);
      expect((await app.fetch('/sales', post('k', {}))).status).toBe(201);
      expect(runs).toBe(2);
      await app.close();
    });

    it('answers 503 with Retry-After when the store fails, without running the handler', async () => {
      const store = createMemoryStore({ maxEntries: 1 });
      const { state, handler } = counter();
      const app = await makeApp(store, handler);
      await app.fetch('/sales', post('a', {}));
      const r = await app.fetch('/sales', post('b', {}));
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('1');
      expect((await problem(r)).type).toBe('urn:tallystick:problem:idempotency-store-unavailable');
      expect(state.runs).toBe(1);
      await app.close();
    });

    it('scopes keys per tenant, and fingerprints only the selected fields', async () => {
      const { state, handler } = counter();
      const app = await makeApp(createMemoryStore(), handler, { fields: ['amount'] });
      await app.fetch('/sales', post('same', { amount: 1, sentAt: 1 }, { 'x-tenant': 'a' }));
      await app.fetch('/sales', post('same', { amount: 1, sentAt: 1 }, { 'x-tenant': 'b' }));
      expect(state.runs).toBe(2);
      const retry = await app.fetch('/sales', post('same', { amount: 1, sentAt: 2 }, { 'x-tenant': 'a' }));
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect((await app.fetch('/sales', post('same', [1], { 'x-tenant': 'a' }))).status).toBe(400);
      expect(state.runs).toBe(2);
      await app.close();
    });

    it('answers 429 with Retry-After past a tenant’s key quota, stores nothing, and serves other tenants and replays', async () => {
      const { state, handler } = counter();
      const store = createMemoryStore({ quota: { maxKeys: 2, windowMs: 60_000 } });
      const app = await makeApp(store, handler);
      expect((await app.fetch('/sales', post('q-1', { amount: 1 }, { 'x-tenant': 'flood' }))).status).toBe(
        201,
      );
      expect((await app.fetch('/sales', post('q-2', { amount: 1 }, { 'x-tenant': 'flood' }))).status).toBe(
        201,
      );
      const over = await app.fetch('/sales', post('q-3', { amount: 1 }, { 'x-tenant': 'flood' }));
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await problem(over)).type).toBe('urn:tallystick:problem:idempotency-quota-exceeded');
      const replay = await app.fetch('/sales', post('q-1', { amount: 1 }, { 'x-tenant': 'flood' }));
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await app.fetch('/sales', post('q-3', { amount: 1 }, { 'x-tenant': 'till' }))).status).toBe(
        201,
      );
      expect(state.runs).toBe(3);
      expect(store.size).toBe(3);
      await app.close();
    });

    it('answers 503 + Retry-After when the handler’s dependency is down, and runs it again on the retry', async () => {
      let down = true;
      let runs = 0;
      const app = await makeApp(
        createMemoryStore(),
        async () => {
          runs++;
          if (down) throw new TallystickError('ERR_SERVICE_UNAVAILABLE', 'ledger unreachable');
          return { status: 201, headers: {}, body: 'sold' };
        },
        { retryAfterSeconds: 2 },
      );
      const during = await app.fetch('/sales', post('dep', { amount: 1 }));
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('2');
      expect((await problem(during)).type).toBe('urn:tallystick:problem:service-unavailable');
      down = false;
      expect((await app.fetch('/sales', post('dep', { amount: 1 }))).status).toBe(201);
      expect(runs).toBe(2);
      await app.close();
    });

    it('does not keep a refusal: a 400 or 401 from the handler frees the key, a 422 is stored', async () => {
      const store = createMemoryStore();
      let status = 400;
      let runs = 0;
      const app = await makeApp(store, async () => {
        runs++;
        return { status, headers: { 'content-type': 'application/problem+json' }, body: '{}' };
      });
      for (const refused of [400, 401, 403]) {
        status = refused;
        expect((await app.fetch('/sales', post(`r-${refused}`, { amount: 1 }))).status).toBe(refused);
        expect(
          (await app.fetch('/sales', post(`r-${refused}`, { amount: 1 }))).headers.get('idempotent-replayed'),
        ).toBeNull();
      }
      expect(runs).toBe(6);
      expect(store.size).toBe(0);
      status = 422;
      await app.fetch('/sales', post('r-422', { amount: 1 }));
      expect(
        (await app.fetch('/sales', post('r-422', { amount: 1 }))).headers.get('idempotent-replayed'),
      ).toBe('true');
      expect(runs).toBe(7);
      await app.close();
    });
  });
}
