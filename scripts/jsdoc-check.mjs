// Every symbol a package exports (from every entry in its exports map) must carry
// JSDoc with an @example. Uses the TypeScript compiler to follow re-exports.

import { join } from 'node:path';
import ts from 'typescript';
import { publicPackages } from './lib.mjs';

const entries = [];
for (const pkg of publicPackages()) {
  for (const [key, target] of Object.entries(pkg.json.exports ?? {})) {
    const source = typeof target === 'object' ? target['@tallystick/source'] : undefined;
    if (source)
      entries.push({
        name: key === '.' ? pkg.json.name : `${pkg.json.name}/${key.slice(2)}`,
        file: join(pkg.dir, source),
      });
  }
}
const program = ts.createProgram(
  entries.map((e) => e.file),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@tallystick/source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();
const missing = [];
let count = 0;
for (const entry of entries) {
  const file = program.getSourceFile(entry.file);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) {
    missing.push(`${entry.name}: cannot read ${entry.file}`);
    continue;
  }
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declaration = symbol.declarations?.[0];
    // Re-exports of another tallystick package are documented there.
    if (
      declaration &&
      !declaration.getSourceFile().fileName.startsWith(join(entry.file, '../..').replace(/\/$/, ''))
    )
      continue;
    count++;
    const tags = symbol.getJsDocTags(checker);
    const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker));
    if (!docs.trim()) missing.push(`${entry.name} › ${exported.name}: no JSDoc`);
    else if (!tags.some((t) => t.name === 'example'))
      missing.push(`${entry.name} › ${exported.name}: no @example`);
  }
}
if (missing.length > 0) {
  console.error(
    `JSDoc check: ${missing.length} of ${count} exports lack documentation:\n  ${missing.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `JSDoc check: all ${count} exported symbols in ${entries.length} entry points have JSDoc with @example`,
);
