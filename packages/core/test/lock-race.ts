/**
 * Races child processes for one lock: each child loads, says `ready`, waits
 * for `go` on stdin (sent to all at once), tries to take the lock, says `won`
 * or `lost <code> <message>`, and a winner holds it until stdin closes. Used
 * by the lock's tests here and by the stores that take it.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RaceResult {
  won: number;
  lost: string[];
}

export async function race(script: string, args: string[], children: number): Promise<RaceResult> {
  const procs = Array.from({ length: children }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--conditions=@tallystick/source', script, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  // Listen for exits now: a loser exits as soon as it has answered.
  const exited = procs.map((p) => new Promise((resolve) => p.once('exit', resolve)));
  const lines = procs.map((p) => createInterface(p.stdout!)[Symbol.asyncIterator]());
  const next = async (i: number) => String((await lines[i]!.next()).value ?? 'exited');
  const ready = await Promise.all(procs.map((_, i) => next(i)));
  if (ready.some((line) => line !== 'ready'))
    throw new Error(`a child failed to start: ${ready.join(' | ')}`);
  for (const p of procs) p.stdin!.write('go\n');
  const outcomes = await Promise.all(procs.map((_, i) => next(i)));
  for (const p of procs) p.stdin!.end();
  await Promise.all(exited);
  return { won: outcomes.filter((o) => o === 'won').length, lost: outcomes.filter((o) => o !== 'won') };
}

/** Spawns a process that exits at once: its pid is dead (and not soon reused) afterwards. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}
