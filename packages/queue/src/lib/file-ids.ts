import type { IntentEnvelope } from '@tallystick/core';
import type { ListRequest } from '../store.js';
import type { QueuedIntent } from '../types.js';

/** Reads one page of the store's intents, every status, in seq order. */
export type PageReader = (request: ListRequest) => Promise<QueuedIntent[]>;

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
  /** appendIfAbsent calls run one at a time: a check and its append must not interleave with another's. */
  private turn: Promise<unknown> = Promise.resolve();
  private busy = 0;

  constructor(private readonly readPage: PageReader) {}

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
    if (ids && this.busy === 0 && !ids.has(intent.id)) {
      // The common case once the set is built: decided now, so the append takes its seq in call order.
      ids.add(intent.id);
      return this.take(
        append().then(
          () => undefined,
          (error: unknown) => {
            ids.delete(intent.id);
            throw error;
          },
        ),
      );
    }
    return this.take(
      this.turn.then(async () => {
        const ids = await this.index(now);
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
      }),
    );
  }

  /** Makes `run` the turn the next call waits for. */
  private take<T>(run: Promise<T>): Promise<T> {
    this.busy++;
    const done = run.finally(() => this.busy--);
    this.turn = done.catch(() => undefined);
    return done;
  }

  private index(now: number): Promise<Set<string>> {
    this.building ??= (async () => {
      const ids = new Set<string>();
      this.ids = ids;
      try {
        for (let afterSeq: number | undefined; ; ) {
          const page = await this.readPage({ limit: PAGE, afterSeq, now });
          for (const q of page) ids.add(q.intent.id);
          if (page.length < PAGE) return ids;
          afterSeq = page[page.length - 1]!.seq;
        }
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
