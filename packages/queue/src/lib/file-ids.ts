import type { IntentEnvelope } from '@tallystick/core';
import type { ListRequest } from '../store.js';
import type { QueuedIntent } from '../types.js';
import type { LogCursor } from './file-cursor.js';
import { RecordType } from './file-frame.js';
import type { LogReader } from './file-reader.js';
import { parseEnqueueHeader } from './file-records.js';
import { FrameScanner } from './file-scan.js';

/** Reads one page of the store's intents, every status, in seq order. */
export type PageReader = (request: ListRequest) => Promise<QueuedIntent[]>;

/**
 * The ids of every live intent in one pass: the window's envelopes read back
 * (it is small: in flight, retrying, dead, held), then only the ENQUEUE
 * headers past the cursor, which carry the id, so no payload is parsed.
 * Paging through `list` instead rescans from the cursor for every page.
 */
export async function scanLiveIds(cursor: LogCursor, reader: LogReader, end: number): Promise<string[]> {
  const { window } = cursor;
  const spots = [...window.indices()].map((i) => ({ pos: window.pos(i), len: window.len(i) }));
  const ids = (await reader.read(spots)).map((intent) => intent.id);
  const scanner = new FrameScanner(reader.handle, cursor.cursor, end);
  for (let next = await scanner.next(); next; next = await scanner.next()) {
    if (next.frame.type === RecordType.enqueue) ids.push(parseEnqueueHeader(next.frame.body).i);
  }
  return ids;
}

const PAGE = 1000;

/**
 * The ids of the intents a file store holds (pending, inflight, dead), for
 * `appendIfAbsent`. The log has no index by id, and a plain `append` must not
 * pay for one, so the set is built on the first `appendIfAbsent` after open,
 * by one pass over the live intents, and then kept up to date: ids join on
 * append, leave on ack and discard. Memory is one string per live intent,
 * only in processes that use caller-chosen ids.
 *
 * An id may linger after it left (an ack that raced the first pass): a hit
 * is always confirmed by reading the intent back, and a stale id is dropped.
 * An id is never missing while its intent is held, because ids join before
 * the first pass starts reading.
 */
export class LiveIds {
  private ids: Set<string> | undefined;
  private building: Promise<Set<string>> | undefined;
  /** The first pass is complete: a miss in the set is a miss in the store. */
  private built = false;
  /** Calls that must read the log (building the set, confirming a hit) run one at a time. */
  private turn: Promise<unknown> = Promise.resolve();
  /** Fast-path appends not yet durable. */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    private readonly scanIds: () => Promise<string[]>,
    private readonly readPage: PageReader,
  ) {}

  /** An append of `id` became durable. */
  added(id: string): void {
    this.ids?.add(id);
  }

  /** `id` left the store (acked or discarded). */
  removed(id: string): void {
    this.ids?.delete(id);
  }

  /**
   * Runs `append` unless an intent with `intent.id` is held; resolves with the
   * held envelope, or undefined once `append` stored it.
   */
  appendIfAbsent(
    intent: IntentEnvelope,
    now: number,
    append: () => Promise<void>,
  ): Promise<IntentEnvelope | undefined> {
    const { ids } = this;
    if (ids && this.built && !ids.has(intent.id)) {
      // The common case once the set is built: decided now, so the append takes its seq in call
      // order and shares a group commit with its neighbours; the id is taken before any await.
      ids.add(intent.id);
      const run = append().then(
        () => undefined,
        (error: unknown) => {
          ids.delete(intent.id);
          throw error;
        },
      );
      this.writing.add(run);
      void run.catch(() => undefined).then(() => this.writing.delete(run));
      return run;
    }
    // Building the set, or a hit to confirm: one at a time, after every append already under way,
    // so a hit finds its intent in the log.
    const run = this.turn.then(async () => {
      await Promise.allSettled([...this.writing]);
      const ids = await this.index();
      if (ids.has(intent.id)) {
        const held = await this.find(intent.id, now);
        if (held) return held;
        ids.delete(intent.id);
      }
      ids.add(intent.id);
      try {
        await append();
      } catch (error) {
        ids.delete(intent.id);
        throw error;
      }
      return undefined;
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  private index(): Promise<Set<string>> {
    this.building ??= (async () => {
      const ids = new Set<string>();
      this.ids = ids;
      try {
        for (const id of await this.scanIds()) ids.add(id);
        this.built = true;
        return ids;
      } catch (error) {
        // A failed pass leaves no half-built set behind: the next call starts over.
        this.ids = undefined;
        this.building = undefined;
        throw error;
      }
    })();
    return this.building;
  }

  private async find(id: string, now: number): Promise<IntentEnvelope | undefined> {
    for (let afterSeq: number | undefined; ; ) {
      const page = await this.readPage({ limit: PAGE, afterSeq, now });
      const hit = page.find((q) => q.intent.id === id);
      if (hit) return hit.intent;
      if (page.length < PAGE) return undefined;
      afterSeq = page[page.length - 1]!.seq;
    }
  }
}
