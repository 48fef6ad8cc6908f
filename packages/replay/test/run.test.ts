import { PGlite } from '@electric-sql/pglite';
import { createManualClock, isTallystickError } from '@tallystick/core';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  type IdempotentOutcome,
  runIdempotent,
  type StoredResponse,
  scopedKey,
} from '../src/index.js';
import { createMemoryStore } from '../src/memory.js';
import { createPostgresStore } from '../src/postgres.js';

const pgUp = await serviceAvailable('postgres');
const FP = fingerprint({ amount: 1250 });
const SOLD: StoredResponse = { status: 201, headers: { 'content-type': 'text/plain' }, body: 'sold' };

describe('runIdempotent', () => {
  it('runs the handler once, then replays its response', async () => {
    const store = createMemoryStore();
    const key = scopedKey('m', 'k');
    let runs = 0;
    const handler = async () => {
      runs++;
      return SOLD;
    };
    expect(await runIdempotent({ store, key, fingerprint: FP, handler })).toEqual({
      kind: 'executed',
      response: SOLD,
      disposition: 'stored',
    });
    expect(await runIdempotent({ store, key, fingerprint: FP, handler })).toEqual({
      kind: 'replayed',
      response: SOLD,
    });
    expect(await runIdempotent({ store, key, fingerprint: fingerprint({ amount: 1 }), handler })).toEqual({
      kind: 'mismatch',
    });
    expect(runs).toBe(1);
  });

  it('32 concurrent identical calls: the handler runs exactly once, the rest see in_flight or the stored response', async () => {
    const store = createMemoryStore();
    const key = scopedKey('m', 'burst');
    let runs = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        // Stagger the starts so some calls arrive after completion and get a replay.
        new Promise((r) => setTimeout(r, i % 4)).then(() =>
          runIdempotent({
            store,
            key,
            fingerprint: FP,
            handler: async () => {
              runs++;
              await new Promise((r) => setTimeout(r, 1));
              return SOLD;
            },
          }),
        ),
      ),
    );
    expect(runs).toBe(1);
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'executed')).toHaveLength(1);
    expect(kinds.every((k) => k === 'executed' || k === 'in_flight' || k === 'replayed')).toBe(true);
    for (const o of outcomes) if (o.kind === 'replayed') expect(o.response).toEqual(SOLD);
  });

  it('frees the key when the handler throws, and rethrows', async () => {
    const store = createMemoryStore();
    const key = scopedKey('m', 'k');
    const boom = new Error('card reader offline');
    await expect(
      runIdempotent({ store, key, fingerprint: FP, handler: () => Promise.reject(boom) }),
    ).rejects.toBe(boom);
    const retry = await runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD });
    expect(retry.kind).toBe('executed');
  });

  it('stores definitive errors (402, 422) and frees the key on retryable ones (500, 503, 429)', async () => {
    const store = createMemoryStore();
    for (const status of [402, 422]) {
      const key = scopedKey('m', `definitive-${status}`);
      const response = { status, headers: {}, body: 'no' };
      await runIdempotent({ store, key, fingerprint: FP, handler: () => response });
      expect(await runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD })).toEqual({
        kind: 'replayed',
        response,
      });
    }
    for (const status of [500, 503, 429]) {
      const key = scopedKey('m', `retryable-${status}`);
      const first = await runIdempotent({
        store,
        key,
        fingerprint: FP,
        handler: () => ({ status, headers: {}, body: '' }),
      });
      expect(first).toMatchObject({ kind: 'executed', disposition: 'released' });
      expect((await runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD })).kind).toBe(
        'executed',
      );
    }
    const custom = await runIdempotent({
      store,
      key: scopedKey('m', 'custom'),
      fingerprint: FP,
      handler: () => ({ status: 402, headers: {}, body: '' }),
      isRetryable: (r) => r.status === 402,
    });
    expect(custom).toMatchObject({ disposition: 'released' });
  });

  it('reports lease_lost when the handler outran its lease and another call took over', async () => {
    const clock = createManualClock(0);
    const store = createMemoryStore({ clock });
    const key = scopedKey('m', 'slow');
    let second: IdempotentOutcome | undefined;
    const first = await runIdempotent({
      store,
      key,
      fingerprint: FP,
      leaseMs: 1_000,
      handler: async () => {
        clock.advance(1_000);
        second = await runIdempotent({ store, key, fingerprint: FP, leaseMs: 1_000, handler: () => SOLD });
        return SOLD;
      },
    });
    expect(second).toMatchObject({ kind: 'executed', disposition: 'stored' });
    expect(first).toMatchObject({ kind: 'executed', disposition: 'lease_lost' });
  });

  it('still returns the response when the store fails after the handler ran', async () => {
    // A real Postgres whose connection goes away mid-request (the server's when reachable, else PGlite).
    const db = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 1 }) : new PGlite();
    const table = uniqueName('idem');
    const store = createPostgresStore({ client: db, table });
    await store.ensureSchema();
    const outcome = await runIdempotent({
      store,
      key: scopedKey('m', 'k'),
      fingerprint: FP,
      handler: async () => {
        if (db instanceof PGlite) await db.close();
        else {
          await db.query(`DROP TABLE ${store.table}, ${store.table.slice(0, -1)}_quota"`);
          await db.end();
        }
        return SOLD;
      },
    });
    expect(outcome).toMatchObject({ kind: 'executed', response: SOLD, disposition: 'store_failed' });
    expect(isTallystickError((outcome as { storeError: unknown }).storeError, 'ERR_STORE')).toBe(true);
  });

  it('throws ERR_STORE without running the handler when the claim fails', async () => {
    const store = createMemoryStore({ maxEntries: 1 });
    await runIdempotent({ store, key: scopedKey('m', 'a'), fingerprint: FP, handler: () => SOLD });
    let ran = false;
    const error = await runIdempotent({
      store,
      key: scopedKey('m', 'b'),
      fingerprint: FP,
      handler: () => {
        ran = true;
        return SOLD;
      },
    }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
    expect(ran).toBe(false);
  });

  it('checks its options and the handler result', async () => {
    const store = createMemoryStore();
    const key = scopedKey('m', 'k');
    await expect(
      runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD, leaseMs: 0 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD, ttlMs: 1.5 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      runIdempotent({ store, key, fingerprint: FP, handler: 'x' as never }),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(
      runIdempotent({ store, key, fingerprint: FP, handler: () => ({ status: 200 }) as never }),
    ).rejects.toBeInstanceOf(TypeError);
    // The malformed result freed the key.
    expect((await runIdempotent({ store, key, fingerprint: FP, handler: () => SOLD })).kind).toBe('executed');
  });
});
