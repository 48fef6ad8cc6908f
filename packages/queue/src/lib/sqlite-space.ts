import { closeSync, openSync, statfsSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { isOutOfSpace } from './errors.js';

const KiB = 1024;
/** The reserve, when not given: 1/64 of the free space at open, within these bounds. */
const MIN_RESERVE = 512 * KiB;
const MAX_RESERVE = 4096 * KiB;

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
  private readonly reserveBytes: number;

  /** `reserveBytes`: undefined for 1/64 of the free space (512 KiB to 4 MiB), 0 for none. */
  constructor(
    private readonly db: Database.Database,
    reserveBytes: number | undefined,
  ) {
    const file = db.name;
    const onDisk = Boolean(file) && file !== ':memory:';
    this.reserveBytes = reserveBytes ?? (onDisk ? defaultReserve(dirname(file)) : 0);
    this.reservePath = onDisk && this.reserveBytes > 0 ? `${file}-reserve` : undefined;
    this.walPath = `${file}-wal`;
  }

  /**
   * Bounds the WAL by the reserve and takes the reserve if the disk has room.
   * The WAL is what a checkpoint on a full disk must find room for (the
   * database grows by the pages only the WAL holds), so it may not outgrow
   * the reserve: a commit checkpoints once it holds that many bytes, the WAL
   * is then reused from its start, and cut back to that size when it grew.
   * (A smaller WAL means more checkpoints, each an fsync: a 512 KiB bound
   * measured about 1.5x slower replays than SQLite's default 4 MiB, which a
   * disk with 256 MiB free gets.)
   */
  open(): void {
    if (this.reserveBytes === 0) return;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = Math.max(32, Math.floor(this.reserveBytes / pageSize));
    this.db.pragma(`wal_autocheckpoint = ${pages}`);
    this.db.pragma(`journal_size_limit = ${pages * pageSize}`);
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

  /** The reserve in bytes (0: none). */
  get reserve(): number {
    return this.reserveBytes;
  }

  private takeReserve(): void {
    if (!this.reservePath) return;
    try {
      if (statSync(this.reservePath).size >= this.reserveBytes) return;
    } catch {
      // Not there yet.
    }
    let fd: number | undefined;
    try {
      fd = openSync(this.reservePath, 'w');
      // Written, not just sized: a sparse file would reserve nothing.
      const zeros = new Uint8Array(Math.min(this.reserveBytes, 64 * KiB));
      for (let at = 0; at < this.reserveBytes; at += zeros.length) {
        writeSync(fd, zeros, 0, Math.min(zeros.length, this.reserveBytes - at), at);
      }
    } catch {
      // No room for all of it: what was written is kept, and the next drained backlog tries again.
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

/** 1/64 of the free space of `dir`'s file system, within 512 KiB and 4 MiB. */
function defaultReserve(dir: string): number {
  let free = Number.POSITIVE_INFINITY;
  try {
    const fs = statfsSync(dir);
    free = fs.bavail * fs.bsize;
  } catch {
    // Unknown: the largest reserve, SQLite's own WAL bound.
  }
  return Math.min(MAX_RESERVE, Math.max(MIN_RESERVE, Math.floor(free / 64 / KiB) * KiB));
}
