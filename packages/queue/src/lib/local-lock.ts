import type { ReplayerLease } from '../store.js';

/**
 * The replayer lock of a store that only one process can open (memory, file):
 * it only has to keep two queues inside this process apart.
 */
export function createLocalReplayerLock(): (owner: string) => ReplayerLease | undefined {
  let holder: string | undefined;
  return (owner) => {
    if (holder !== undefined && holder !== owner) return undefined;
    holder = owner;
    return {
      renew: async () => holder === owner,
      release: async () => {
        if (holder === owner) holder = undefined;
      },
    };
  };
}
