/**
 * Kills a till's process in the middle of the lunch rush and checks, after the
 * restart, that every sale whose enqueue had resolved is in the queue exactly once.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Terminal } from './terminal.js';

export interface CrashReport {
  acked: number;
  presentAfterRestart: number;
  ackedPresentOnce: number;
  lost: number;
  duplicated: number;
  unackedButDurable: number;
}

const child = fileURLToPath(new URL('./till-process.ts', import.meta.url));

export async function killMidRush(
  terminal: Terminal,
  startMs: number,
  sales: number,
  price: number,
): Promise<CrashReport> {
  const before = new Set((await terminal.queue.list({ limit: 100_000 })).map((q) => q.intent.id));
  await terminal.close();
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@tallystick/source',
      child,
      terminal.dir,
      terminal.id,
      String(startMs),
      String(sales),
      String(price),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const acked = new Set<string>();
  const killAfter = Math.floor(sales / 2);
  await new Promise<void>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', () => resolve());
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('ack ')) return;
      acked.add(line.slice(4));
      // SIGKILL: no exit handlers, no flush; whatever was mid-write is torn.
      if (acked.size === killAfter) proc.kill('SIGKILL');
    });
  });
  await terminal.reopen();
  const ids = (await terminal.queue.list({ limit: 100_000 }))
    .map((q) => q.intent.id)
    .filter((id) => !before.has(id));
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  let ackedPresentOnce = 0;
  for (const id of acked) if (counts.get(id) === 1) ackedPresentOnce++;
  const durable = [...counts.keys()].length;
  // Sales that reached the disk count as made, even if the till died before printing the receipt.
  terminal.sold.cider = (terminal.sold.cider ?? 0) + durable;
  return {
    acked: acked.size,
    presentAfterRestart: durable,
    ackedPresentOnce,
    lost: [...acked].filter((id) => !counts.has(id)).length,
    duplicated: [...counts.values()].filter((n) => n > 1).length,
    unackedButDurable: [...counts.keys()].filter((id) => !acked.has(id)).length,
  };
}
