// Rolls the per-package changelogs into the root CHANGELOG.md release summary.
// After `changeset version` (npm run version-packages) it adds the newest section of
// every package's CHANGELOG.md under one heading per version; with `--unreleased`
// it rewrites the "Unreleased" section from the pending .changeset/*.md files.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicPackages, ROOT } from './lib.mjs';

const CHANGELOG = join(ROOT, 'CHANGELOG.md');
const HEADER =
  '# Changelog\n\nRelease summary for all `@tallystick/*` packages (versioned together). Each package keeps its own CHANGELOG.md with the details.\n';
const current = existsSync(CHANGELOG) ? readFileSync(CHANGELOG, 'utf8') : HEADER;
const body = current
  .replace(HEADER, '')
  .replace(/## Unreleased\n[\s\S]*?(?=\n## |$)/, '')
  .trim();

function pendingChangesets() {
  const dir = join(ROOT, '.changeset');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const [, front = '', summary = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text) ?? [];
      const packages = [...front.matchAll(/'([^']+)':\s*(\w+)/g)].map((m) => `${m[1]} (${m[2]})`);
      return `- ${packages.join(', ')}: ${summary.trim().replace(/\s*\n\s*/g, ' ')}`;
    });
}

function newestSections() {
  const lines = [];
  let version;
  for (const pkg of publicPackages()) {
    const file = join(pkg.dir, 'CHANGELOG.md');
    if (!existsSync(file)) continue;
    const match = /\n## (\S+)\n([\s\S]*?)(?=\n## |$)/.exec(readFileSync(file, 'utf8'));
    if (!match) continue;
    version = match[1];
    lines.push(`### ${pkg.json.name}\n${match[2].trim()}`);
  }
  return version ? `## ${version}\n\n${lines.join('\n\n')}` : '';
}

let next;
if (process.argv.includes('--unreleased')) {
  const pending = pendingChangesets();
  next = `${HEADER}\n## Unreleased\n\n${pending.join('\n') || '- nothing yet'}\n\n${body}`.trimEnd() + '\n';
} else {
  const section = newestSections();
  if (section && body.startsWith(section.split('\n')[0])) next = current;
  else next = `${HEADER}\n${section}\n\n${body}`.trimEnd() + '\n';
}
writeFileSync(CHANGELOG, next);
console.log(
  `CHANGELOG.md updated (${process.argv.includes('--unreleased') ? 'unreleased' : 'release'} summary)`,
);
