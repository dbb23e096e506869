import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RECORD_FILE } from '../src/private/synth/output-record';

// Runs scripts/check-manifests.sh against a tiny synth command: a node script that writes the files described by
// the MANIFESTS env var (JSON: file name -> content) into $CDK8S_OUTDIR, like a cdk8s App does, and with RECORD=1
// an ownership record listing them, like CanaryApp does.

const SCRIPT = path.join(__dirname, '..', 'scripts', 'check-manifests.sh');

let work: string;
let synthCommand: string;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-manifests-test.'));
  const synth = path.join(work, 'synth.js');
  fs.writeFileSync(synth, [
    "const fs = require('fs'); const path = require('path');",
    "const out = process.env.CDK8S_OUTDIR || 'dist';",
    'fs.mkdirSync(out, { recursive: true });',
    "const files = JSON.parse(process.env.MANIFESTS || '{}');",
    'for (const [name, content] of Object.entries(files)) {',
    '  fs.writeFileSync(path.join(out, name), content);',
    '}',
    "if (process.env.RECORD === '1') {",
    "  const sha = c => require('crypto').createHash('sha256').update(c).digest('hex');",
    '  const lines = Object.keys(files).sort().map(f => `${sha(files[f])}  ${f}`);',
    `  fs.writeFileSync(path.join(out, '${RECORD_FILE}'), ['# cdk8s-canary output record, format 1.', ...lines, ''].join('\\n'));`,
    '}',
  ].join('\n'));
  synthCommand = `node ${JSON.stringify(synth)}`;
});

afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const SHOP = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n';
const ARGOCD = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n';

function committed(files: { [name: string]: string }): string {
  const dir = path.join(work, 'dist');
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function run(args: string[], manifests: { [name: string]: string }, env: { [name: string]: string } = {}) {
  const r = spawnSync('bash', [SCRIPT, ...args], { env: { ...process.env, MANIFESTS: JSON.stringify(manifests), ...env }, encoding: 'utf-8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('exits 0 when the committed manifests match a fresh synth', () => {
  // GIVEN
  const dir = committed({ 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD });

  // WHEN
  const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD });

  // THEN
  expect(r.stderr).toEqual('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain(`ok: '${dir}' matches a fresh synth`);
});

test('fails if a committed manifest differs from a fresh synth, and prints the diff', () => {
  // GIVEN
  const dir = committed({ 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD });

  // WHEN
  const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP.replace('name: shop', 'name: shop-v2'), 'argocd.k8s.yaml': ARGOCD });

  // THEN
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/^-  name: shop$/m);
  expect(r.stdout).toMatch(/^\+  name: shop-v2$/m);
  expect(r.stderr).toContain(`error: the committed manifests in '${dir}' differ from a fresh synth`);
});

test('fails if the fresh synth has a file more or less than the committed manifests', () => {
  // GIVEN
  const dir = committed({ 'shop.k8s.yaml': SHOP, 'old.k8s.yaml': SHOP });

  // WHEN
  const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD });

  // THEN
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/Only in .*dist: old\.k8s\.yaml/);
  expect(r.stdout).toMatch(/Only in .*synth: argocd\.k8s\.yaml/);
});

test('fails if the synth command fails', () => {
  const dir = committed({ 'shop.k8s.yaml': SHOP });
  const r = run(['node -e "process.exit(3)"', dir], {});
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('error: the synth command failed: node -e "process.exit(3)"');
});

test('fails if the synth command writes nothing to CDK8S_OUTDIR', () => {
  const dir = committed({ 'shop.k8s.yaml': SHOP });
  const r = run(['true', dir], {});
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/error: the synth command wrote nothing to \$CDK8S_OUTDIR/);
});

test('fails if the committed manifests directory does not exist', () => {
  const r = run([synthCommand, path.join(work, 'missing')], {});
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/error: the committed manifests directory '.*missing' does not exist/);
});

