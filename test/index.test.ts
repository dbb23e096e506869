// The package entry point exports the public API only: no module of src/private/, no `_` file, and no declaration
// that jsii leaves out of API.md (a helper function or an @internal interface of a public file would still be
// importable by TypeScript users through `export *`).
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

/** The modules `src/index.ts` re-exports, as written (`./rules/canary-rules`). */
function reexported(): string[] {
  const index = ts.createSourceFile('index.ts', fs.readFileSync(path.join(SRC, 'index.ts'), 'utf-8'), ts.ScriptTarget.Latest);
  return index.statements.map(s => {
    if (!ts.isExportDeclaration(s) || s.exportClause || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) {
      throw new Error(`src/index.ts may only hold "export * from './x'" lines, found: ${s.getText(index)}`);
    }
    return s.moduleSpecifier.text;
  });
}

/** The names a module exports with the `export` keyword. */
function exportedNames(module: string): string[] {
  const file = path.join(SRC, `${module}.ts`);
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const s of source.statements) {
    if (!ts.canHaveModifiers(s) || !ts.getModifiers(s)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isVariableStatement(s)) names.push(...s.declarationList.declarations.map(d => d.name.getText(source)));
    else if ((s as any).name) names.push((s as any).name.text);
  }
  return names;
}

describe('src/index.ts', () => {
  test('re-exports no module of src/private/ and no `_` file', () => {
    const modules = reexported();
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.filter(m => m.split('/').includes('private') || path.basename(m).startsWith('_'))).toEqual([]);
  });

  test('every name it exports is documented in API.md (nothing internal leaks into the TypeScript declarations)', () => {
    const api = fs.readFileSync(path.join(__dirname, '..', 'API.md'), 'utf-8');
    const documented = new Set([...api.matchAll(/^### (\w+) <a name=/gm)].map(m => m[1]));
    const undocumented = reexported().flatMap(m => exportedNames(m).filter(n => !documented.has(n)).map(n => `${n} (${m})`));
    expect(undocumented).toEqual([]);
  });
});
