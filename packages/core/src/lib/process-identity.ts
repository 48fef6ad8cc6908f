/**
 * Who holds a lock file: a process is named by its pid, its host, and (on
 * Linux) its start time in clock ticks since boot, read from /proc. The start
 * time tells a reused pid from the process that wrote the lock: after a
 * container restart the new process is pid 1 again, and a lock from the old
 * pid 1 must read as stale, not as "held by me"; and worker threads share a
 * pid and a start time, so a lock held by another thread reads as live.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** What a lock file records about its holder. */
export interface LockOwner {
  pid: number;
  host: string;
  /** Start time from /proc, when the platform has it. */
  start?: string;
  /** Unique per acquisition, so a holder recognises its own lock and a taker the stale one it saw. */
  token: string;
  /** A bare-pid lock from before 0.2: never written by this process. */
  legacy?: boolean;
}

/** The start time of `pid` from `/proc/<pid>/stat` (field 22), or undefined off Linux or if it is gone. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses; fields after the last ')' do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(token: string): LockOwner {
  const start = processStart(process.pid);
  return { pid: process.pid, host: hostname(), ...(start === undefined ? {} : { start }), token };
}

/**
 * Parses a lock file: the JSON this module writes, or a bare pid (the format
 * of the token spent store's lock before 0.2), which is taken as this host's.
 * Returns undefined for anything else.
 */
export function parseOwner(text: string): LockOwner | undefined {
  const trimmed = text.trim();
  // An empty file is what the old create-then-write lock left when its process died in between.
  if (trimmed === '') return { pid: 0, host: hostname(), token: 'empty', legacy: true };
  if (/^[1-9]\d{0,9}$/.test(trimmed))
    return { pid: Number(trimmed), host: hostname(), token: `pid-${trimmed}`, legacy: true };
  try {
    const value = JSON.parse(trimmed) as Partial<LockOwner>;
    if (
      typeof value?.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.token === 'string' &&
      /^[\w-]{1,64}$/.test(value.token) &&
      (value.start === undefined || typeof value.start === 'string')
    ) {
      const { pid, host, token, start } = value as LockOwner;
      return { pid, host, token, ...(start === undefined ? {} : { start }) };
    }
  } catch {
    // Not JSON: reported as unreadable by the caller.
  }
  return undefined;
}

/**
 * Whether `holder` may still be using its lock: a process on another host
 * always may (it cannot be probed); on this host, our own pid is live unless
 * its start time says it was an earlier process with our pid; another pid is
 * live if it exists and, where start times are known, is the same process.
 */
export function holderIsLive(holder: LockOwner, me: LockOwner, alive: (pid: number) => boolean): boolean {
  if (holder.host !== me.host) return true;
  if (holder.pid <= 0) return false;
  if (holder.pid === me.pid) {
    return holder.legacy !== true && (holder.start === undefined || holder.start === me.start);
  }
  if (!alive(holder.pid)) return false;
  if (holder.start === undefined) return true;
  const now = processStart(holder.pid);
  return now === undefined || now === holder.start;
}
