/**
 * Every TypeScript snippet in the guides runs: each ```ts block of docs/guides/*.md
 * (and docs/*.md) is written to a temporary module and imported, so a guide that
 * drifts from the API fails the build. A block fenced as ```ts no-run is shown
 * only (for fragments that need a live server or a user's own data); keep those rare.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const docsDir = join(import.meta.dirname, '..');
const outDir = join(docsDir, '..', '.tmp', 'doc-snippets');
mkdirSync(outDir, { recursive: true });

const files = [
  ...readdirSync(join(docsDir, 'guides')).map((f) => join('guides', f)),
  ...readdirSync(docsDir).filter((f) => f.endsWith('.md')),
].filter((f) => f.endsWith('.md'));

const snippets = files.flatMap((file) => {
  const text = readFileSync(join(docsDir, file), 'utf8');
  return [...text.matchAll(/```(ts|typescript)([^\n]*)\n([\s\S]*?)```/g)]
    .filter((m) => !m[2]!.includes('no-run'))
    .map((m, index) => ({ file, index, code: m[3]! }));
});

describe('guide snippets run as written', () => {
  it('finds snippets to run', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  for (const snippet of snippets) {
    it(`${snippet.file} #${snippet.index + 1}`, async () => {
      const name = `${snippet.file.replace(/[/.]/g, '_')}_${snippet.index}.ts`;
      const path = join(outDir, name);
      // An export keeps the file a module, so top-level await works in every snippet.
      writeFileSync(path, `${snippet.code}\nexport {};\n`);
      await import(pathToFileURL(path).href);
    }, 120_000);
  }
});
