import type { IntentEnvelope } from '@tallystick/core';
import type { HeldLock } from '@tallystick/core/node';
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
import { closedError, isOutOfSpace, toStoreError } from './errors.js';
import { settleFrame } from './file-bodies.js';
import { compactLog, LogReplacedError } from './file-compact.js';
import { LogCursor } from './file-cursor.js';
import { type DeadLetterLog, discardDead, requeueDead } from './file-dead.js';
import { renewInWindow, settleInWindow } from './file-entry.js';
import { LiveIds, scanLiveIds } from './file-ids.js';
import { listEntries, nextDue } from './file-inspect.js';
import { pickBatch } from './file-pick.js';
import { LogReader } from './file-reader.js';
import { appendFrames } from './file-records.js';
import type { RecoveredLog } from './file-recover.js';
import type { FileHandleLike, FileSystem } from './fs-layer.js';
import { createLocalReplayerLock } from './local-lock.js';
import { LogWriter } from './log-writer.js';

/**
 * Room kept past the log for SETTLE records, so delivery can record itself
 * on a full disk: a fixed part plus a share per live intent (an ack costs 2-3
 * bytes in a batch of 100, about 50 alone). When it runs out, a settle falls
 * back to compaction.
 */
const RESERVE_BASE = 16 * 1024;
const RESERVE_PER_INTENT = 16;
/** Dead bytes per live byte that trigger a compaction (see maybeCompact). */
const DEAD_TO_LIVE = 4;

/**
 * The file adapter's store. The log holds every intent; memory holds the read
 * cursor, the window of live intents before it (in flight, retrying, dead, or
 * held behind a blocked partition) and counters. Pristine intents after the
 * cursor are read forward only when a claim needs them, so memory does not
 * grow with the backlog.
 */
