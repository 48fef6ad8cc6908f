import { isOutOfSpace, toStoreError } from './errors.js';
import { commitFrame, concatFrames, HEADER_BYTES } from './file-frame.js';
import { type FileHandleLike, writeFully, writeFullySync } from './fs-layer.js';
import { GroupPace } from './group-pace.js';
import { LogRoom } from './log-room.js';

interface Pending {
  frames: readonly Uint8Array[];
  /** May use the reserved room (a settling record: it is what frees space). */
  settles: boolean;
  resolve(offsets: number[]): void;
  reject(error: unknown): void;
}

/** A group is capped so one huge burst does not delay every caller in it. */
const MAX_GROUP_BYTES = 8 * 1024 * 1024;
/**
 * Room even settling writes leave: what a compaction of a nearly empty log
 * needs on a full disk (it gives the room back first), so that once delivery
 * has emptied the backlog, the log can always shrink.
 */
const COMPACT_ROOM = 4096;

/**
 * Appends frames to the log with group commit: everything submitted while a
 * write+fsync is running goes out together in the next one, closed by a
 * COMMIT record. A failed write is truncated away before anything else is
 * written, so an unacknowledged record can never resurface later. Groups,
 * and jobs run through {@link exclusive}, never overlap; frames reach the
 * file in the order they were submitted. {@link GroupPace} decides when a
 * group starts.
 */
export class LogWriter {
  private pending: Pending[] = [];
  /** A group or an exclusive job is running; everything else waits its turn. */
  private held = false;
  private readonly turns: (() => void)[] = [];
  private drainQueued = false;
  /** Bytes of the log that are known good; a write failure truncates back to it. */
  private size: number;
  /** Zero-filled room past `size` for the next groups. */
  private readonly room: LogRoom;
  private needsTruncate = false;
  /** Counts write+fsync rounds, for tests and benchmarks. */
  groups = 0;
  /**
   * The last write that grows the log (not a settling one) found no room: the
   * disk is full. Optional records (CLAIM) are skipped while it holds.
   */
  tight = false;

  constructor(
    private handle: FileHandleLike,
    size: number,
    /**
     * Bytes of room past the log that only settling writes may use, so that
     * delivery can record itself on a full disk: a write that grows the log
     * must leave this much room behind it, or it fails as storage full.
     */
    private readonly reserve: () => number = () => 0,
    private readonly pace = new GroupPace(),
  ) {
    this.size = size;
    this.room = new LogRoom(size);
  }

  get length(): number {
    return this.size;
  }

