/**
 * @packageDocumentation
 * A durable queue store for Node on an append-only log with a CRC-32 on every
 * record, group commit, torn-tail recovery and compaction.
 */
import { join } from 'node:path';
import type { IntentEnvelope } from '@tallystick/core';
import { closedError, toStoreError } from './lib/errors.js';
import { compactLog, LogReplacedError } from './lib/file-compact.js';
import { FileEntry, requeued } from './lib/file-entry.js';
import { LogReader } from './lib/file-reader.js';
import { claimFrame, discardFrame, enqueueFrame, requeueFrame, settleFrame } from './lib/file-records.js';
import { recoverLog } from './lib/file-recover.js';
import { errorCode, type FileHandleLike, type FileSystem, nodeFileSystem } from './lib/fs-layer.js';
import { createLocalReplayerLock } from './lib/local-lock.js';
import { acquireLockFile, type HeldLock } from './lib/lock-file.js';
import { LogWriter } from './lib/log-writer.js';
import { newState, toQueued } from './lib/state.js';
import type { StateTable } from './lib/state-table.js';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  QueueStore,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from './store.js';
import type { QueuedIntent } from './types.js';

export type { FileHandleLike, FileSystem } from './lib/fs-layer.js';

/**
 * Options for {@link openFileStore}.
 *
 * @example
 * ```ts
 * const options: FileStoreOptions = { dir: './data/outbox' };
 * ```
 */
export interface FileStoreOptions {
  /** Directory holding `queue.log` and `queue.lock`; created if missing. */
  dir: string;
  /** File-system calls, injectable to simulate a full disk in tests. Default: node:fs/promises. */
  fs?: FileSystem;
  /** Compact once the log holds this many bytes of dead records and more dead than live. Default 64 MiB. */
  compactMinBytes?: number;
  /** Liveness probe for the pid in a leftover lock file. Default: `process.kill(pid, 0)`. */
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * A {@link QueueStore} on a local append-only log, plus log maintenance.
 *
 * @example
 * ```ts
 * import { openFileStore } from '@tallystick/queue/file';
 * const store: FileStore = await openFileStore({ dir: './outbox' });
 * await store.compact();
 * ```
 */
export interface FileStore extends QueueStore {
  /** Rewrites the log with only live intents, their state folded in. */
  compact(): Promise<void>;
  /** Current size of the log in bytes. */
  readonly logBytes: number;
  /** Write+fsync rounds so far: fewer than writes means group commit is working. */
  readonly groupCommits: number;
}

/**
 * Opens (or creates) a file queue store in `dir`, recovering from any crash:
 * a torn tail is cut off, acknowledged records are never dropped. Only one
 * process may hold the store; a lock left by a dead process is taken over.
 *
 * @throws {TallystickError} `ERR_QUEUE_LOCKED` when another live process holds the store;
 * `ERR_STORE` when the log is damaged inside acknowledged data or cannot be read.
 * @example
 * ```ts
 * import { createIntentQueue } from '@tallystick/queue';
 * import { openFileStore } from '@tallystick/queue/file';
 *
 * const store = await openFileStore({ dir: './outbox' });
 * const queue = createIntentQueue({ store, device: 'till-1', send: async (b) => b.map(() => ({ status: 'acked' })) });
 * ```
 */
export async function openFileStore(options: FileStoreOptions): Promise<FileStore> {
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw new TypeError('options.dir must be a non-empty string');
  }
  const fs = options.fs ?? nodeFileSystem;
  const dir = options.dir;
  try {
    await fs.mkdir(dir);
  } catch (error) {
    throw toStoreError(error, `creating ${dir}`);
  }
  const lock = await acquireLockFile(fs, join(dir, 'queue.lock'), options.isProcessAlive);
  let handle: FileHandleLike | undefined;
  try {
    const logPath = join(dir, 'queue.log');
    await fs.unlink(`${logPath}.compact`).catch(() => undefined);
    handle = await openOrCreate(fs, logPath);
    const { size } = await handle.stat();
    const recovered = await recoverLog(handle, size);
    if (recovered.goodSize < size) {
      await handle.truncate(recovered.goodSize);
      await handle.datasync();
    }
    return new FileQueueStore(
      fs,
      dir,
      logPath,
      lock,
      handle,
      recovered,
      options.compactMinBytes ?? 64 * 2 ** 20,
    );
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await lock.release();
    throw toStoreError(error, `opening the queue in ${dir}`);
  }
}

async function openOrCreate(fs: FileSystem, path: string) {
  try {
    return await fs.open(path, 'r+');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    return await fs.open(path, 'wx+');
  }
}

