import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { ReplayerLease } from '../store.js';

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  expires_at: number;
}

/**
 * The SQLite store's single-replayer lock: one row with a TTL, taken in an
 * IMMEDIATE transaction so two processes cannot both see it free. A holder
 * on this host whose process died forfeits it at once, without waiting for
 * the TTL; a holder elsewhere (a shared network file) only by expiry.
 */
export function acquireSqliteReplayer(
  db: Database.Database,
  stmt: Record<string, Database.Statement>,
  who: { owner: string; ttlMs: number; now: number; alive: (pid: number) => boolean },
  closed: () => boolean,
  /** Runs each write: the store's delivery guard, which frees its disk reserve on a full disk. */
  write: <T>(fn: () => T) => T = (fn) => fn(),
): ReplayerLease | undefined {
  const { owner, ttlMs, now } = who;
  const host = hostname();
  const acquired = write(() =>
    db
      .transaction(() => {
        const held = stmt.lockGet!.get() as LockRow | undefined;
        const free =
          !held ||
          held.owner === owner ||
          held.expires_at <= now ||
          (held.host === host && held.pid !== process.pid && !who.alive(held.pid));
        if (free) stmt.lockPut!.run(owner, process.pid, host, now + ttlMs);
        return free;
      })
      .immediate(),
  );
  if (!acquired) return undefined;
  let expiresAt = now + ttlMs;
  return {
    // Renewing is a write (an fsync): do it only once half the TTL has passed, not on every batch.
    renew: async (at) => {
      if (closed()) return false;
      if (at < expiresAt - ttlMs / 2) return true;
      const ok = write(() => stmt.lockRenew!.run(at + ttlMs, owner).changes === 1);
      if (ok) expiresAt = at + ttlMs;
      return ok;
    },
    release: async () => {
      if (!closed()) write(() => stmt.lockRelease!.run(owner));
    },
  };
}