  /**
   * Resolves with each frame's offset once all of them are durable. `settles`:
   * the frames record delivery (SETTLE, DISCARD), so they may use the reserved room.
   */
  append(frames: readonly Uint8Array[], settles = false): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ frames, settles, resolve, reject });
      this.pace.arrived();
      if (this.held) return; // the running group looks at what is waiting when it ends
      // Started synchronously, so the fsync runs on the thread pool while this burst goes on.
      if (this.pace.startEarly()) this.take(() => this.writeGroups());
      else this.queueDrain();
    });
  }

  /**
   * Runs `fn` between groups, with no write in progress (for compaction). `fn`
   * may swap the file through `replace`.
   */
  exclusive<T>(fn: (replace: (handle: FileHandleLike, size: number) => void) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.take(() =>
        fn((handle, size) => {
          this.handle = handle;
          this.size = size;
          this.room.allocated = size;
          this.needsTruncate = false;
          this.tight = false;
        }).then(resolve, reject),
      );
    });
  }

  /** Writes everything submitted, in its turn after the running group, then gives the preallocated room back. */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      while (this.pending.length > 0) await this.writeGroup();
      await this.trimRoom();
    });
  }

  /** Gives the zero-filled room back to the disk (inside {@link exclusive}: compaction needs the space). */
  async trimRoom(): Promise<void> {
    if (this.room.allocated > this.size) await this.discardTail();
  }

  /** Runs `job` holding the writer, now if it is free, otherwise after the jobs already waiting. */
  private take(job: () => Promise<unknown>): void {
    const run = () => {
      this.held = true;
      void job()
        .catch(() => undefined)
        .finally(() => this.release());
    };
    if (this.held) this.turns.push(run);
    else run();
  }

  private release(): void {
    this.held = false;
    const next = this.turns.shift();
    if (next) next();
    // Appends that waited: the producers just resolved reach their next append at one step and queue
    // the drain there, joining these; if none comes, the next macrotask writes them anyway.
    else if (this.pending.length > 0) setImmediate(() => this.queueDrain());
  }

  /**
   * Writes what is waiting at the end of this run of microtasks: producers
   * resumed together reach their next append at the same step, so all of them
   * join the group.
   */
  private queueDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    queueMicrotask(() => {
      this.drainQueued = false;
      // Takes its turn after any job already waiting (FIFO), so exclusive jobs cannot starve appends.
      if (this.pending.length > 0) this.take(() => this.writeGroups());
    });
  }

  /** Writes groups back to back while overlapping them with the producers' bursts pays. */
  private async writeGroups(): Promise<void> {
    let again = true;
    while (again && this.pending.length > 0) again = await this.writeGroup();
  }

  /** Writes one group; returns whether the next one should start at once. */
  private async writeGroup(): Promise<boolean> {
    const startedAt = this.pace.groupStarted();
    const taken: Pending[] = [];
    let bytes = 0;
    while (this.pending.length > 0 && (taken.length === 0 || bytes < MAX_GROUP_BYTES)) {
      const next = this.pending.shift()!;
      taken.push(next);
      for (const frame of next.frames) bytes += frame.length;
    }
    const start = this.size;
    let group: Pending[];
    try {
      if (this.needsTruncate) {
        await this.handle.truncate(this.size);
        this.needsTruncate = false;
      }
      group = await this.fit(taken);
    } catch (error) {
      const wrapped = toStoreError(error, 'writing the queue log');
      for (const member of taken) member.reject(wrapped);
      return false;
    }
    if (group.length === 0) return false;
    const frames: Uint8Array[] = [];
    const offsets: number[][] = [];
    let at = start;
    for (const member of group) {
      const mine: number[] = [];
      for (const frame of member.frames) {
        frames.push(frame);
        mine.push(at);
        at += frame.length;
      }
      offsets.push(mine);
    }
    frames.push(commitFrame(start));
    try {
      const buffer = concatFrames(frames);
      // Synchronous when it can be, so a group started mid-burst has its fsync under way before the
      // burst goes on.
      const { handle } = this;
      if (handle.writeSync) writeFullySync(handle as Required<FileHandleLike>, buffer, start);
      else await writeFully(handle, buffer, start);
      await handle.datasync();
      this.size = start + buffer.length;
      this.groups++;
      group.forEach((member, i) => {
        member.resolve(offsets[i]!);
      });
      return this.pace.groupDone(group.length, startedAt, this.pending.length > 0);
    } catch (error) {
      await this.discardTail();
      const wrapped = toStoreError(error, 'writing the queue log');
      for (const member of group) member.reject(wrapped);
      return false;
    }
  }

  /**
   * Makes room for the group and returns the members that got it. A group
   * that grows the log must leave the reserve behind it; when the disk cannot
   * give that, its growing members fail as storage full and its settling
   * members are written alone, so delivery goes on while enqueues are refused.
   */
  private async fit(group: Pending[]): Promise<Pending[]> {
    const grows = group.some((member) => !member.settles);
    let bytes = HEADER_BYTES + String(this.size).length;
    for (const member of group) for (const frame of member.frames) bytes += frame.length;
    try {
      await this.room.make(this.handle, this.size, this.size + bytes, grows ? this.reserve() : COMPACT_ROOM);
      if (grows) this.tight = false;
      return group;
    } catch (error) {
      if (this.room.allocated === this.size) this.needsTruncate = true;
      const full = isOutOfSpace(error);
      if (grows && full) this.tight = true;
      const settling = grows && full ? group.filter((member) => member.settles) : [];
      const wrapped = toStoreError(error, 'writing the queue log');
      for (const member of group) if (!member.settles || settling.length === 0) member.reject(wrapped);
      return settling.length > 0 ? this.fit(settling) : [];
    }
  }

  /** Cuts a partly written group off; if even that fails, the next group retries it first. */
  private async discardTail(): Promise<void> {
    this.room.allocated = this.size;
    try {
      await this.handle.truncate(this.size);
      this.needsTruncate = false;
    } catch {
      this.needsTruncate = true;
    }
  }
}
