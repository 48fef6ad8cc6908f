// API docs for every public entry point, read from the packages' own exports maps
// so a new subpath is documented without touching this file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const entryPoints = [];
for (const name of readdirSync('packages')) {
  const file = `packages/${name}/package.json`;
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (pkg.private) continue;
  for (const target of Object.values(pkg.exports ?? {})) {
    const source = typeof target === 'object' ? target['@tallystick/source'] : undefined;
    if (source && existsSync(`packages/${name}/${source}`))
      entryPoints.push(`packages/${name}/${source.slice(2)}`);
  }
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'tallystick',
  entryPoints,
  entryPointStrategy: 'resolve',
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  readme: 'README.md',
  excludePrivate: true,
  excludeInternal: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  treatWarningsAsErrors: false,
};
