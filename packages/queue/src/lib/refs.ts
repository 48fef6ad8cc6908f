import type { IntentRef, QueueStore } from '../store.js';
import type { QueuedIntent } from '../types.js';

/**
 * Turns what a caller passes to `requeue`/`discard` (ids, or intents as
 * listed) into store refs. Ids are looked up by paging through the
 * dead-letter area, the only place these operations apply.
 *
 * @throws {TypeError} for a target that is neither.
 */
export async function deadRefs(
  store: QueueStore,
  targets: readonly (string | QueuedIntent)[],
  now: number,
): Promise<IntentRef[]> {
  const out: IntentRef[] = [];
  const ids = new Set<string>();
  for (const t of targets) {
    if (typeof t === 'string') ids.add(t);
    else if (typeof t === 'object' && t !== null) out.push({ seq: t.seq, id: t.intent.id });
    else throw new TypeError('targets must be intent ids or queued intents');
  }
  let after: number | undefined;
  while (ids.size > 0) {
    const page = await store.list({ status: 'dead', limit: 500, afterSeq: after, now });
    if (page.length === 0) break;
    for (const q of page) if (ids.delete(q.intent.id)) out.push({ seq: q.seq, id: q.intent.id });
    after = page[page.length - 1]!.seq;
  }
  return out;
}
