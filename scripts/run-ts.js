#!/usr/bin/env node
// Runs a TypeScript program of this repository (e.g. the example app) without type-checking it: each .ts file it
// loads is transpiled on its own with TypeScript's transpileModule (the same transform ts-jest uses for the tests)
// and the result is kept in node_modules/.cache/cdk8s-canary-ts/ under a hash of the file's content, the compiler
// options and the TypeScript version. A second run transpiles only the files that changed, and does not even
// load TypeScript when none did.
//
// Type checking is not lost: `npx projen build` type-checks the library (jsii) and the examples, scripts and bench
// (the `typecheck` task). Use this runner where a program is run, not where it is checked.
//
// Usage: node [--enable-source-maps] scripts/run-ts.js <file.ts> [args...]
//   or, in a JavaScript program: require('<repository>/scripts/run-ts.js'), then require any .ts file of the repository.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-canary-ts');

// tsconfig.json's options, emitted as CommonJS (the module kind its node16 setting gives this package), next to
// the source as far as the source map is concerned (no outDir/rootDir: the map's paths are relative to the .ts file)
const { outDir: _outDir, rootDir: _rootDir, ...TSCONFIG_OPTIONS } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf-8')).compilerOptions;
const OPTIONS = { ...TSCONFIG_OPTIONS, module: 'commonjs', inlineSourceMap: true, inlineSources: false, sourceMap: false, declaration: false };
const KEY_PREFIX = [
  require('typescript/package.json').version,
  JSON.stringify(OPTIONS),
  fs.readFileSync(__filename, 'utf-8'),
].join('\0');

let ts;
let compilerOptions;

function transpile(source, filename) {
  if (!ts) {
    ts = require('typescript');
    const converted = ts.convertCompilerOptionsFromJson(OPTIONS, ROOT);
    if (converted.errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(converted.errors[0].messageText, '\n'));
    compilerOptions = converted.options;
  }
  const out = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter(d => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const d = errors[0];
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    throw new Error(`${filename}:${line + 1}:${character + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return out.outputText;
}

/** The transpiled JavaScript of a .ts file, from the cache when its content was transpiled before. */
function compiled(filename) {
  const source = fs.readFileSync(filename, 'utf-8');
  const key = crypto.createHash('sha256').update(KEY_PREFIX).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf-8');
  } catch {
    const js = transpile(source, filename);
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, cached);
    return js;
  }
}

require.extensions['.ts'] = function loadTs(module, filename) {
  if (filename.includes(`${path.sep}node_modules${path.sep}`)) throw new Error(`run-ts: not transpiling a dependency's TypeScript source: ${filename}`);
  module._compile(compiled(filename), filename);
};
// The transpiled files carry inline source maps, but node reads them only when asked (`node --enable-source-maps
// scripts/run-ts.js ...`, or NODE_OPTIONS=--enable-source-maps): reading them for every module cost about 0.12 s of
// a 0.65 s run. Without it, stack traces point into the cached JavaScript.

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: node scripts/run-ts.js <file.ts> [args...]');
    process.exit(2);
  }
  // run it as the main module (require.main === module), with its own argv
  process.argv = [process.argv[0], path.resolve(entry), ...args];
  require('module').runMain();
}
