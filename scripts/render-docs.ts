// Keeps the code and YAML shown in docs/*.md true: every
//   <!-- code: examples/docs/x.ts -->            is followed by a ```ts block holding that file, and every
//   <!-- yaml: examples/docs/x.ts Kind,Kind -->  is followed by a ```yaml block holding what that program
//                                                synthesizes (only the given kinds, when listed).
// Usage: node scripts/run-ts.js scripts/render-docs.ts [--check] [docs/x.md ...]
// (npx projen docs:render)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';

const ROOT = path.join(__dirname, '..');
const MARKER = /^<!-- (code|yaml): (\S+)(?: (\S+))? -->$/;
const cache = new Map<string, any[] | Error>();
/** Whether the docs examples have run (all at once, on the first one asked for). */
let docsExamplesRun = false;

/**
 * Runs an example program from its TypeScript source with its output redirected to `outdir` (CDK8S_OUTDIR).
 * scripts/run-ts.js transpiles each file once per content and does not type-check (`npx projen typecheck` does).
 */
export function runProgram(program: string, outdir: string): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), program], {
    cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The objects of the `.k8s.yaml` files a program wrote into `outdir`. */
function readObjects(outdir: string): any[] {
  return fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')).sort()
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJS()));
}

/**
 * Runs every docs example program (examples/docs/*.ts) in one process (scripts/run-programs.ts) and caches what each
 * synthesized, or the error it threw.
 */
function synthesizeDocsExamples(): void {
  const programs = fs.readdirSync(path.join(ROOT, 'examples', 'docs')).filter(f => f.endsWith('.ts')).sort().map(f => `examples/docs/${f}`);
  const outroot = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-synth-'));
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), 'scripts/run-programs.ts', outroot, ...programs], {
      cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    });
    programs.forEach((program, i) => {
      const outdir = path.join(outroot, String(i));
      const error = path.join(outdir, 'ERROR.txt');
      cache.set(program, fs.existsSync(error) ? new Error(`${program}: ${fs.readFileSync(error, 'utf-8')}`) : readObjects(outdir));
    });
  } finally {
    fs.rmSync(outroot, { recursive: true, force: true });
  }
}

/** Runs a docs example program with its output in a temp dir; returns the synthesized objects. */
export function synthesize(program: string): any[] {
  if (!docsExamplesRun && program.startsWith('examples/docs/')) {
    docsExamplesRun = true;
    synthesizeDocsExamples();
  }
  const cached = cache.get(program);
  if (cached instanceof Error) throw cached;
  if (cached) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-synth-'));
  try {
    runProgram(program, outdir);
    const objects = readObjects(outdir);
    cache.set(program, objects);
    return objects;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Returns the document with every marked block regenerated. */
export function renderDoc(file: string): string {
  const lines = fs.readFileSync(file, 'utf-8').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const m = MARKER.exec(lines[i]);
    if (!m) continue;
    const [, what, program, kinds] = m;
    // drop the previously rendered block, if any
    if (lines[i + 1]?.startsWith('```')) {
      let j = i + 2;
      while (j < lines.length && lines[j] !== '```') j++;
      i = j;
    }
    if (what === 'code') {
      out.push('```ts', fs.readFileSync(path.join(ROOT, program), 'utf-8').trimEnd(), '```');
    } else {
      const wanted = kinds?.split(',');
      const objects = synthesize(program).filter(o => !wanted || wanted.includes(o.kind));
      out.push('```yaml', objects.map(o => YAML.stringify(o, { lineWidth: 0 }).trimEnd()).join('\n---\n'), '```');
    }
  }
  return out.join('\n');
}

/** The docs pages that contain markers. */
export function markedDocs(): string[] {
  const dir = path.join(ROOT, 'docs');
  return fs.readdirSync(dir).filter(f => f.endsWith('.md')).map(f => path.join(dir, f))
    .filter(f => fs.readFileSync(f, 'utf-8').split('\n').some(l => MARKER.test(l)));
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const files = process.argv.slice(2).filter(a => a !== '--check');
  let stale = 0;
  for (const f of files.length ? files : markedDocs()) {
    const rendered = renderDoc(f);
    if (rendered !== fs.readFileSync(f, 'utf-8')) {
      stale++;
      if (check) console.error(`stale: ${path.relative(ROOT, f)} (run: npx projen docs:render)`);
      else fs.writeFileSync(f, rendered);
    }
  }
  if (check && stale > 0) process.exit(1);
}
