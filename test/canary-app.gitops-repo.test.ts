// End to end, as a team uses the library: a separate program (plain JavaScript, outside this repository) loads the
// library (transpiled from its sources by scripts/run-ts.js, as `npx projen synth` does) and synthesizes, with `node`
// and CDK8S_OUTDIR, into the root of a real git repository that also holds a README, a kustomization.yaml and
// another team's folder. Three synths, a service removed in between, and an invalid one; git shows exactly the
// expected changes and nothing of the user's is lost.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pick, snapshotTree, writeFiles } from './support/tree';
import { RECORD_FILE } from '../src/private/synth/output-record';

const ROOT = path.join(__dirname, '..');
let work: string;
let repo: string;
let program: string;

beforeEach(() => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-repo-')));
  repo = path.join(work, 'gitops');
  program = path.join(work, 'app', 'main.js');
  writeFiles(work, {
    'app/main.js': [
      `const { Chart } = require(${JSON.stringify(require.resolve('cdk8s'))});`,
      `require(${JSON.stringify(path.join(ROOT, 'scripts', 'run-ts.js'))}); // loads .ts files of the repository`,
      `const { ArgoCdApplication, CanaryApp, CanaryService } = require(${JSON.stringify(path.join(ROOT, 'src', 'index.ts'))});`,
      'const app = new CanaryApp(); // writes to $CDK8S_OUTDIR',
      'const argocd = new Chart(app, "argocd");',
      'for (const name of process.env.SERVICES.split(",")) {',
      '  const chart = new Chart(app, name, { namespace: name });',
      '  new CanaryService(chart, name, { image: process.env.IMAGE || `ghcr.io/acme/${name}:1.0.0` });',
      '  new ArgoCdApplication(argocd, name, { name, sourceRepoUrl: "https://github.com/acme/gitops.git", sourcePath: ".",',
      '    destinationServer: "https://kubernetes.default.svc", charts: [chart] });',
      '}',
      'app.synth();',
    ].join('\n'),
    'gitops/README.md': '# GitOps repository of the shop\n',
    'gitops/kustomization.yaml': 'resources:\n  - shop.k8s.yaml\n',
    'gitops/payments/payments.k8s.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n',
  });
  git(['init', '-q']);
  commit('the user\'s files');
});

afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function git(args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf-8' });
}

function commit(message: string): void {
  git(['add', '-A']);
  git(['commit', '-q', '--allow-empty', '-m', message]);
}

/** Runs the program as a pipeline would: `node main.js` with CDK8S_OUTDIR at the repository root. */
function synth(services: string, env: { [name: string]: string } = {}) {
  return spawnSync(process.execPath, [program], { cwd: path.dirname(program), env: { ...process.env, CDK8S_OUTDIR: repo, SERVICES: services, ...env }, encoding: 'utf-8' });
}

/** `git status --porcelain`, one entry per line, sorted. */
function changes(): string[] {
  return git(['status', '--porcelain', '--untracked-files=all']).split('\n').filter(l => l !== '').sort();
}

test('three synths into a GitOps repository root, with a service removed in between: the right files, and no file of the user lost', () => {
  const users = ['README.md', 'kustomization.yaml', 'payments']; // (.git/ changes with every commit of the test; git log checks it below)
  const before = pick(snapshotTree(repo), users);

  // WHEN the first synth runs
  const first = synth('shop,cart');
  // THEN
  expect(first.status).toBe(0);
  expect(changes()).toEqual([
    '?? argocd.k8s.yaml', '?? cart.k8s.yaml', '?? cart.plan.md', `?? ${RECORD_FILE}`, '?? shop.k8s.yaml', '?? shop.plan.md',
  ]);
  commit('synth 1');

  // WHEN the cart service is removed from the program
  const second = synth('shop');
  // THEN its files go away, and the Applications change
  expect(second.status).toBe(0);
  expect(changes()).toEqual([' D cart.k8s.yaml', ' D cart.plan.md', ' M argocd.k8s.yaml', ` M ${RECORD_FILE}`]);
  commit('synth 2');

  // WHEN the same program runs again
  const shopTime = fs.statSync(path.join(repo, 'shop.k8s.yaml')).mtimeMs;
  const third = synth('shop');
  // THEN nothing changes, not even a modification time
  expect(third.status).toBe(0);
  expect(changes()).toEqual([]);
  expect(fs.statSync(path.join(repo, 'shop.k8s.yaml')).mtimeMs).toEqual(shopTime);

  // WHEN an invalid program runs
  const invalid = synth('shop,orders', { IMAGE: 'ghcr.io/acme/orders' });
  // THEN it fails, and nothing changes
  expect(invalid.status).not.toBe(0);
  expect(invalid.stderr).toMatch(/has neither a tag nor a digest/);
  expect(changes()).toEqual([]);

  // AND the user's files are byte-identical (modes and modification times too), the history is intact, no staging folder is left
  expect(pick(snapshotTree(repo), users)).toEqual(before);
  execFileSync('git', ['fsck', '--no-progress'], { cwd: repo, stdio: 'ignore' });
  expect(fs.readdirSync(repo).sort()).toEqual(['.git', 'README.md', 'argocd.k8s.yaml', RECORD_FILE, 'kustomization.yaml', 'payments', 'shop.k8s.yaml', 'shop.plan.md']);
  expect(git(['log', '--format=%s'])).toEqual('synth 2\nsynth 1\nthe user\'s files\n');
});

test('the pipeline check passes on the repository root: only the files synth owns are compared', () => {
  // GIVEN a committed synth next to the user's files
  expect(synth('shop').status).toBe(0);
  commit('synth');
  // WHEN
  const check = spawnSync('bash', [path.join(ROOT, 'scripts', 'check-manifests.sh'), `node ${JSON.stringify(program)}`, repo], {
    env: { ...process.env, SERVICES: 'shop' }, encoding: 'utf-8',
  });
  const drift = spawnSync('bash', [path.join(ROOT, 'scripts', 'check-manifests.sh'), `node ${JSON.stringify(program)}`, repo], {
    env: { ...process.env, SERVICES: 'shop,cart' }, encoding: 'utf-8',
  });
  // THEN
  expect(check.status).toBe(0);
  expect(check.stdout).toContain('ok: the files synth owns in');
  expect(drift.status).toBe(1);
  expect(drift.stdout).toMatch(/Only in .*: cart\.k8s\.yaml/);
});
