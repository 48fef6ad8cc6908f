import { PGlite } from '@electric-sql/pglite';
import { createPgliteLedger } from '@tallystick/reconcile/pglite';
import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import { uniqueName } from '@tallystick/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerContract } from './support/ledger-contract.js';
import { poisonContract } from './support/poison-contract.js';

// One embedded database for the suite; each ledger gets its own schema.
const db = new PGlite();
afterAll(() => db.close());

ledgerContract('pglite', () => createPgliteLedger({ db, schema: uniqueName('rc') }), 25);
poisonContract('pglite', () => createPgliteLedger({ db, schema: uniqueName('rc') }));

describe('pglite ledger', () => {
  it('refuses a bad schema name, and both or neither of client and pool', async () => {
    await expect(createPostgresLedger({ client: db, schema: 'Robert"; DROP' })).rejects.toThrow(RangeError);
    await expect(createPostgresLedger({ client: db, prefix: 'x-y' })).rejects.toThrow(RangeError);
    await expect(createPostgresLedger({})).rejects.toThrow(TypeError);
    await expect(
      createPostgresLedger({ client: db, pool: { ...db, connect: async () => db } } as never),
    ).rejects.toThrow(TypeError);
  });

  it('is idempotent to create twice on one schema (migrations are IF NOT EXISTS)', async () => {
    const schema = uniqueName('rc');
    await createPostgresLedger({ client: db, schema });
    const again = await createPostgresLedger({ client: db, schema });
    expect((await again.counts()).intents).toBe(0);
  });
});
