import type { Io } from './io.js';

/**
 * A one-line progress bar on stderr, redrawn at most every 100 ms, drawn only
 * when stderr is a terminal so piped and --json output stay clean. Small
 * enough that a dependency (cli-progress, last released 2023) is not worth it.
 */
export interface Progress {
  update(done: number, total?: number): void;
  finish(): void;
}

export function createProgress(io: Io, label: string, enabled: boolean): Progress {
  let last = 0;
  let total = 0;
  const draw = (done: number, force: boolean) => {
    const now = performance.now();
    if (!enabled || !io.isTTY || (!force && now - last < 100)) return;
    last = now;
    const width = 30;
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(ratio * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    process.stderr.write(
      `\r${label} ${bar} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`,
    );
  };
  let current = 0;
  return {
    update(done, newTotal) {
      current = done;
      if (newTotal !== undefined) total = newTotal;
      draw(done, false);
    },
    finish() {
      draw(current, true);
      if (enabled && io.isTTY) process.stderr.write('\n');
    },
  };
}
