/**
 * Every ```ts block in docs/ and in every README.md type-checks under the
 * repository's strict settings (tsconfig.json), and every intent a block
 * spells out (an object literal with an intent `type` and a `payload`) has a
 * payload the reconciler's schema accepts, checked on its type; so do the
 * intents in the packages' JSDoc `@example`s. All blocks
 * are compiled as one program of in-memory files placed beside their
 * Markdown file, so relative imports resolve as they would for a reader. A
 * block fenced ```ts no-check is a fragment and is skipped (see
 * CONTRIBUTING.md).
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  allTsBlocks,
  blocksOf,
  type DocBlock,
  docFiles,
  jsdocExampleBlocks,
  repoRoot,
} from './lib/blocks.js';
import { envelopeProblem, intentTypes } from './lib/intent-schema.js';

const helper = join(import.meta.dirname, 'lib', 'intent-schema.ts');
const blocks = allTsBlocks().filter((b) => !b.flags.includes('no-check'));
const examples = jsdocExampleBlocks();
const virtual = new Map<string, DocBlock>();
for (const block of [...blocks, ...examples]) {
  const dir = join(repoRoot, dirname(block.file));
  const name = `${block.file.replace(/[^A-Za-z0-9]/g, '_')}__block${block.index}.ts`;
  virtual.set(join(dir, name), block);
}
// The export keeps each block a module (top-level await, isolated names).
const sourceOf = (block: DocBlock) => `${block.code}\nexport {};\n`;

function compile() {
  const config = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => {
    const block = virtual.get(f);
    return block ? sourceOf(block) : readFile.call(host, f);
  };
  host.getSourceFile = (f, language, onError, create) => {
    const block = virtual.get(f);
    return block
      ? ts.createSourceFile(f, sourceOf(block), language, true, ts.ScriptKind.TS)
      : getSourceFile.call(host, f, language, onError, create);
  };
  return ts.createProgram([...virtual.keys(), helper], options, host);
}

function where(diagnostic: ts.Diagnostic): string {
  const block = diagnostic.file && virtual.get(diagnostic.file.fileName);
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!block || diagnostic.start === undefined) return text;
  const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
  return `${block.file}:${block.line + line} (block ${block.index}): ${text}`;
}

// The payload each intent type accepts as written, read from the helper's DocIntentPayloads.
function payloadTargets(program: ts.Program, checker: ts.TypeChecker): Map<string, ts.Type> {
  const file = program.getSourceFile(helper)!;
  const alias = file.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'DocIntentPayloads',
  )!;
  const all = checker.getTypeAtLocation(alias.name);
  return new Map(
    intentTypes.map((type) => [type, checker.getTypeOfSymbol(checker.getPropertyOfType(all, type)!)]),
  );
}

// Properties the source has and the target does not: the server's schemas are
// strict, so an extra field is a refusal there, though TypeScript allows it.
function extraProperties(checker: ts.TypeChecker, source: ts.Type, target: ts.Type, path: string): string[] {
  const targetProps = checker.getPropertiesOfType(checker.getNonNullableType(target));
  if (targetProps.length === 0) return [];
  return checker.getPropertiesOfType(source).flatMap((prop) => {
    const match = targetProps.find((t) => t.name === prop.name);
    if (!match) return [`${path}.${prop.name} is not a field of this intent type`];
    const inner = checker.getTypeOfSymbol(prop);
    return inner.getFlags() & ts.TypeFlags.Object
      ? extraProperties(checker, inner, checker.getTypeOfSymbol(match), `${path}.${prop.name}`)
      : [];
  });
}

function payloadProblems(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const targets = payloadTargets(program, checker);
  const problems: string[] = [];
  for (const [path, block] of virtual) {
    const file = program.getSourceFile(path)!;
    const visit = (node: ts.Node): void => {
      if (ts.isObjectLiteralExpression(node)) {
        const prop = (name: string) =>
          node.properties.find(
            (p): p is ts.PropertyAssignment =>
              ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === name,
          );
        const type = prop('type')?.initializer;
        const payload = prop('payload')?.initializer;
        if (type && payload && ts.isStringLiteralLike(type)) {
          const target = targets.get(type.text);
          const at = `${block.file}:${block.line + file.getLineAndCharacterOfPosition(node.getStart()).line}`;
          if (!target) problems.push(`${at}: unknown intent type "${type.text}"`);
          else {
            const source = checker.getTypeAtLocation(payload);
            if (!checker.isTypeAssignableTo(source, target))
              problems.push(
                `${at}: a '${type.text}' payload of type ${checker.typeToString(source)} is not a ${checker.typeToString(target)}`,
              );
            for (const extra of extraProperties(checker, source, target, 'payload'))
              problems.push(`${at}: ${extra}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return problems;
}

const program = compile();

describe('doc snippets type-check', () => {
  it('finds the blocks of docs/ and every README', () => {
    expect(docFiles()).toEqual(expect.arrayContaining(['README.md', 'docs/guides/getting-started.md']));
    expect(blocks.length).toBeGreaterThan(20);
  });

  it('every ```ts block compiles under tsconfig.json (strict)', () => {
    const diagnostics = [
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...[...virtual.keys(), helper].flatMap((f) => {
        // JSDoc examples join the program for the payload check only.
        if (virtual.get(f)?.flags.includes('jsdoc')) return [];
        const file = program.getSourceFile(f);
        return file
          ? [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]
          : [];
      }),
    ];
    expect(diagnostics.map(where)).toEqual([]);
  });

  it('every intent a block or a JSDoc @example spells out has a payload the reconciler accepts', () => {
    expect(examples.length).toBeGreaterThan(300);
    expect(payloadProblems(program)).toEqual([]);
  });

  it('every intent shown as JSON passes the reconciler', () => {
    const problems = docFiles()
      .flatMap((file) => blocksOf(file, ['json']))
      .flatMap((block) => {
        const value: unknown = JSON.parse(block.code);
        const intents = (Array.isArray(value) ? value : [value]).filter(
          (v): v is Record<string, unknown> =>
            typeof v === 'object' && v !== null && 'type' in v && 'payload' in v,
        );
        return intents.flatMap((intent) => {
          const problem = envelopeProblem(intent);
          return problem ? [`${block.file}:${block.line}: ${problem}`] : [];
        });
      });
    expect(problems).toEqual([]);
  });
});
