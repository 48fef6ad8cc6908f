/**
 * Every TypeScript snippet in the guides runs. Each ```ts block is a complete
 * program: it is written beside its guide (so relative paths work) and
 * imported. A guide that
 * drifts from the API fails the build. A block fenced as ```ts no-run is shown
 * only (for fragments that need a live server or a user's own data); keep
 * those rare. IndexedDB comes from fake-indexeddb, as in the queue's own tests.
 */
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const docsDir = join(import.meta.dirname, '..');

const files = [
  ...readdirSync(join(docsDir, 'guides')).map((f) => join('guides', f)),
  ...readdirSync(docsDir).filter((f) => f.endsWith('.md')),
].filter((f) => f.endsWith('.md'));

const guides = files
  .map((file) => {
    const text = readFileSync(join(docsDir, file), 'utf8');
    const blocks = [...text.matchAll(/```(ts|typescript)([^\n]*)\n([\s\S]*?)```/g)]
      .filter((m) => !m[2]!.includes('no-run'))
      .map((m) => m[3]!);
    return { file, blocks };
  })
  .filter((g) => g.blocks.length > 0);

describe('guide snippets run as written', () => {
  it('finds guides with snippets to run', () => {
    expect(guides.length).toBeGreaterThan(0);
  });

  for (const guide of guides) {
    guide.blocks.forEach((code, index) => {
      it(`${guide.file} #${index + 1}`, async () => {
        const name = `.snippet-${guide.file.replace(/[/.]/g, '_')}-${index + 1}.ts`;
        const path = join(docsDir, dirname(guide.file), name);
        // The export keeps the file a module, so top-level await works in every block.
        writeFileSync(path, `${code}\nexport {};\n`);
        try {
          await import(pathToFileURL(path).href);
        } finally {
          rmSync(path, { force: true });
        }
      }, 120_000);
    });
  }
});
