/**
 * The reconcile server on the machine's Postgres, reached through a TCP
 * proxy that the test cuts while tills keep posting and then restores:
 * requests during the cut get 503 with Retry-After (problem+json), the
 * process stays up (an unhandled pool error would end it), the first requests
 * after the restore succeed without a restart, and every intent the server
 * acknowledged is in the ledger exactly once.
 */
import { createHlc, encodeHlc, type IntentEnvelope, newIntentId } from '@tallystick/core';
import { PG_URL, serviceAvailable, startTcpProxy, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';

const available = await serviceAvailable('postgres');
const TILLS = 4;
const SALES_PER_TILL = 12;

function sale(device: string, hlc: ReturnType<typeof createHlc>): IntentEnvelope {
  return {
    id: newIntentId(),
    type: 'sale',
    device,
    hlc: encodeHlc(hlc.now()),
    createdAt: Date.now(),
    payload: { sku: 'espresso', quantity: 1, unitPrice: { amount: 250, currency: 'EUR' } },
  };
}

describe.skipIf(!available)('reconcile server through a Postgres outage', () => {
  it('answers 503 + Retry-After while cut, stays up, recovers, and books every acknowledged intent once', async () => {
    const proxy = await startTcpProxy(PG_URL);
    const schema = uniqueName('outage_server');
    const logged: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void logged.push(args.join(' '));
    const server = await startServer({ storage: { kind: 'postgres', url: proxy.url(PG_URL), schema } });
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    let cutDone!: () => void;
    const cutOver = new Promise<void>((resolve) => (cutDone = resolve));
    try {
      // Each till posts one sale per request and, like the queue, retries a 503 with the same key.
      const till = async (device: string) => {
        const hlc = createHlc({ node: device });
        for (let n = 0; n < SALES_PER_TILL; n++) {
          const intent = sale(device, hlc);
          const init = {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': `k-${intent.id}`,
              'x-tallystick-device': device,
            },
            body: JSON.stringify({ intents: [intent] }),
          };
          for (;;) {
            const response = await fetch(`${server.url}/intents`, init);
            const body = (await response.json()) as { accepted?: number; duplicates?: number };
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 200) {
              expect((body.accepted ?? 0) + (body.duplicates ?? 0)).toBe(1);
              acked.add(intent.id);
              break;
            }
            expect(response.status).toBe(503);
            expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
            expect(response.headers.get('content-type')).toBe('application/problem+json');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          if (n === 3) await cutOver; // the rest of the sales come during and after the outage
        }
      };
      const tills = Array.from({ length: TILLS }, (_, i) => till(`till-${i}`));

      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.cut();
      // Requests during the cut: 503, not 500, and the server answers them.
      const during = await fetch(`${server.url}/intents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'during-cut' },
        body: JSON.stringify({ intents: [sale('till-x', createHlc({ node: 'till-x' }))] }),
      });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBeTruthy();
      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(503);
      const report = await fetch(`${server.url}/report`);
      expect(report.status).toBe(503);
      cutDone();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await proxy.restore();
      await Promise.all(tills);

      expect(acked.size).toBe(TILLS * SALES_PER_TILL);
      expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);

      const db = new pg.Client({ connectionString: PG_URL });
      await db.connect();
      try {
        const { rows } = await db.query(
          `SELECT id::text AS id, count(*)::int AS n FROM "${schema}"."tallystick_intents" WHERE type = 'sale' GROUP BY id`,
        );
        const booked = new Map(rows.map((r: { id: string; n: number }) => [r.id, r.n]));
        for (const id of acked) expect(booked.get(id)).toBe(1);
      } finally {
        await db.end();
      }
    } finally {
      cutDone();
      console.warn = warn;
      await server.close();
      await proxy.close();
      const db = new pg.Client({ connectionString: PG_URL });
      await db.connect();
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.end();
    }
  }, 60_000);
});
