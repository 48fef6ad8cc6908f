import { type ClaimBody, claimFrame } from './file-bodies.js';
import { RecordType } from './file-frame.js';
import { type EnqueueHeader, splitEnqueue, touchedFromHeader } from './file-records.js';

import { FrameScanner } from './file-scan.js';
import type { FileWindow, Touched } from './file-window.js';
import type { FileHandleLike } from './fs-layer.js';
import type { LogWriter } from './log-writer.js';

/** A record the cursor just read into the window. */
export interface ReadRecord {
  seq: number;
  header: EnqueueHeader;
  envelopeJson: string;
}

/**
 * The replayer's read cursor over the log. Every live intent before it is in
 * the {@link FileWindow}; everything after it is pristine (never claimed) and
 * stays on disk until {@link advance} reads it forward with buffered reads.
 *
 * Which entries were read, and where the cursor stands, becomes durable in
 * the next CLAIM record ({@link claimBody}). That record is written in the
 * background; if its write fails, the next one carries its content again,
 * and no later CLAIM record is written before the previous one has finished,
 * so a durable cursor never skips entries whose record was lost.
 */
export class LogCursor {
  private scanner: FrameScanner | undefined;
  /** Seqs read since the last durable CLAIM record. */
  private unsavedRows: number[] = [];
  /** Seqs claimed since the last durable CLAIM record. */
  private unsavedClaims: number[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private handle: FileHandleLike,
    readonly window: FileWindow,
    /** Log position up to which every record has been read. */
    public cursor: number,
    /** Largest seq read so far. */
    public cursorSeq: number,
    /** States recovery found for intents past the cursor (their CLAIM record was lost); 'gone' when acked. */
    private readonly ahead: Map<number, Touched | 'gone'>,
  ) {}

  /**
   * Reads up to the intents recovery found settled past the cursor (their
   * CLAIM record was lost), so that afterwards everything past the cursor is
   * pristine, and makes that durable before the store is used.
   */
  async catchUp(writer: LogWriter): Promise<void> {
    if (this.ahead.size === 0) return;
    while (this.ahead.size > 0 && (await this.advance(writer.length))) {}
    this.ahead.clear();
    await writer.append([claimFrame(this.claimBody())], true);
    this.saved();
  }

  /**
   * Writes a CLAIM record for what is unsaved, in the background: if a crash
   * loses it, the intents are merely claimable sooner and one attempt goes
   * uncounted, so sending need not wait for an fsync. If the write fails, the
   * next record carries its content.
   */
  persist(writer: LogWriter): void {
    // On a full disk the record is skipped (it would only fail): recovery then reads from the last
    // durable cursor, and the SETTLE records say what became of the intents read since.
    if (!this.dirty || writer.tight) return;
    this.writing = writer.append([claimFrame(this.claimBody())]).then(
      () => this.saved(),
      () => undefined,
    );
  }

  /** Resolves once the last CLAIM record is durable or has failed; never rejects. */
  written(): Promise<void> {
    return this.writing;
  }

  /** Whether a CLAIM record is due: something was read or claimed since the last durable one. */
  get dirty(): boolean {
    return this.unsavedRows.length > 0 || this.unsavedClaims.length > 0;
  }

  /** Reads the next ENQUEUE record before `end` into the window, or returns undefined at `end`. */
  async advance(end: number): Promise<ReadRecord | undefined> {
    const scanner = this.scanner ?? new FrameScanner(this.handle, this.cursor, end);
    this.scanner = scanner;
    scanner.end = end;
    for (;;) {
      const next = await scanner.next();
      this.cursor = scanner.pos;
      if (!next) return undefined;
      if (next.frame.type !== RecordType.enqueue) continue;
      const { header, envelopeJson } = splitEnqueue(next.frame.body);
      const seq = header.s;
      this.cursorSeq = Math.max(this.cursorSeq, seq);
      let touched = touchedFromHeader(header);
      if (this.ahead.size > 0 && this.ahead.has(seq)) {
        const early = this.ahead.get(seq)!;
        this.ahead.delete(seq);
        if (early === 'gone') continue;
        touched = early;
      }
      const i = this.window.push(seq, next.pos, next.frame.size, header.t, header.k);
      if (touched) Object.assign(this.window.touch(i), touched);
      this.unsavedRows.push(seq);
      return { seq, header, envelopeJson };
    }
  }

  /** Notes seqs claimed by this claim, for the next CLAIM record. */
  claimed(seqs: readonly number[]): void {
    for (const seq of seqs) this.unsavedClaims.push(seq);
  }

  /**
   * The CLAIM record for everything unsaved, with current states (an entry
   * acked or settled since is left out: its SETTLE record already says so).
   */
  claimBody(): ClaimBody {
    const body: ClaimBody = { w: [], s: [], a: [], l: [], c: this.cursor, q: this.cursorSeq };
    for (const seq of this.unsavedRows) {
      const i = this.window.find(seq);
      if (i >= 0) body.w.push(this.window.row(i));
    }
    for (const seq of this.unsavedClaims) {
      const i = this.window.find(seq);
      const t = i >= 0 ? this.window.state(i) : undefined;
      if (!t || t.deadReason !== undefined || t.leaseUntil === 0) continue;
      body.s.push(seq);
      body.a.push(t.attempts);
      body.l.push(t.leaseUntil);
    }
    return body;
  }

  /**
   * The last record built by {@link claimBody} is durable. Nothing was added
   * since it was built: the store builds the next one only after this one's
   * write has finished.
   */
  saved(): void {
    this.unsavedRows = [];
    this.unsavedClaims = [];
  }

  /** After compaction the window and cursor are durable in the new log. */
  reset(handle: FileHandleLike, cursor: number): void {
    this.handle = handle;
    this.cursor = cursor;
    this.scanner = undefined;
    this.unsavedRows = [];
    this.unsavedClaims = [];
  }
}
