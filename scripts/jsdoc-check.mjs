// Every symbol a package exports (from every entry in its exports map) must carry
// JSDoc with an @example that shows a call. Uses the TypeScript compiler to
// follow re-exports.

// The rule for "shows a call" is in example-rule.mjs.

import { join, relative } from 'node:path';
import ts from 'typescript';
import { exampleShowsCall } from './example-rule.mjs';
import { publicPackages, ROOT } from './lib.mjs';

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

const where = (node) => {
  if (!node) return '?';
  const file = node.getSourceFile();
  return `${relative(ROOT, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
};

const missing = [];
const noCall = [];
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
    else {
      const examples = tags.filter((t) => t.name === 'example');
      if (examples.length === 0) missing.push(`${entry.name} › ${exported.name}: no @example`);
      else if (!examples.some((t) => exampleShowsCall(ts.displayPartsToString(t.text))))
        noCall.push({
          key: `${entry.name} › ${exported.name}`,
          at: where(declaration),
        });
    }
  }
}
for (const { key, at } of noCall)
  missing.push(`${key}: @example shows no call (only types or definitions) at ${at}`);
if (missing.length > 0) {
  console.error(
    `JSDoc check: ${missing.length} of ${count} exports lack documentation or an @example with a call:\n  ${missing.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `JSDoc check: all ${count} exported symbols in ${entries.length} entry points have JSDoc with an @example that shows a call`,
);
