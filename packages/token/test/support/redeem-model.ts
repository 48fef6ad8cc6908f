/**
 * A durable outbox and spent store in memory, for the redeemer's model test:
 * their state survives a "crash" (the redeemer is abandoned and reopened), and
 * a crash can be injected before or after any of their operations. A crash
 * leaves the operation's promise pending forever, as a killed process would.
 */
import type { JsonValue } from '@tallystick/core';
import type { RedemptionOutbox, SpentStore } from '../../src/index.js';

export type Step = 'has' | 'enqueue' | 'checkAndAdd';
export interface CrashPlan {
  step: Step;
  /** Crash before the step takes effect, or after it took effect but before the caller sees it. */
  when: 'before' | 'after';
}

export interface Disk {
  intents: { seq: number; intent: { id: string; type: string; payload: JsonValue; partitionKey?: string } }[];
  spent: Map<string, number>;
  seq: number;
}

export const newDisk = (): Disk => ({ intents: [], spent: new Map(), seq: 0 });

const never = <T>() => new Promise<T>(() => {});

/** Views of one disk for one process life; `plan` (if any) kills that life at its step. */
export function lifeOn(disk: Disk, plan: CrashPlan | undefined) {
  let dead = false;
  const gate = async <T>(step: Step, apply: () => T): Promise<T> => {
    if (dead) return never();
    if (plan?.step === step && plan.when === 'before') {
      dead = true;
      return never();
    }
    const value = apply();
    if (plan?.step === step && plan.when === 'after') {
      dead = true;
      return never();
    }
    return value;
  };
  const outbox: RedemptionOutbox = {
    enqueue: (input, { id }) =>
      gate('enqueue', () => {
        const held = disk.intents.find((q) => q.intent.id === id);
        if (held) return held.intent;
        const intent = { id, ...input };
        disk.intents.push({ seq: ++disk.seq, intent });
        return intent;
      }),
    list: async ({ limit = 100, afterSeq = 0 }) => {
      if (dead) return never();
      return disk.intents.filter((q) => q.seq > afterSeq).slice(0, limit);
    },
  };
  const spent: SpentStore = {
    has: (id) => gate('has', () => disk.spent.has(id)),
    checkAndAdd: (id, keepUntil) =>
      gate('checkAndAdd', () => {
        if (disk.spent.has(id)) return false;
        disk.spent.set(id, keepUntil);
        return true;
      }),
    prune: async () => 0,
    close: async () => {},
  };
  return {
    outbox,
    spent,
    get dead() {
      return dead;
    },
  };
}
