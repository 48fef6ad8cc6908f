// "Shows a call": the example's code (its ```ts fence, or the whole tag) holds
// at least one call, `new` or tagged template that runs when the example runs:
// one outside import and export declarations, type positions, and the bodies
// of functions, arrows, methods and classes (a function defined and never
// called shows nothing). So `const o: Options = { ... }` and
// `const f = (x: T) => x.y` are refused; for a type, show the call that takes
// or returns it.
import ts from 'typescript';

const isFunctionLike = (node) =>
  ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isModuleDeclaration(node);
const skipped = (node) =>
  ts.isImportDeclaration(node) ||
  ts.isExportDeclaration(node) ||
  ts.isImportEqualsDeclaration(node) ||
  ts.isTypeNode(node) ||
  ts.isTypeAliasDeclaration(node) ||
  ts.isInterfaceDeclaration(node) ||
  isFunctionLike(node);

/** Whether example text runs at least one call (see the rule above). */
export function exampleShowsCall(text) {
  const fenced = [...text.matchAll(/```[a-z]*[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
  const code = fenced.length > 0 ? fenced.join('\n') : text;
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let found = false;
  const visit = (node) => {
    if (found || skipped(node)) return;
    if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
