/**
 * The TypeScript blocks of every Markdown file users read: docs/ (all
 * folders) and each README.md (root, packages, examples). One reader for the
 * runner, the type check and the payload check, so they agree on what a block
 * is and what its fence says.
 *
 * Fence words after `ts`:
 * - (none): a whole program; type-checked, and run where the runner covers it;
 * - `no-run`: type-checked, never run (needs a live server, a browser, a user's data);
 * - `no-check`: a fragment; neither type-checked nor run. Keep these rare.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../../..');

export interface DocBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based index among the file's TypeScript blocks. */
  readonly index: number;
  /** 1-based line of the block's first code line in the Markdown file. */
  readonly line: number;
  readonly lang: string;
  readonly flags: readonly string[];
  readonly code: string;
}

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'api' || entry.name === 'test' ? [] : markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Every Markdown file whose code blocks are checked, relative to the repository root. */
export function docFiles(): string[] {
  const readmes = ['packages', 'examples'].flatMap((group) =>
    readdirSync(join(repoRoot, group))
      .map((name) => join(repoRoot, group, name, 'README.md'))
      .filter((path) => existsSync(path)),
  );
  return [...markdownUnder(join(repoRoot, 'docs')), join(repoRoot, 'README.md'), ...readmes]
    .map((path) => relative(repoRoot, path))
    .sort();
}

/** The fenced blocks in `langs` of one Markdown file. */
export function blocksOf(file: string, langs: readonly string[] = ['ts', 'typescript']): DocBlock[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const blocks: DocBlock[] = [];
  const fence = /^```([A-Za-z]+)([^\n]*)\n([\s\S]*?)^```/gm;
  let index = 0;
  for (const m of text.matchAll(fence)) {
    const lang = m[1]!;
    if (!langs.includes(lang)) continue;
    const line = text.slice(0, m.index).split('\n').length + 1;
    const flags = m[2]!.trim().split(/\s+/).filter(Boolean);
    blocks.push({ file, index: ++index, line, lang, flags, code: m[3]! });
  }
  return blocks;
}

/** Every TypeScript block of every checked file. */
export function allTsBlocks(): DocBlock[] {
  return docFiles().flatMap((file) => blocksOf(file));
}

/**
 * The ```ts blocks of the `@example` tags in every package's sources, as
 * blocks whose `line` is the tag's first code line. Flagged `jsdoc`: they are
 * checked for the intents they show, not compiled as programs (many are
 * fragments that read a name the sentence around them defines).
 */
export function jsdocExampleBlocks(): DocBlock[] {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  const blocks: DocBlock[] = [];
  for (const pkg of readdirSync(join(repoRoot, 'packages'))) {
    const src = join(repoRoot, 'packages', pkg, 'src');
    if (!existsSync(src)) continue;
    for (const path of sources(src)) {
      const text = readFileSync(path, 'utf8');
      let index = 0;
      for (const m of text.matchAll(/@example\s*\n(\s*\*\s*)```ts[^\n]*\n([\s\S]*?)\n\s*\*\s*```/g)) {
        const code = m[2]!
          .split('\n')
          .map((l) => l.replace(/^\s*\* ?/, ''))
          .join('\n');
        const line = text.slice(0, m.index).split('\n').length + 2;
        blocks.push({
          file: relative(repoRoot, path),
          index: ++index,
          line,
          lang: 'ts',
          flags: ['jsdoc'],
          code,
        });
      }
    }
  }
  return blocks;
}
