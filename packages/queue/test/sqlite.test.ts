import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTallystickError } from '@tallystick/core';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteSql } from '../src/lib/sqlite-sql.js';
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
  tamper: async (store, id, edit) => {
    const db = (store as SqliteStore).database;
    const row = db.prepare('SELECT envelope FROM tallystick_queue_intents WHERE id = ?').get(id) as {
      envelope: string;
    };
    db.prepare('UPDATE tallystick_queue_intents SET envelope = ? WHERE id = ?').run(edit(row.envelope), id);
  },
  corruption: 'dead-letters',
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

describe('sqlite store integrity', () => {
  it('migrates a table made before checksums: fills them once, then catches any later change', async () => {
    const p = join(root, 'legacy.db');
    const legacy = new Database(p);
    legacy.exec(sqliteSql('tallystick_queue').schema.replace(',\n        checksum INTEGER', ''));
    const old = [envelope({ amount: 1250 }), envelope({ amount: 40 })];
    for (const e of old) {
      legacy
        .prepare(
          'INSERT INTO tallystick_queue_intents (id, partition_key, next_attempt_at, enqueued_at, created_at, envelope) VALUES (?, NULL, 1, 1, ?, ?)',
        )
        .run(e.id, e.createdAt, JSON.stringify(e));
    }
    legacy.close();
    const store = await openSqliteStore({ path: p });
    const sums = store.database.prepare('SELECT checksum FROM tallystick_queue_intents').all() as {
      checksum: number | null;
    }[];
    expect(sums.every((r) => typeof r.checksum === 'number')).toBe(true);
    store.database
      .prepare('UPDATE tallystick_queue_intents SET envelope = replace(envelope, ?, ?) WHERE id = ?')
      .run('"amount":40', '"amount":90', old[1]!.id);
    const batch = await store.claim({ limit: 10, now: 5, leaseMs: 1000, owner: 't' });
    expect(batch.map((q) => q.intent)).toEqual([old[0]]);
    expect((await store.count(5)).dead).toBe(1);
    await store.close();
    // Reopening an up-to-date table changes nothing.
    const again = await openSqliteStore({ path: p });
    expect((await again.count(5)).dead).toBe(1);
    await again.close();
  });
});

describe('sqlite store integrity on disk', () => {
  it('dead-letters an intent whose amount was altered in the database file itself, delivering the rest', async () => {
    const p = join(root, 'bytes.db');
    const store = await openSqliteStore({ path: p });
    const victim = envelope({ amount: 7319 }, 'p');
    const after = envelope({ amount: 5 }, 'p');
    await store.append([victim, after], 1);
    await store.close(); // checkpoints the WAL into the file
    const bytes = readFileSync(p);
    const at = bytes.indexOf('"amount":7319');
    expect(at).toBeGreaterThan(0);
    bytes.write('"amount":7819', at, 'latin1');
    writeFileSync(p, bytes);
    const again = await openSqliteStore({ path: p });
    const batch = await again.claim({ limit: 10, now: 5, leaseMs: 1000, owner: 't' });
    expect(batch.map((q) => q.intent)).toEqual([after]);
    const [dead] = await again.list({ status: 'dead', limit: 10, now: 5 });
    expect(dead?.deadReason).toBe('corrupt');
    expect(dead?.intent.id).toBe(victim.id);
    await again.close();
  });

  it('a held row whose text no longer parses fails only its own appendIfAbsent, not the enqueues grouped with it', async () => {
    const store = await openSqliteStore({ path: join(root, 'unparseable.db') });
    const victim = envelope({ amount: 7319 });
    await store.append([victim], 1);
    store.database
      .prepare('UPDATE tallystick_queue_intents SET envelope = ? WHERE id = ?')
      .run('{"id":', victim.id);
    const others = [envelope({ amount: 1 }), envelope({ amount: 2 })];
    const outcomes = await Promise.allSettled([
      store.appendIfAbsent(victim, 2),
      store.append([others[0]!], 2),
      store.appendIfAbsent(others[1]!, 2),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(isTallystickError((outcomes[0] as PromiseRejectedResult).reason, 'ERR_STORE')).toBe(true);
    const pending = await store.list({ status: 'pending', limit: 10, now: 3 });
    expect(pending.map((q) => q.intent.id)).toEqual(others.map((o) => o.id));
    await store.close();
  });
});
