// `npm test`: every check CI runs, in order, failing fast. Prints a closing line
// `tests: N passed, N failed, N skipped` from the vitest run.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './lib.mjs';

const results = join(ROOT, '.tmp', 'vitest-results.json');
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const steps = [
  ['readme commands exist', 'node', ['scripts/readme-commands.mjs']],
  ['type check', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['lint and format', bin('biome'), ['check', '.']],
  ['build', 'npm', ['run', 'build', '--silent']],
  [
    'unit tests',
    'npx',
    ['--no', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`],
  ],
  ['JSDoc on every export', 'node', ['scripts/jsdoc-check.mjs']],
  ['publint and arethetypeswrong', 'node', ['scripts/publint-all.mjs']],
  ['bundle size budgets', 'node', ['scripts/size-check.mjs']],
  ['packed tarballs import as ESM and CJS', 'node', ['scripts/pack-test.mjs']],
];
const only = process.argv.slice(2);
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
// A stale results file would report an earlier run's counts.
rmSync(results, { force: true });

const started = Date.now();
let failedStep;
for (const [name, command, args] of steps) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  if (command === 'node' && !existsSync(join(ROOT, args[0]))) {
    console.error(`\n✗ ${name}: ${args[0]} is missing`);
    failedStep = name;
    break;
  }
  console.log(`\n━━ ${name}`);
  const t0 = Date.now();
  const status = run(command, args);
  console.log(
    `━━ ${name}: ${status === 0 ? 'ok' : `FAILED (exit ${status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (status !== 0) {
    failedStep = name;
    break;
  }
}

console.log(
  `\ncheck finished in ${((Date.now() - started) / 1000).toFixed(0)} s${failedStep ? `; failed at: ${failedStep}` : ''}`,
);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
}
process.exit(failedStep ? 1 : 0);
