/**
 * The one build every package shares. Run from a package folder with
 * `tsup --config ../../tsup.config.ts`: entries come from that package's own
 * `exports` map (its `@tallystick/source` paths), so adding a subpath to
 * `exports` is all it takes to build it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'tsup';

type ExportTarget = { '@tallystick/source'?: string };

function entriesOf(dir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: Record<string, ExportTarget | string>;
    tallystick?: { extraEntries?: Record<string, string> };
  };
  const entries: Record<string, string> = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    const source = typeof target === 'object' ? target['@tallystick/source'] : undefined;
    if (!source) continue;
    const name = source.replace(/^\.\/src\//, '').replace(/\.ts$/, '');
    entries[name] = source;
  }
  // A bin or worker that is not an export still needs building.
  Object.assign(entries, pkg.tallystick?.extraEntries ?? {});
  return entries;
}

export default defineConfig({
  entry: entriesOf(process.cwd()),
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  splitting: true,
  outDir: 'dist',
  // Node built-ins stay external even on the neutral platform (adapters only).
  external: [/^node:/],
});
