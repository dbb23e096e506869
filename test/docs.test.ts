// The code and YAML shown in docs/*.md are regenerated from the programs in examples/docs/
// (scripts/render-docs.ts). This test fails when a page no longer shows what its program synthesizes.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { markedDocs, renderDoc, synthesize } from '../scripts/render-docs';
import { RolloutPlan } from '../src';
import { expectScenariosPass } from './support/argocd-scenarios';
import { validateManifests } from './support/schema';

const docs = markedDocs();

test('docs pages with examples exist', () => {
  expect(docs.map(d => path.basename(d)).sort()).toEqual(expect.arrayContaining([
    'additional-subsets.md', 'argo-rollout.md', 'argocd.md', 'autoscaling.md', 'canary-service.md', 'experiments.md', 'header-routing.md',
    'istio-subsets.md', 'mirroring.md', 'multiple-virtual-services.md', 'tls-tcp-routes.md',
  ]));
});

describe.each(docs.map(d => [path.basename(d), d]))('%s', (_name, file) => {
  test('shows the current code and the YAML it synthesizes (run `npx projen docs:render` to update)', () => {
    expect(renderDoc(file)).toEqual(fs.readFileSync(file, 'utf-8'));
  });
});

test('every docs example synthesizes schema-valid objects', () => {
  const programs = fs.readdirSync(path.join(__dirname, '..', 'examples', 'docs')).filter(f => f.endsWith('.ts'));
  expect(programs.length).toBeGreaterThanOrEqual(10);
  for (const p of programs) {
    const objects = synthesize(`examples/docs/${p}`);
    expect(objects.length).toBeGreaterThan(0);
    validateManifests(objects);
  }
});

test('the runner of the docs examples gives each program its own output folder, and a program that throws only its own error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-programs-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.js'), "require('fs').writeFileSync(require('path').join(process.env.CDK8S_OUTDIR, 'a.txt'), 'a');");
    fs.writeFileSync(path.join(dir, 'b.js'), "throw new Error('b fails');");
    fs.writeFileSync(path.join(dir, 'c.js'), "require('fs').writeFileSync(require('path').join(process.env.CDK8S_OUTDIR, 'c.txt'), 'c');");
    const out = path.join(dir, 'out');
    execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'run-ts.js'), 'scripts/run-programs.ts', out, ...['a', 'b', 'c'].map(p => path.join(dir, `${p}.js`))], {
      cwd: path.join(__dirname, '..'),
    });
    expect(['0', '1', '2'].map(i => fs.readdirSync(path.join(out, i)))).toEqual([['a.txt'], ['ERROR.txt'], ['c.txt']]);
    expect(fs.readFileSync(path.join(out, '1', 'ERROR.txt'), 'utf-8')).toMatch(/^Error: b fails/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('docs/argocd.md', () => {
  const objects = () => synthesize('examples/docs/argocd.ts');

  test('the Application of its example passes S1-S5 of the Argo CD sync model on both version families', () => {
    const application = objects().find(o => o.kind === 'Application');
    const results = expectScenariosPass(application, objects().filter(o => o.kind !== 'Application'));
    expect(new Set(results.map(r => r.rollout))).toEqual(new Set(['storefront', 'ledger']));
  });

  test('its table of a route change mid-canary is the rollout plan of its example', () => {
    const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'argocd.md'), 'utf-8');
    const table = page.slice(page.indexOf('For\nthe storefront above:'), page.indexOf('"Reset, set back at once"'));
    const rows = table.split('\n').filter(l => /^\| \d+ \|/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const plan = RolloutPlan.fromManifests(objects(), 'storefront').toMarkdown();
    for (const row of rows) expect(plan).toContain(`${row}\n`);
  });
});

describe('docs/ARCHITECTURE.md', () => {
  // the folders a bare file name in the guide may be in (it names files relative to src/, or by name in its tree)
  const ROOT_DIR = path.join(__dirname, '..');
  const FOLDERS = ['', 'src', 'src/private', 'src/private/synth', 'src/private/argocd', 'src/private/constructs', 'src/private/metric-providers',
    'src/rules', 'src/plan', 'src/cli', 'docs', 'test', 'test/support'];
  const exists = (name: string) => FOLDERS.some(folder => fs.existsSync(path.join(ROOT_DIR, folder, name)));

  test('every source file it names in backticks exists (a moved or renamed module is renamed there too)', () => {
    const text = fs.readFileSync(path.join(ROOT_DIR, 'docs', 'ARCHITECTURE.md'), 'utf8');
    const named = [...new Set([...text.matchAll(/`([A-Za-z0-9_./-]+\.(?:ts|sh))`/g)].map(m => m[1]))];
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter(name => !exists(name))).toEqual([]);
  });
});
