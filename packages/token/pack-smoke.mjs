// Called by scripts/pack-test.mjs with each built entry, loaded as ESM and as CJS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ID = '00112233445566778899aabbccddeeff';

export default {
  '@tallystick/token': async (token) => {
    const key = token.generateIssuerKey();
    const issuer = token.createIssuer(key);
    const verifier = token.createVerifier({
      keys: [issuer.verificationKey],
      audience: 'store-7',
      spent: token.createMemorySpentStore(),
    });
    const { qr, bytes } = issuer.issue({ amount: { amount: 2500, currency: 'EUR' }, audience: 'store-7' });
    if (!qr.startsWith('TS1:') || bytes.length !== 104) throw new Error(`unexpected token ${qr}`);
    const first = await verifier.redeem(qr);
    const second = await verifier.redeem(qr);
    if (!first.ok || first.redemption.amount !== 2500) throw new Error('redeem failed');
    if (second.ok || second.code !== 'already_spent') throw new Error('second redeem was not refused');
    const decoded = token.decodeToken('TS1:garbage');
    if (decoded.ok || decoded.code !== 'malformed') throw new Error('decodeToken accepted garbage');
    const list = token.RevocationList.fromBytes(token.RevocationList.create({ tokenIds: [ID] }).toBytes());
    if (!list.hasTokenId(ID)) throw new Error('revocation list round trip failed');
  },
  '@tallystick/token/verify': async (verify) => {
    const publicKey = new Uint8Array(32);
    publicKey[0] = 0x58; // the Ed25519 base point's encoding starts 0x58 0x66 ...
    const verifier = verify.createVerifier({ keys: [] });
    const refused = verifier.verify('TS1:garbage');
    if (refused.ok || refused.code !== 'malformed') throw new Error('verify-only entry accepted garbage');
    if (verify.verifySignature(new Uint8Array(64), new Uint8Array(1), publicKey) !== false) {
      throw new Error('verifySignature accepted a zero signature');
    }
  },
  '@tallystick/token/spent-file': async (spentFile) => {
    const dir = mkdtempSync(join(tmpdir(), 'tallystick-smoke-'));
    try {
      const path = join(dir, 'spent.log');
      const store = await spentFile.openFileSpentStore({ path });
      const now = Date.now();
      if (!(await store.checkAndAdd(ID, now + 60_000, now))) throw new Error('first add lost');
      await store.close();
      const again = await spentFile.openFileSpentStore({ path });
      if (!(await again.has(ID))) throw new Error('file store forgot an id across reopen');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  '@tallystick/token/spent-indexeddb': async (spentIdb) => {
    // Node has no IndexedDB: fake-indexeddb (a root dev dependency, resolved from this file) stands in.
    const { IDBFactory } = await import('fake-indexeddb');
    const indexedDB = new IDBFactory();
    const store = await spentIdb.openIndexedDbSpentStore({ name: 'smoke', indexedDB });
    const now = Date.now();
    const wins = await Promise.all([
      store.checkAndAdd(ID, now + 1000, now),
      store.checkAndAdd(ID, now + 1000, now),
    ]);
    if (wins.filter(Boolean).length !== 1) throw new Error('indexeddb store did not record once');
    await store.close();
    const again = await spentIdb.openIndexedDbSpentStore({ name: 'smoke', indexedDB });
    if (!(await again.has(ID))) throw new Error('indexeddb store forgot an id across reopen');
    await again.close();
  },
  '@tallystick/token/spent-redis': async (spentRedis) => {
    // No server in the packaging test: a minimal client with Redis's SET NX semantics.
    const keys = new Set();
    const client = {
      async set(key, _value, _px, _ms, _nx) {
        if (keys.has(key)) return null;
        keys.add(key);
        return 'OK';
      },
      async exists(key) {
        return keys.has(key) ? 1 : 0;
      },
    };
    const store = spentRedis.createRedisSpentStore({ client, prefix: 'smoke:' });
    const now = Date.now();
    const wins = await Promise.all([
      store.checkAndAdd(ID, now + 1000, now),
      store.checkAndAdd(ID, now + 1000, now),
    ]);
    if (wins.filter(Boolean).length !== 1 || !keys.has(`smoke:${ID}`))
      throw new Error('redis store did not record once');
  },
};
