// Bundle-size budgets. For every public package whose package.json declares
//   "tallystick": { "size": [{ "entry": "./verify", "limitBytes": 10240, "why": "..." }] }
// bundle the built ESM file of that export the way an app would ship it
// (esbuild: bundle every dependency, minify, platform neutral), gzip it at
// level 9, print a table, and fail if any entry is over its limit.
//
//   node scripts/size-check.mjs            check the built dist/ files (after `npm run build`)
//   node scripts/size-check.mjs --source   bundle the TypeScript sources instead (no build needed)
//   node scripts/size-check.mjs --file f   just measure one file, e.g. a source module
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { publicPackages, ROOT } from './lib.mjs';

const args = process.argv.slice(2);
const fromSource = args.includes('--source');
const fileAt = args.indexOf('--file');

/** Minified and gzip -9 sizes of one entry bundled with everything it imports. */
async function measure(file) {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: fromSource ? ['@tallystick/source'] : [],
    // A Node-only subpath would pull node: builtins; they cost no bytes in an
    // app bundle but are listed so a budgeted entry that needs one stands out.
    external: ['node:*'],
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const code = result.outputFiles[0].contents;
  const builtins = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path))
    .filter((p, i, all) => all.indexOf(p) === i);
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, builtins };
}

function targetOf(pkg, entry) {
  const spec = pkg.json.exports?.[entry];
  if (spec === undefined) return undefined;
  if (typeof spec === 'string') return spec;
  if (fromSource) return spec['@tallystick/source'];
  const esm = spec.import;
  return typeof esm === 'string' ? esm : esm?.default;
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

if (fileAt >= 0) {
  const file = args[fileAt + 1];
  if (!file) throw new Error('--file needs a path');
  const m = await measure(file);
  console.log(`${file}: ${m.minBytes} B min, ${m.gzipBytes} B min+gzip (${kb(m.gzipBytes)})`);
  process.exit(0);
}

const rows = [];
let failed = 0;
for (const pkg of publicPackages()) {
  for (const budget of pkg.json.tallystick?.size ?? []) {
    const { entry, limitBytes, why } = budget;
    const name = `${pkg.json.name}${entry === '.' ? '' : entry.slice(1)}`;
    const target = targetOf(pkg, entry);
    if (!target || !Number.isInteger(limitBytes) || limitBytes <= 0) {
      rows.push({
        name,
        status: `FAIL: bad budget (entry ${entry} not exported, or limitBytes not a positive integer)`,
      });
      failed++;
      continue;
    }
    const file = join(pkg.dir, target);
    if (!existsSync(file)) {
      rows.push({ name, status: `FAIL: ${relative(ROOT, file)} missing; run \`npm run build\` first` });
      failed++;
      continue;
    }
    const m = await measure(file);
    const ok = m.gzipBytes <= limitBytes;
    if (!ok) failed++;
    rows.push({
      name,
      min: kb(m.minBytes),
      gzip: kb(m.gzipBytes),
      limit: kb(limitBytes),
      status: `${ok ? 'ok' : 'FAIL: over budget'}${m.builtins.length ? ` (imports ${m.builtins.join(', ')})` : ''}`,
      why: why ?? '',
    });
  }
}

console.log(`bundle sizes (${fromSource ? 'sources' : 'built ESM'}, esbuild minify + bundle, gzip -9)\n`);
console.log('| entry | min | min+gzip | limit | status | why |');
console.log('|---|---:|---:|---:|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.min ?? ''} | ${r.gzip ?? ''} | ${r.limit ?? ''} | ${r.status} | ${r.why ?? ''} |`,
  );
}
if (rows.length === 0) console.log('(no package declares a size budget)');
process.exit(failed > 0 ? 1 : 0);
