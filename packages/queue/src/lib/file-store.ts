import type { IntentEnvelope } from '@tallystick/core';
import type { FileStore } from '../file.js';
import type {
  ClaimRequest,
  IntentRef,
  ListRequest,
  ReplayerLease,
  Settlement,
  StoreCounts,
} from '../store.js';
import type { QueuedIntent } from '../types.js';
import { closedError, toStoreError } from './errors.js';
import { compactLog, LogReplacedError } from './file-compact.js';
import { FileEntry, requeued } from './file-entry.js';
import { LogReader } from './file-reader.js';
import { claimFrame, discardFrame, enqueueFrame, requeueFrame, settleFrame } from './file-records.js';
import type { RecoveredLog } from './file-recover.js';
import type { FileHandleLike, FileSystem } from './fs-layer.js';
import { createLocalReplayerLock } from './local-lock.js';
import type { HeldLock } from './lock-file.js';
import { LogWriter } from './log-writer.js';
import { newState, toQueued } from './state.js';
import type { StateTable } from './state-table.js';

/**
 * The file adapter's store: an in-memory table of live intents (state and log
 * position only) over the append-only log, which holds the envelopes.
 */
export class FileQueueStore implements FileStore {
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
    recovered: RecoveredLog,
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
    // The claim record is written in the background, not waited for: if a crash loses it, the intents
    // are merely claimable sooner and one attempt goes uncounted. Sending need not wait for an fsync.
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
