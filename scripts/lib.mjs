// Shared helpers for the repository scripts (run by `npm test`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The publishable packages: every packages/* folder whose package.json is not private. */
export function publicPackages() {
  return readdirSync(join(ROOT, 'packages'))
    .map((name) => ({ name, dir: join(ROOT, 'packages', name) }))
    .filter(({ dir }) => existsSync(join(dir, 'package.json')))
    .map((p) => ({ ...p, json: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.json.private);
}

/** The public specifiers of a package, e.g. ['@tallystick/token', '@tallystick/token/verify']. */
export function specifiersOf(pkg) {
  return Object.keys(pkg.json.exports ?? {})
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? pkg.json.name : `${pkg.json.name}/${key.slice(2)}`));
}

/** Runs a command, streaming its output; returns its exit status. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}