test('works with a real cdk8s App, which writes to CDK8S_OUTDIR when it has no outdir of its own', () => {
  // GIVEN: a cdk8s app synthesized once into the committed directory
  const app = path.join(work, 'app.js');
  fs.writeFileSync(app, [
    `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
    'const app = new App();',
    "const chart = new Chart(app, 'shop', { namespace: 'shop' });",
    "new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop' }, data: { greeting: process.env.GREETING || 'hello' } });",
    'app.synth();',
  ].join('\n'));
  const dir = path.join(work, 'dist');
  expect(spawnSync('node', [app], { env: { ...process.env, CDK8S_OUTDIR: dir } }).status).toBe(0);

  // WHEN
  const same = spawnSync('bash', [SCRIPT, `node ${JSON.stringify(app)}`, dir], { encoding: 'utf-8' });
  const changed = spawnSync('bash', [SCRIPT, `node ${JSON.stringify(app)}`, dir], { env: { ...process.env, GREETING: 'hi' }, encoding: 'utf-8' });

  // THEN
  expect(fs.readdirSync(dir)).toEqual(['shop.k8s.yaml']);
  expect(same.status).toBe(0);
  expect(changed.status).toBe(1);
  expect(changed.stdout).toMatch(/^\+  greeting: hi$/m);
});

describe('with an ownership record (CanaryApp)', () => {
  /** The committed directory as a GitOps repository holds it: the files and record of an earlier synth, and the user's files. */
  function committedWithRecord(files: { [name: string]: string }): string {
    const dir = path.join(work, 'repo');
    const out = spawnSync('node', [path.join(work, 'synth.js')], { env: { ...process.env, CDK8S_OUTDIR: dir, MANIFESTS: JSON.stringify(files), RECORD: '1' } });
    expect(out.status).toBe(0);
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# GitOps\n');
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources: []\n');
    return dir;
  }

  test('compares only the files synth owns: the user\'s files next to them are left out', () => {
    const dir = committedWithRecord({ 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD });
    const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD }, { RECORD: '1' });
    expect(r.stderr).toEqual('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`ok: the files synth owns in '${dir}' match a fresh synth (other files there are not synth's and are left out)`);
  });

  test('fails if an owned file differs, and prints the diff', () => {
    const dir = committedWithRecord({ 'shop.k8s.yaml': SHOP });
    const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP.replace('name: shop', 'name: shop-v2') }, { RECORD: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\+ {2}name: shop-v2$/m);
    expect(r.stderr).toContain(`error: the files synth owns in '${dir}' differ from a fresh synth (diff above: '-' committed, '+' fresh).`);
    expect(r.stderr).toContain(`regenerate them by running the synth command with CDK8S_OUTDIR='${dir}' (it removes the files of removed charts itself)`);
  });

  test('fails if a file the committed record lists is no longer produced, or a new one is not committed', () => {
    const dir = committedWithRecord({ 'shop.k8s.yaml': SHOP, 'old.k8s.yaml': SHOP });
    const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP, 'argocd.k8s.yaml': ARGOCD }, { RECORD: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Only in ${dir}: old.k8s.yaml`);
    expect(r.stdout).toMatch(/Only in .*synth: argocd\.k8s\.yaml/);
    expect(r.stdout).not.toContain('README.md');
  });

  test('fails if the record is not committed', () => {
    const dir = committed({ 'shop.k8s.yaml': SHOP });
    const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP }, { RECORD: '1' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`Only in .*synth: ${RECORD_FILE.replace(/\./g, '\\.')}`));
  });

  test('fails if the committed record lists a path outside the directory', () => {
    const dir = committedWithRecord({ 'shop.k8s.yaml': SHOP });
    fs.appendFileSync(path.join(dir, RECORD_FILE), `${'0'.repeat(64)}  ../../etc/hostname\n`);
    const r = run([synthCommand, dir], { 'shop.k8s.yaml': SHOP }, { RECORD: '1' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('lists "../../etc/hostname", which is not a plain path inside the directory; restore the record from git');
  });
});

test('fails if the arguments are missing', () => {
  const r = run([synthCommand], {});
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^usage: .*check-manifests\.sh '<synth command>' <committed manifests dir>/);
});
