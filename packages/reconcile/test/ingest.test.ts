/**
 * Ingest is total over arbitrary input: whatever a batch holds (JSON of any
 * shape, depth or size, holes, hostile objects, text Postgres cannot store),
 * `apply` answers with per-index rejections and applies the valid siblings.
 */
import { canonicalJson, createManualClock } from '@tallystick/core';
import {
  createMemoryLedger,
  createReconciler,
  type Ledger,
  type RedemptionVerdict,
  type RedemptionVerifier,
  snapshotLedger,
} from '@tallystick/reconcile';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testVerifier } from './support/ed25519-verifier.js';
import { idOf, intent, redeemed, redemptionRecord } from './support/intents.js';

const clock = createManualClock(1_000_000);
const setup = () => {
  const ledger = createMemoryLedger();
  return { ledger, reconciler: createReconciler({ ledger, clock, verifier: testVerifier([]) }) };
};

function deep(levels: number, wrap: (inner: unknown) => unknown): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = wrap(v);
  return v;
}

describe('ingest is total', () => {
  it('garbage of every shape is rejected by index; the valid siblings apply; nothing else is stored', async () => {
    const { ledger, reconciler } = setup();
    const good = intent('restock', 'hq', 1, { sku: 'tea', quantity: 2 });
    const env = intent('restock', 'hq', 2, { sku: 'tea', quantity: 1 });
    const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    const sparse: unknown[] = [];
    sparse.length = 3;
    const batch: unknown[] = [
      null,
      0,
      -1,
      1e308,
      'a string',
      '',
      true,
      [],
      deep(100_000, (v) => [v]),
      deep(100_000, (v) => ({ a: v })),
      Array.from({ length: 100_000 }, (_, i) => i),
      manyKeys,
      { ...env, id: deep(100_000, (v) => [v]) },
      { ...env, payload: deep(100_000, (v) => ({ sku: v })) },
      { ...env, payload: { sku: 'tea', quantity: 1, extra: deep(100_000, (v) => [v]) } },
      { ...env, payload: { ...manyKeys, sku: 'tea', quantity: 1 } },
      sparse,
      good,
    ];
    const result = await reconciler.apply(batch);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => r.index)).toEqual([...Array(17).keys()]);
    for (const r of result.rejected) {
      expect(r.retryable).toBe(false);
      expect(r.reason.length).toBeLessThan(1_000);
    }
    expect((await ledger.counts()).intents).toBe(1);
  });

  it('a hole in a sparse batch, a throwing getter and a revoked Proxy are rejected by index', async () => {
    const { reconciler } = setup();
    const hostile = {
      get id(): string {
        throw new Error('boom');
      },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const batch: unknown[] = [
      hostile,
      revoked.proxy,
      intent('restock', 'hq', 1, { sku: 'tea', quantity: 1 }),
    ];
    batch.length = 4;
    const result = await reconciler.apply(batch);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'malformed'],
      [1, 'malformed'],
      [3, 'malformed'],
    ]);
  });

  it('text Postgres cannot store (NUL, lone surrogates) is refused at the door, not in the ledger', async () => {
    const { reconciler } = setup();
    const token = (t: string) => redeemed('till-1', 1, t);
    const record = (kid: string) =>
      intent('token.redeemed', 'till-1', 1, { ...redemptionRecord('T1.a.b', 1), kid });
    const result = await reconciler.apply([
      token('T1.a\u0000b.c'),
      token('T1.a\ud800b.c'),
      token('\udc00'),
      record('k\u0000'),
      record('\ud83d'),
      intent('restock', 'hq', 1, { sku: 'tea', quantity: 1 }),
    ]);
    expect(result.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'invalid_payload'],
      [1, 'invalid_payload'],
      [2, 'invalid_payload'],
      [3, 'invalid_payload'],
      [4, 'invalid_payload'],
    ]);
    expect(result.accepted).toBe(1);
  });

  it('a verifier whose messages and ids cannot be stored does not fail the batch', async () => {
    const ledger = createMemoryLedger();
    let n = 0;
    // The id the records name: a verified id differing from it would be a token_id_mismatch instead.
    const tokenId = redemptionRecord('T1.a.b', 1).tokenId as string;
    const verifier: RedemptionVerifier = {
      verifyBatch: (checks): RedemptionVerdict[] =>
        checks.map(() => {
          n++;
          if (n === 1) return { ok: false, code: 'bad\u0000', message: `x\ud800${'y'.repeat(10_000)}` };
          if (n === 2) return { ok: true, token: { id: 'z'.repeat(5_000), keyId: 'k\u0000' } };
          return {
            ok: true,
            token: { id: tokenId, keyId: 'k', amount: { amount: Number.NaN, currency: 'EUR' } },
          };
        }),
    };
    const reconciler = createReconciler({ ledger, clock, verifier });
    const result = await reconciler.apply([1, 2, 3, 4].map((w) => redeemed('till-1', w, 'T1.a.b')));
    expect(result.accepted).toBe(4);
    const snapshot = canonicalJson(await snapshotLedger(ledger));
    expect(snapshot).not.toMatch(/\\u0000/);
    expect(snapshot.length).toBeLessThan(20_000);
    const kinds = result.added.map((v) => [v.kind, (v.detail as { code?: string }).code]);
    expect(kinds).toContainEqual(['invalid_token', 'invalid_token_id']);
    expect(kinds).toContainEqual(['double_spend', undefined]);
  });

  it('law: any JSON values beside valid intents are rejected by index, never thrown, and the valid ones apply', async () => {
    let next = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.jsonValue({ maxDepth: 6 }), fc.constant('valid')), { maxLength: 30 }),
        async (items) => {
          const { reconciler } = setup();
          const batch = items.map((v) =>
            v === 'valid' ? intent('restock', 'hq', 1, { sku: 'tea', quantity: 1 }, { id: idOf(++next) }) : v,
          );
          const result = await reconciler.apply(batch);
          const valid = items.flatMap((v, i) => (v === 'valid' ? [i] : []));
          expect(result.accepted).toBe(valid.length);
          expect(result.rejected.map((r) => r.index)).toEqual(
            items.flatMap((v, i) => (v === 'valid' ? [] : [i])),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('what a failure of apply means', () => {
  const restock = () => intent('restock', 'hq', 1, { sku: 'tea', quantity: 1 });
  const broken = (part: 'fingerprints' | 'transaction', error: Error): Ledger => {
    const inner = createMemoryLedger();
    return { ...inner, [part]: () => Promise.reject(error) } as Ledger;
  };

  it('any ledger failure, even a TypeError inside the transaction or a failed fingerprint read, is ERR_RECONCILE', async () => {
    for (const ledger of [
      broken('fingerprints', new Error('connection reset')),
      broken('transaction', new TypeError('driver bug')),
      broken('transaction', new RangeError('invalid array length')),
    ]) {
      const reconciler = createReconciler({ ledger, clock });
      await expect(reconciler.apply([restock()])).rejects.toMatchObject({
        name: 'TallystickError',
        code: 'ERR_RECONCILE',
      });
    }
  });

  it('a verifier that throws, even a TypeError (fetch fails with one), is ERR_RECONCILE; a broken contract is a TypeError', async () => {
    const redemption = redeemed('till-1', 1, 'T1.a.b');
    const failing = { verifyBatch: () => Promise.reject(new TypeError('fetch failed')) };
    await expect(
      createReconciler({ ledger: createMemoryLedger(), clock, verifier: failing }).apply([redemption]),
    ).rejects.toMatchObject({ code: 'ERR_RECONCILE' });
    const short = { verifyBatch: () => [] };
    await expect(
      createReconciler({ ledger: createMemoryLedger(), clock, verifier: short }).apply([redemption]),
    ).rejects.toThrow(TypeError);
  });

  it('a batch with nothing valid never reaches the ledger, so a ledger outage cannot turn it into a retry', async () => {
    const reconciler = createReconciler({ ledger: broken('fingerprints', new Error('down')), clock });
    const result = await reconciler.apply([null, { id: 'x' }]);
    expect(result.rejected.map((r) => [r.index, r.retryable])).toEqual([
      [0, false],
      [1, false],
    ]);
  });
});
