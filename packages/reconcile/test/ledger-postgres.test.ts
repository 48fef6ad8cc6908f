import { createPostgresLedger } from '@tallystick/reconcile/postgres';
import { PG_URL, serviceAvailable, uniqueName } from '@tallystick/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerContract } from './support/ledger-contract.js';
import { poisonContract } from './support/poison-contract.js';

const available = await serviceAvailable('postgres');
const pool = available ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;
const schemas: string[] = [];
afterAll(async () => {
  if (!pool) return;
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

async function open() {
  if (!pool) return undefined;
  const schema = uniqueName('rc');
  schemas.push(schema);
  return createPostgresLedger({ pool, schema });
}

describe.skipIf(!available)('postgres ledger', () => {
  ledgerContract('postgres (pg.Pool)', open, 15);
  poisonContract('postgres (pg.Pool)', open);

  it('refuses a pg.Pool passed as a single client', async () => {
    await expect(createPostgresLedger({ client: pool! })).rejects.toThrow(/pool/);
  });

  it('turns an unreachable database into ERR_STORE', async () => {
    const dead = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMillis: 500,
    });
    await expect(createPostgresLedger({ pool: dead })).rejects.toMatchObject({ code: 'ERR_STORE' });
    await dead.end();
  });
});
