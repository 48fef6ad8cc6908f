import type Database from 'better-sqlite3';
import { textChecksum } from './checksum.js';

/**
 * Brings a table made by an older version up to date: adds the `checksum`
 * column and fills it for every row, in one transaction. The rows are
 * blessed as they are at that moment, which is the best anyone can do for
 * data that was never checksummed; from then on every change is caught. A
 * row still without one was written by an older version sharing the file
 * (several processes may): it is read unchecked rather than dead-lettered.
 */
export function migrateSqlite(db: Database.Database, prefix: string): void {
  const t = `${prefix}_intents`;
  const columns = db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[];
  if (columns.some((c) => c.name === 'checksum')) return;
  db.transaction(() => {
    // Checked again inside the write lock: another process may have migrated meanwhile.
    const again = db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[];
    if (again.some((c) => c.name === 'checksum')) return;
    db.exec(`ALTER TABLE ${t} ADD COLUMN checksum INTEGER`);
    const set = db.prepare(`UPDATE ${t} SET checksum = ? WHERE seq = ?`);
    for (const row of db.prepare(`SELECT seq, envelope FROM ${t}`).all() as {
      seq: number;
      envelope: string;
    }[]) {
      set.run(textChecksum(row.envelope), row.seq);
    }
  }).immediate();
}
