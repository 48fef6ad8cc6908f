import { type Clock, createHlc, type Hlc } from '@tallystick/core';
import type { QueueStore } from '../store.js';
import { toStoreError } from './errors.js';

/**
 * The queue's hybrid logical clock, made on first use and resumed from the
 * store's high-water mark, so a wall clock set back (or a restart on another
 * clock) never stamps an intent before one already stored. A failed read of
 * the mark is not cached: the next enqueue tries again.
 */
export function createStamps(store: QueueStore, device: string, clock: Clock): () => Promise<Hlc> {
  let hlc: Promise<Hlc> | undefined;
  return () => {
    hlc ??= store
      .highWater()
      .then((last) => createHlc({ node: device, clock, ...(last ? { last } : {}) }))
      .catch((error: unknown) => {
        hlc = undefined;
        throw toStoreError(error, 'reading the HLC high-water mark');
      });
    return hlc;
  };
}
