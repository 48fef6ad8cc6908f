/**
 * `npm run demo` runs as a user would run it, and says what it must: the
 * planted double spend, expired, tampered and screenshot tokens are caught,
 * the killed till loses nothing, and the second replay changes nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));

describe('npm run demo', () => {
  it('runs the offline day end to end and reports every planted problem', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@tallystick/source', 'src/main.ts'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 110_000,
      },
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/double spend\) → accepted/);
    expect(out).toMatch(/Double spend detected/);
    expect(out).toMatch(/double_spend: 0 resolved, 1 for review/);
    expect(out).toMatch(/shown after its 30 minutes → refused: expired/);
    expect(out).toMatch(/one character changed → refused: (bad_signature|malformed)/);
    expect(out).toMatch(/six minutes later → refused: stale_presentation/);
    expect(out).toMatch(/wrong stall → refused: wrong_audience/);
    expect(out).toMatch(/oversell: 0 resolved, 2 for review/);
    expect(out).toMatch(/pie: sold 8, left 0, backordered 2/);
    const crash =
      /Crash check \(stall-b\): (\d+)\/(\d+) confirmed sales survived SIGKILL exactly once; (\d+) lost/.exec(
        out,
      );
    expect(crash).not.toBeNull();
    expect(crash![1]).toBe(crash![2]);
    expect(Number(crash![2])).toBeGreaterThan(0);
    expect(crash![3]).toBe('0');
    const passes = /first pass: (\d+) of (\d+) .* second pass \(same intents again\): (\d+) of (\d+)/.exec(
      out,
    );
    expect(passes![1]).toBe(passes![2]);
    const ledger = /intents in the ledger:\s+(\d+)/.exec(out);
    // Two restock intents plus each till intent once, however often it was replayed.
    expect(Number(ledger![1])).toBe(Number(passes![2]) + 2);
    const finished = /Finished in ([\d.]+) s/.exec(out);
    expect(Number(finished![1])).toBeGreaterThan(0);
  }, 120_000);
});
