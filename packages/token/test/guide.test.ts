/**
 * Runs every TypeScript block of docs/guides/pos-verification.md as a module,
 * so the guide cannot drift from the API. Blocks are written beside a link to
 * docs/spec, so their relative paths resolve as they would in docs/guides.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const root = new URL('../../../', import.meta.url);
const guide = readFileSync(new URL('docs/guides/pos-verification.md', root), 'utf8');
const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const work = new URL(`.tmp/token-guide-${process.pid}/`, root);
mkdirSync(new URL('guides/', work), { recursive: true });
symlinkSync(fileURLToPath(new URL('docs/spec', root)), fileURLToPath(new URL('spec', work)));

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docs/guides/pos-verification.md', () => {
  it('has runnable TypeScript blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  blocks.forEach((code, i) => {
    const title =
      code
        .split('\n')
        .find((line) => line.startsWith('import {'))
        ?.slice(0, 60) ?? '';
    it(`block ${i + 1} runs (${title}…)`, async () => {
      const file = new URL(`guides/block-${i + 1}.ts`, work);
      writeFileSync(file, code);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ fileURLToPath(file));
        if (code.includes('vectors pass')) {
          expect(log.mock.calls.flat().join('\n')).toMatch(/(\d+) of \1 vectors pass/);
        }
      } finally {
        log.mockRestore();
      }
    });
  });
});