class FileQueueStore implements FileStore {
  readonly kind = 'file';
  readonly capabilities = { persistent: true, sharedAccess: false, concurrentReplayers: false } as const;
  private readonly writer: LogWriter;
  private readonly reader: LogReader;
  private readonly table: StateTable<FileEntry>;
  private readonly replayer = createLocalReplayerLock();
  private lastSeq: number;
  private highWaterMark: string | undefined;
  private liveBytes: number;
  private closed = false;
  private compacting: Promise<void> | undefined;
  private broken: Error | undefined;

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly logPath: string,
    private readonly lock: HeldLock,
    handle: FileHandleLike,
    recovered: Awaited<ReturnType<typeof recoverLog>>,
    private readonly compactMinBytes: number,
  ) {
    this.writer = new LogWriter(handle, recovered.goodSize);
    this.reader = new LogReader(handle);
    this.table = recovered.table;
    this.lastSeq = recovered.lastSeq;
    this.highWaterMark = recovered.highWater;
    this.liveBytes = recovered.liveBytes;
  }

  get logBytes(): number {
    return this.writer.length;
  }

  get groupCommits(): number {
    return this.writer.groups;
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertUsable('append');
    const entries = intents.map((intent) => new FileEntry(newState(++this.lastSeq, intent, now), 0, 0));
    const frames = entries.map((entry, i) =>
      enqueueFrame(entry, intents[i]!.hlc, JSON.stringify(intents[i])),
    );
    const offsets = await this.writer.append(frames);
    entries.forEach((entry, i) => {
      entry.pos = offsets[i]!;
      entry.len = frames[i]!.length;
      this.table.add(entry);
      this.liveBytes += entry.len;
      const hlc = intents[i]!.hlc;
      if (this.highWaterMark === undefined || hlc > this.highWaterMark) this.highWaterMark = hlc;
    });
  }

  async claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertUsable('claim');
    const before = new Map<FileEntry, [number, number]>();
    const claimed = this.table.claim(request);
    for (const entry of claimed) before.set(entry, [entry.attempts - 1, 0]);
    if (claimed.length === 0) return [];
    // The claim record rides along with the next group's fsync instead of waiting for its own: if it is
    // lost in a crash, the intents are merely claimable sooner and one attempt is not counted.
    this.writer.append([claimFrame(claimed, request.now + request.leaseMs)]).catch(() => undefined);
    try {
      const envelopes = await this.reader.read(claimed);
      return claimed.map((entry, i) => toQueued(entry, envelopes[i]!, request.now));
    } catch (error) {
      // Undo the claim so the intents stay deliverable now rather than after the lease.
      for (const [entry, [attempts, lease]] of before) {
        entry.attempts = attempts;
        entry.leaseUntil = lease;
      }
      throw toStoreError(error, 'claiming intents');
    }
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertUsable('settle');
    if (settlements.length === 0) return;
    for (const s of settlements) {
      const entry = this.table.get(s.seq);
      if (s.kind === 'ack' && entry && entry.deadReason === undefined) this.liveBytes -= entry.len;
    }
    this.table.settle(settlements);
    // Memory is already ahead of the log: losing this write only means a redelivery after a restart.
    await this.writer.append([settleFrame(settlements)]);
    this.maybeCompact();
  }

  async requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertUsable('requeue');
    const moves: [number, number][] = this.table.deadAmong(refs).map((e) => [e.seq, ++this.lastSeq]);
    if (moves.length === 0) return 0;
    await this.writer.append([requeueFrame(moves, now)]);
    let moved = 0;
    for (const [from, to] of moves) {
      const old = this.table.get(from);
      if (!old || old.deadReason === undefined) continue;
      this.table.remove(from);
      this.table.add(requeued(old, to, now));
      moved++;
    }
    return moved;
  }

  async discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertUsable('discard');
    const seqs = this.table.deadAmong(refs).map((e) => e.seq);
    if (seqs.length === 0) return 0;
    await this.writer.append([discardFrame(seqs)]);
    let removed = 0;
    for (const seq of seqs) {
      const entry = this.table.get(seq);
      if (entry?.deadReason === undefined) continue;
      this.table.remove(seq);
      this.liveBytes -= entry.len;
      removed++;
    }
    this.maybeCompact();
    return removed;
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertUsable('count');
    return this.table.count(now);
  }

  async list(request: ListRequest): Promise<QueuedIntent[]> {
    this.assertUsable('list');
    const entries = this.table.list(request);
    const envelopes = await this.reader.read(entries);
    return entries.map((entry, i) => toQueued(entry, envelopes[i]!, request.now));
  }

  async nextDueAt(): Promise<number | undefined> {
    this.assertUsable('nextDueAt');
    return this.table.nextDueAt();
  }

  async highWater(): Promise<string | undefined> {
    return this.highWaterMark;
  }

  async acquireReplayer(owner: string): Promise<ReplayerLease | undefined> {
    this.assertUsable('acquireReplayer');
    return this.replayer(owner);
  }

  compact(): Promise<void> {
    this.assertUsable('compact');
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compacting?.catch(() => undefined);
    await this.writer.close();
    await this.reader.close();
    await this.lock.release();
  }

  private maybeCompact(): void {
    const garbage = this.writer.length - this.liveBytes;
    if (this.compacting || garbage < this.compactMinBytes || garbage < this.liveBytes) return;
    // A failed background compaction (a full disk, say) leaves the old log in use; it is retried later.
    this.compact().catch(() => undefined);
  }

  private runCompaction(): Promise<void> {
    return this.writer.exclusive(async (replace) => {
      const entries = [...this.table.scan()];
      try {
        const result = await compactLog({
          fs: this.fs,
          dir: this.dir,
          logPath: this.logPath,
          tempPath: `${this.logPath}.compact`,
          source: this.reader.handle,
          entries,
          lastSeq: this.lastSeq,
          highWater: this.highWaterMark,
        });
        let live = 0;
        entries.forEach((entry, i) => {
          entry.pos = result.positions[2 * i]!;
          entry.len = result.positions[2 * i + 1]!;
          if (this.table.get(entry.seq) === entry) live += entry.len;
        });
        this.liveBytes = live;
        this.reader.swap(result.handle);
        replace(result.handle, result.size);
      } catch (error) {
        if (error instanceof LogReplacedError) this.broken = error;
        throw toStoreError(error, 'compacting the queue log');
      }
    });
  }

  private assertUsable(what: string): void {
    if (this.closed) throw closedError(what);
    if (this.broken) throw toStoreError(this.broken, `${what} (reopen the store)`);
  }
}
