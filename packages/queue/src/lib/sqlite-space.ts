import { closeSync, fstatSync, ftruncateSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { isOutOfSpace } from './errors.js';

/** Pages the WAL may hold before a commit checkpoints it (SQLite's default is 1000). */
export const WAL_PAGES = 128;

/**
 * Disk space for a SQLite store on a full disk. Two things go wrong there:
 * the WAL cannot be checkpointed (the database file must grow by the pages
 * only the WAL holds), and delivery cannot write (claims and settlements go
 * through the WAL too), so nothing ever frees space. So the store keeps a
 * reserve file beside the database (a "ballast", as CockroachDB does): an
 * enqueue that finds the disk full fails and leaves it alone, while a
 * delivery write that finds the disk full deletes it, checkpoints and tries
 * again. Once the backlog is empty, the free pages go back to the file
 * system, the WAL is checkpointed and truncated, and the reserve is taken
 * again.
 */
export class SqliteSpace {
  private readonly reservePath: string | undefined;
  private readonly walPath: string;

  constructor(
    private readonly db: Database.Database,
    private readonly reserveBytes: number,
  ) {
    const file = db.name;
    this.reservePath = file && file !== ':memory:' && reserveBytes > 0 ? `${file}-reserve` : undefined;
    this.walPath = `${file}-wal`;
  }

  /** Sets the WAL bounds and takes the reserve if the disk has room for it. */
  open(): void {
    // The WAL is reused from its start after each checkpoint, and cut back to this size when it grew.
    this.db.pragma(`wal_autocheckpoint = ${WAL_PAGES}`);
    this.db.pragma(`journal_size_limit = ${WAL_PAGES * 4096}`);
    this.takeReserve();
  }

  /**
   * Runs a delivery write; if the disk is full, gives the reserve up,
   * checkpoints the WAL and runs it once more.
   */
  deliver<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (!isOutOfSpace(error) || !this.releaseReserve()) throw error;
      this.checkpoint();
      return fn();
    }
  }

  /**
   * After a settlement: when the backlog is empty, hands free pages back to
   * the file system and truncates the WAL, so an empty queue does not hold
   * the disk, then takes the reserve again.
   */
  drained(): void {
    this.db.pragma('incremental_vacuum');
    this.checkpoint();
    this.takeReserve();
  }

  /** Checkpoints and truncates the WAL; best effort (another process may be reading). */
  checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A busy or failed checkpoint leaves the WAL as it was; the next one tries again.
    }
  }

  /** Size of the WAL file, for deciding whether a checkpoint is worth its fsyncs. */
  walBytes(): number {
    try {
      return statSync(this.walPath).size;
    } catch {
      return 0;
    }
  }

  private takeReserve(): void {
    if (!this.reservePath) return;
    let fd: number | undefined;
    try {
      fd = openSync(this.reservePath, 'a+');
      if (fstatSync(fd).size >= this.reserveBytes) return;
      // Written, not just sized: a sparse file would reserve nothing.
      const zeros = new Uint8Array(Math.min(this.reserveBytes, 64 * 1024));
      for (let at = 0; at < this.reserveBytes; at += zeros.length) {
        writeSync(fd, zeros, 0, Math.min(zeros.length, this.reserveBytes - at), at);
      }
    } catch {
      // No room for it now: the next drained backlog tries again.
      if (fd !== undefined) ftruncateSync(fd, 0);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Deletes the reserve; false if there was none to give. */
  private releaseReserve(): boolean {
    if (!this.reservePath) return false;
    try {
      const { size } = statSync(this.reservePath);
      unlinkSync(this.reservePath);
      return size > 0;
    } catch {
      return false;
    }
  }
}
