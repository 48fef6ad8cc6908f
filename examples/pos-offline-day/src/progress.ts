/**
 * A one-line progress bar on stderr for the long phases, drawn only on a
 * terminal so piped output stays clean.
 */
export function createProgress(label: string, total: number) {
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  let current = 0;
  const draw = () => {
    const width = 30;
    const filled = total > 0 ? Math.round((Math.min(current, total) / total) * width) : width;
    process.stderr.write(`\r${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${current}/${total}`);
  };
  return {
    update(done: number) {
      current = done;
      const now = performance.now();
      if (tty && now - last > 50) {
        last = now;
        draw();
      }
    },
    finish() {
      if (!tty) return;
      draw();
      process.stderr.write('\n');
    },
  };
}
