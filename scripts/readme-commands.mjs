// Every `npm run X` / `npm test` / `npx tallystick …` that a README or guide shows must exist,
// so the docs never drift from the scripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const docs = ['README.md', 'CONTRIBUTING.md'];
for (const dir of ['docs', 'docs/guides', 'docs/spec', 'docs/security']) {
  if (existsSync(join(ROOT, dir)))
    for (const f of readdirSync(join(ROOT, dir))) if (f.endsWith('.md')) docs.push(`${dir}/${f}`);
}
const rootScripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
const scenarios = existsSync(join(ROOT, 'bench/scenarios'))
  ? readdirSync(join(ROOT, 'bench/scenarios')).map((f) => f.replace(/\.ts$/, ''))
  : [];
const problems = [];
let checked = 0;
for (const doc of docs) {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  for (const match of text.matchAll(/npm (?:run ([\w:-]+)|(test)\b)(?: -- ([\w-]+))?/g)) {
    const script = match[1] ?? match[2];
    checked++;
    if (!rootScripts[script]) problems.push(`${doc}: \`npm run ${script}\` is not a root script`);
    if (script === 'bench' && match[3] && !scenarios.includes(match[3])) {
      problems.push(`${doc}: bench scenario \`${match[3]}\` does not exist in bench/scenarios`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`readme commands: ${checked} npm commands in ${docs.length} documents all exist`);
