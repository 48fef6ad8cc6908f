import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

/**
 * The guide's worked example must run as written and print what the guide
 * says it prints: the snippet is compared byte for byte with
 * test/guide/evening-market.ts, which this test then runs.
 */
const guide = readFileSync(new URL('../../../docs/guides/reservation-math.md', import.meta.url), 'utf8');
const snippetPath = new URL('./guide/evening-market.ts', import.meta.url);

function blockAfter(marker: string, language: string): string {
  const at = guide.indexOf(marker);
  if (at < 0) throw new Error(`the guide has no ${marker}`);
  const open = guide.indexOf('```' + language + '\n', at);
  const close = guide.indexOf('\n```', open + 4 + language.length);
  return guide.slice(open + 4 + language.length, close + 1);
}

describe('docs/guides/reservation-math.md', () => {
  it('shows the evening-market example exactly as the file that runs', () => {
    expect(blockAfter('<!-- snippet: packages/reserve/test/guide/evening-market.ts -->', 'ts')).toBe(
      readFileSync(snippetPath, 'utf8'),
    );
  });

  it('prints the numbers the guide quotes', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    try {
      await import('./guide/evening-market.js');
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n') + '\n').toBe(blockAfter('<!-- output: evening-market -->', 'text'));
  });
});
