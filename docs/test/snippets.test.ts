/**
 * Every TypeScript snippet users read runs: each ```ts block of docs/ (all
 * folders) and of every README.md is a complete program, written beside its
 * Markdown file (so relative paths work) and imported. A block fenced
 * ```ts no-run is type-checked (typecheck.test.ts) but not run (it needs a
 * live server, a browser or a user's own data); ```ts no-check is a fragment,
 * neither run nor checked. Keep both rare. IndexedDB comes from
 * fake-indexeddb, as in the queue's own tests.
 *
 * Every intent a snippet hands to a queue (`enqueue`, directly or through
 * `openRedeemer`) must have a payload the server's schema accepts, and every
 * batch a snippet applies to a reconciler must have no payload refused
 * (`invalid_payload`, `unknown_type`, `amount_overflow`). A snippet may still
 * show an intent refused for another reason (a malformed id). Both queue and
 * reconciler are the real ones, wrapped only to record what passes through.
 */
import 'fake-indexeddb/auto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { allTsBlocks, repoRoot } from './lib/blocks.js';

const seen = vi.hoisted(() => ({ problems: [] as string[] }));

vi.mock('@tallystick/queue', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@tallystick/queue')>();
  const { payloadProblem } = await import('./lib/intent-schema.js');
  const createIntentQueue: typeof actual.createIntentQueue = (options) => {
    const queue = actual.createIntentQueue(options);
    // A child object keeps every other method (and `this`) the queue's own.
    const checked = Object.create(queue) as typeof queue;
    checked.enqueue = (input, more) => {
      const problem = payloadProblem(input.type, input.payload);
      if (problem) seen.problems.push(`enqueue '${input.type}': ${problem}`);
      return queue.enqueue(input, more);
    };
    return checked;
  };
  return { ...actual, createIntentQueue };
});

vi.mock('@tallystick/reconcile', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@tallystick/reconcile')>();
  type Rejection = import('@tallystick/reconcile').Rejection;
  const payloadCodes = new Set(['invalid_payload', 'unknown_type', 'amount_overflow']);
  const note = (r: Rejection) => {
    if (payloadCodes.has(r.code)) seen.problems.push(`reconciler refused: ${r.code}: ${r.reason}`);
  };
  const createReconciler: typeof actual.createReconciler = (options) => {
    const reconciler = actual.createReconciler(options);
    return {
      ...reconciler,
      async apply(batch) {
        const result = await reconciler.apply(batch);
        result.rejected.forEach(note);
        return result;
      },
      run(source) {
        const events = reconciler.run(source);
        const next = events.next.bind(events);
        // Watch each event on its way out; the stream and its totals stay the reconciler's own.
        events.next = async (...args) => {
          const step = await next(...args);
          if (!step.done && step.value.type === 'rejected') note(step.value.rejection);
          return step;
        };
        return events;
      },
    };
  };
  return { ...actual, createReconciler };
});

const blocks = allTsBlocks().filter((b) => !b.flags.includes('no-run') && !b.flags.includes('no-check'));

describe('doc snippets run as written', () => {
  it('finds snippets to run in the guides and the READMEs', () => {
    expect(blocks.some((b) => b.file.startsWith('docs/guides/'))).toBe(true);
    expect(blocks.some((b) => b.file.endsWith('README.md'))).toBe(true);
  });

  for (const block of blocks) {
    it(`${block.file} #${block.index} (line ${block.line})`, async () => {
      const name = `.snippet-${block.file.replace(/[/.]/g, '_')}-${block.index}.ts`;
      const path = join(repoRoot, block.file, '..', name);
      // The export keeps the file a module, so top-level await works in every block.
      writeFileSync(path, `${block.code}\nexport {};\n`);
      seen.problems.length = 0;
      try {
        await import(pathToFileURL(path).href);
      } finally {
        rmSync(path, { force: true });
      }
      expect(seen.problems, 'intents the server would refuse').toEqual([]);
    }, 120_000);
  }
});
