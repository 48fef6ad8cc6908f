// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const installed = (name) => createRequire(join(process.cwd(), 'package.json'))(name);
const at = (wall, node) => `${wall.toString(16).padStart(12, '0')}0000-${node}`;
const restock = {
  id: '01900000-0000-7000-8000-000000000001',
  type: 'restock',
  device: 'hq',
  hlc: at(1, 'hq'),
  createdAt: 1,
  payload: { sku: 'tea', quantity: 1 },
};
const sale = {
  id: '01900000-0000-7000-8000-000000000002',
  type: 'sale',
  device: 'till-1',
  hlc: at(2, 'till-1'),
  createdAt: 2,
  payload: { sku: 'tea', quantity: 2, unitPrice: { amount: 150, currency: 'EUR' } },
};
const clock = { now: () => 1_000_000 };

async function oversells(reconcile, ledger) {
  const reconciler = reconcile.createReconciler({ ledger, clock });
  const result = await reconciler.apply([restock, sale, sale, { junk: true }]);
  if (result.accepted !== 2 || result.duplicates !== 1 || result.rejected.length !== 1)
    throw new Error(`apply: ${JSON.stringify(result)}`);
  const report = await reconciler.report();
  if (report.review.length !== 1 || report.review[0].kind !== 'oversell')
    throw new Error('no oversell in the report');
}

export default {
  '@tallystick/reconcile': async (reconcile) => {
    await oversells(reconcile, reconcile.createMemoryLedger());
    if (reconcile.parseIntent({}).ok) throw new Error('parseIntent accepted garbage');
  },
  '@tallystick/reconcile/postgres': async (postgres) => {
    const { PGlite } = installed('@electric-sql/pglite');
    const db = new PGlite();
    try {
      await oversells(
        installed('@tallystick/reconcile'),
        await postgres.createPostgresLedger({ client: db }),
      );
    } finally {
      await db.close();
    }
  },
  '@tallystick/reconcile/pglite': async (pglite) => {
    const ledger = await pglite.createPgliteLedger();
    try {
      await oversells(installed('@tallystick/reconcile'), ledger);
    } finally {
      await ledger.close();
    }
  },
};