export class FileQueueStore implements FileStore {
  readonly kind = 'file';
  readonly capabilities = {
    persistent: true,
    sharedAccess: false,
    concurrentReplayers: false,
    renewsLeases: true,
  } as const;
  private readonly writer: LogWriter;
  private readonly reader: LogReader;
  private readonly cursor: LogCursor;
  private readonly replayer = createLocalReplayerLock();
  private readonly deadLetters: DeadLetterLog;
  private readonly liveIds = new LiveIds(
    () => this.serial(() => scanLiveIds(this.cursor, this.reader, this.writer.length)),
    (request) => this.list(request),
  );
  private lastSeq: number;
  private highWaterMark: string | undefined;
  private liveBytes: number;
  private liveCount: number;
  private closed = false;
  private compacting: Promise<void> | undefined;
  private broken: Error | undefined;
  /** Live bytes when a compaction last failed for space: not tried again until delivery freed a good part. */
  private compactFailedAt = Number.POSITIVE_INFINITY;
  /** Serializes the operations that read the log or move the cursor. */
  private mutex: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly logPath: string,
    private readonly lock: HeldLock,
    handle: FileHandleLike,
    recovered: RecoveredLog,
    private readonly compactMinBytes: number,
  ) {
    this.writer = new LogWriter(
      handle,
      recovered.goodSize,
      () => RESERVE_BASE + RESERVE_PER_INTENT * this.liveCount,
    );
    this.reader = new LogReader(handle);
    this.cursor = new LogCursor(
      handle,
      recovered.window,
      recovered.cursor,
      recovered.cursorSeq,
      recovered.ahead,
    );
    this.lastSeq = recovered.lastSeq;
    this.highWaterMark = recovered.highWater;
    this.liveBytes = recovered.liveBytes;
    this.liveCount = recovered.liveCount;
    this.deadLetters = {
      window: recovered.window,
      reader: this.reader,
      writer: this.writer,
      nextSeq: () => ++this.lastSeq,
      freed: (bytes, intents) => {
        this.liveBytes -= bytes;
        this.liveCount -= intents;
      },
    };
  }

  get logBytes(): number {
    return this.writer.length;
  }

  get groupCommits(): number {
    return this.writer.groups;
  }

  get windowSize(): number {
    return this.cursor.window.size;
  }

  /** Finishes recovery: see {@link LogCursor.catchUp}. */
  settleAhead(): Promise<void> {
    return this.cursor.catchUp(this.writer);
  }

  async append(intents: readonly IntentEnvelope[], now: number): Promise<void> {
    this.assertUsable('append');
    // Seqs are taken before the write so concurrent appends keep their call order.
    const frames = appendFrames(intents, this.lastSeq + 1, now);
    this.lastSeq += intents.length;
    await this.writer.append(frames);
    for (let i = 0; i < intents.length; i++) {
      this.liveBytes += frames[i]!.length;
      const hlc = intents[i]!.hlc;
      if (this.highWaterMark === undefined || hlc > this.highWaterMark) this.highWaterMark = hlc;
    }
    this.liveCount += intents.length;
    for (const intent of intents) this.liveIds.added(intent.id);
  }

  appendIfAbsent(intent: IntentEnvelope, now: number): Promise<IntentEnvelope | undefined> {
    this.assertUsable('appendIfAbsent');
    return this.liveIds.appendIfAbsent(intent, now, () => this.append([intent], now));
  }

  claim(request: ClaimRequest): Promise<QueuedIntent[]> {
    this.assertUsable('claim');
    return this.serial(async () => {
      // The previous CLAIM record must be durable (or carried into this one) before the cursor moves on.
      await this.cursor.written();
      const picked = await pickBatch(this.cursor, request, this.writer.length);
      this.cursor.persist(this.writer);
      try {
        return await picked.materialize(this.reader, request.now);
      } catch (error) {
        picked.undo();
        throw toStoreError(error, 'claiming intents');
      }
    });
  }

  async renewLeases(refs: readonly IntentRef[], owner: string, leaseUntil: number): Promise<number> {
    this.assertUsable('renewLeases');
    return renewInWindow(this.cursor.window, refs, owner, leaseUntil);
  }

  async settle(settlements: readonly Settlement[]): Promise<void> {
    this.assertUsable('settle');
    if (settlements.length === 0) return;
    const freed = settleInWindow(this.cursor.window, settlements);
    for (const s of settlements) if (s.kind === 'ack') this.liveIds.removed(s.id);
    this.liveBytes -= freed.bytes;
    this.liveCount -= freed.intents;
    // Memory is already ahead of the log: losing this write only means a redelivery after a restart.
    try {
      await this.writer.append([settleFrame(settlements)], true);
    } catch (error) {
      // The reserve ran out on a full disk: a compaction folds this settlement (memory has it) into a
      // smaller log, which is what delivery is meant to achieve anyway.
      if (!isOutOfSpace(error) || !(await this.compactForSpace())) throw error;
      return;
    }
    this.maybeCompact();
  }

  requeue(refs: readonly IntentRef[], now: number): Promise<number> {
    this.assertUsable('requeue');
    return this.serial(() => requeueDead(this.deadLetters, refs, now));
  }

  discard(refs: readonly IntentRef[]): Promise<number> {
    this.assertUsable('discard');
    return this.serial(async () => {
      const removed = await discardDead(this.deadLetters, refs);
      for (const ref of refs) this.liveIds.removed(ref.id);
      this.maybeCompact();
      return removed;
    });
  }

  async count(now: number): Promise<StoreCounts> {
    this.assertUsable('count');
    const { dead, inflight } = this.cursor.window.unsettled(now);
    return { pending: this.liveCount - dead - inflight, inflight, dead };
  }

  list(request: ListRequest): Promise<QueuedIntent[]> {
    this.assertUsable('list');
    return this.serial(() => listEntries(this.cursor, this.reader, request, this.writer.length));
  }

  nextDueAt(): Promise<number | undefined> {
    this.assertUsable('nextDueAt');
    return this.serial(() => nextDue(this.cursor, this.reader.handle, this.writer.length));
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
    this.compacting ??= this.serial(() => this.runCompaction()).finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compacting?.catch(() => undefined);
    await this.mutex;
    await this.cursor.written();
    await this.writer.close();
    await this.reader.close();
    await this.lock.release();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  /**
   * Compacts by the ratio of dead to live bytes (past a floor), so the work
   * (copying the live bytes) is paid for by what it frees, and an empty
   * backlog leaves the log small. Dead bytes must outweigh live ones 4 to 1:
   * a drain of a large backlog then copies a quarter of it in all, not all of
   * it (each copy fsyncs; on a slow disk that stalled claims for seconds).
   * On a full disk, 1 to 1: the space is wanted now.
   */
  private maybeCompact(): void {
    const garbage = this.writer.length - this.liveBytes;
    const ratio = this.writer.tight ? 1 : DEAD_TO_LIVE;
    if (this.compacting || garbage < this.compactMinBytes || garbage < ratio * this.liveBytes) return;
    if (this.liveBytes > this.compactFailedAt * 0.75) return;
    // A failed background compaction (a full disk, say) leaves the old log in use; it is retried later.
    this.compact().catch(() => undefined);
  }

  /** A compaction on a full disk; false when it could not run (not enough delivered yet, or no space). */
  private async compactForSpace(): Promise<boolean> {
    if (this.liveBytes > this.compactFailedAt * 0.75 || this.writer.length - this.liveBytes <= 0)
      return false;
    try {
      await this.compact();
      return true;
    } catch {
      return false;
    }
  }

  private async runCompaction(): Promise<void> {
    // Positions in a CLAIM record refer to the log it is written to: let the last one land first.
    await this.cursor.written();
    return this.writer.exclusive(async (replace) => {
      try {
        // Its zero-filled room goes back to the disk first: on a full disk the new log needs it.
        await this.writer.trimRoom();
        const result = await compactLog({
          fs: this.fs,
          dir: this.dir,
          logPath: this.logPath,
          tempPath: `${this.logPath}.compact`,
          source: this.reader.handle,
          window: this.cursor.window,
          cursor: this.cursor.cursor,
          cursorSeq: this.cursor.cursorSeq,
          end: this.writer.length,
          lastSeq: this.lastSeq,
          highWater: this.highWaterMark,
        });
        this.liveBytes = result.liveBytes;
        this.compactFailedAt = Number.POSITIVE_INFINITY;
        this.reader.swap(result.handle);
        this.cursor.reset(result.handle, result.cursor);
        replace(result.handle, result.size);
      } catch (error) {
        if (error instanceof LogReplacedError) this.broken = error;
        else if (isOutOfSpace(error)) this.compactFailedAt = this.liveBytes;
        throw toStoreError(error, 'compacting the queue log');
      }
    });
  }

  private assertUsable(what: string): void {
    if (this.closed) throw closedError(what);
    if (this.broken) throw toStoreError(this.broken, `${what} (reopen the store)`);
  }
}
