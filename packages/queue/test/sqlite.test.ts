import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTallystickError } from '@tallystick/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/sqlite.js';
import { describeStoreContract } from './contract.js';
import { envelope } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'tallystick-sqlite-'));
let n = 0;
let path = '';
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeStoreContract('sqlite', {
  capabilities: { persistent: true, sharedAccess: true, concurrentReplayers: false, renewsLeases: true },
  open: () => openSqliteStore({ path }),
  fresh: async () => {
    path = join(root, `q${n++}.db`);
  },
  // A real SQLITE_FULL: cap the database at the pages it already has.
  fill: async (store) => {
    const db = (store as SqliteStore).database;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  },
  free: async (store) => {
    (store as SqliteStore).database.pragma('max_page_count = 1073741823');
  },
});

describe('sqlite store', () => {
  it('runs in WAL mode with synchronous=FULL', async () => {
    const store = await openSqliteStore({ path: join(root, 'pragmas.db') });
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
    await store.close();
  });

  it('hands the replayer lock over when its holder on this host has died', async () => {
    const p = join(root, 'lock.db');
    const a = await openSqliteStore({ path: p });
    const b = await openSqliteStore({ path: p, isProcessAlive: () => false });
    a.database.prepare('UPDATE tallystick_queue_replayer SET pid = 4000000').run();
    expect(await a.acquireReplayer('a', 60_000, 0)).toBeDefined();
    a.database.prepare('UPDATE tallystick_queue_replayer SET pid = 4000000').run();
    const taken = await b.acquireReplayer('b', 60_000, 1);
    expect(taken).toBeDefined();
    await a.close();
    await b.close();
  });

  it('groups concurrent enqueues into one transaction', async () => {
    const store = await openSqliteStore({ path: join(root, 'group.db') });
    const before = store.database.pragma('data_version', { simple: true });
    const walBefore = (store.database.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { log: number }).log;
    await Promise.all(Array.from({ length: 50 }, () => store.append([envelope()], 1)));
    const walAfter = (store.database.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { log: number }).log;
    expect(before).toBeDefined();
    // 50 single-row transactions would add at least 50 WAL frames; one transaction adds a handful.
    expect(walAfter - walBefore).toBeLessThan(10);
    await store.close();
  });

  it('refuses an unsafe table prefix', async () => {
    await expect(
      openSqliteStore({ path: join(root, 'x.db'), tablePrefix: 'x; DROP TABLE y' }),
    ).rejects.toThrow(TypeError);
    const error = await openSqliteStore({ path: join(root, 'no-such-dir', 'x.db') }).catch((e: unknown) => e);
    expect(isTallystickError(error, 'ERR_STORE')).toBe(true);
  });
});
