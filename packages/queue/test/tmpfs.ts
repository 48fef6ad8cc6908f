import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real tiny disks for the full-disk tests: a tmpfs of a few MiB, which only
 * root may mount (CI runs as root). `reason` says why they are unavailable.
 */
export const tmpfsReason: string | undefined =
  process.platform !== 'linux'
    ? 'tmpfs mounts need Linux'
    : process.getuid?.() !== 0
      ? 'mounting a tmpfs needs root (CI runs as root)'
      : undefined;

if (tmpfsReason !== undefined) console.warn(`[skip] tiny-disk tests: ${tmpfsReason}`);

/** Mounts a fresh tmpfs of `bytes` and returns its directory and an unmount. */
export function mountTmpfs(bytes: number): { dir: string; unmount(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tallystick-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  return {
    dir,
    unmount() {
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
