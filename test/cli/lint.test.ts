// The `cdk8s-canary lint` command, run in-process (runCli) on upstream-shaped YAML written for these tests
// (test/cli/fixtures), on one-defect variants of it, on the library's own output, and on bad inputs; plus one run of
// the command as a process.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, runCli } from '../../src/cli/main';
import { CanaryRules } from '../../src/rules/canary-rules';
import { sarifSchemaErrors } from '../support/sarif';
import { validateManifest, validateManifests } from '../support/schema';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const SHOP = path.join(ROOT, 'examples', 'shop', 'manifests');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command in-process; standard input holds `stdin` (reading it when none is given fails the test). */
function lintRun(args: string[], cwd = ROOT, stdin?: string): Run {
  let stdout = '';
  let stderr = '';
  const readStdin = () => {
    if (stdin === undefined) throw new Error('the command read standard input, which this test does not give');
    return stdin;
  };
  const code = runCli(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, cwd, readStdin });
  return { code, stdout, stderr };
}

/** The JSON report of `lint --format json <paths>`. */
function lintJson(paths: string[], extra: string[] = []): { code: number; report: any } {
  const r = lintRun(['lint', '--format', 'json', ...extra, ...paths]);
  return { code: r.code, report: JSON.parse(r.stdout) };
}

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-lint-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

/** Writes `files` (name -> text) into a new temporary folder; returns the folder. */
function writeFiles(files: { [name: string]: string }): string {
  const dir = tmpDir();
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** The fixture with `from` replaced by `to` (exactly once), in a temporary folder; returns the file. */
function variant(name: string, from: string, to: string): string {
  const text = fixture(name);
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" is not in ${name} exactly once`);
  const dir = writeFiles({ [path.basename(name)]: text.slice(0, at) + to + text.slice(at + from.length) });
  return path.join(dir, path.basename(name));
}

/** The 1-based line of the first document of `kind` in a YAML text. */
function documentLine(text: string, kind: string): number {
  const lines = text.split('\n');
  const kindLine = lines.findIndex(l => l === `kind: ${kind}`);
  let start = kindLine;
  while (start > 0 && lines[start - 1] !== '---' && !lines[start - 1].startsWith('#')) start--;
  return start + 1;
}

const SHAPES = ['subset-split.yaml', 'host-split.yaml', 'tls-only.yaml', 'header-mirror.yaml', 'mixed.yaml'];

describe('valid YAML of each traffic shape', () => {
  test('the fixtures are valid against the upstream schemas (kinds with an oracle)', () => {
    const docs = [...SHAPES, 'analysis/rollout.yaml', 'analysis/templates.yaml']
      .flatMap(f => YAML.parseAllDocuments(fixture(f)).map(d => d.toJS()).filter(Boolean))
      .flatMap(m => m.kind === 'List' ? m.items : [m])
      .filter(m => !/^(cert-manager|rbac\.authorization\.k8s)\.io\//.test(m.apiVersion)); // no oracle for these
    expect(docs.length).toBeGreaterThanOrEqual(25);
    for (const m of docs) validateManifest(m);
  });

  test.each(SHAPES.map(s => [s]))('%s: no error, no controller or Istio finding, exit 0', name => {
    const { code, report } = lintJson([`test/cli/fixtures/${name}`]);
    expect(report.problems).toEqual([]);
    expect(report.findings.filter((f: any) => f.level === 'error')).toEqual([]);
    expect(report.findings.filter((f: any) => /^CR[12]/.test(f.code))).toEqual([]);
    expect(code).toBe(EXIT_CLEAN);
  });

  test('the TLS-only VirtualService with routes listed gives no CR103 (the controller checks HTTP routes only with an http section)', () => {
    const { report } = lintJson(['test/cli/fixtures/tls-only.yaml']);
    expect(report.findings.map((f: any) => f.code)).not.toContain('CR103');
  });

  test('the library\'s own rules warn, naming --strict, for YAML the library did not write (CR305: no readinessProbe)', () => {
    const { report } = lintJson(['test/cli/fixtures/subset-split.yaml']);
    const cr305 = report.findings.find((f: any) => f.code === 'CR305');
    expect(cr305).toMatchObject({
      level: 'warning',
      file: 'test/cli/fixtures/subset-split.yaml',
      line: documentLine(fixture('subset-split.yaml'), 'Rollout'),
      object: 'Rollout store/checkout',
      path: 'spec.template.spec.containers[0].readinessProbe',
    });
    expect(cr305.message).toMatch(/container "checkout" serves Service store\/checkout port 80 but has no readinessProbe, .*\(a rule of cdk8s-canary, not of the controllers: an error for the output of cdk8s-canary synth or with --strict\)$/);
  });

  test('fails with --strict: the library\'s own rules are errors for every object (CR305)', () => {
    const { code, report } = lintJson(['test/cli/fixtures/subset-split.yaml'], ['--strict']);
    expect(report.findings.filter((f: any) => f.level === 'error').map((f: any) => f.code)).toEqual(['CR305']);
    expect(code).toBe(EXIT_FINDINGS);
  });

  test('the AnalysisTemplate in another file: linted together, no CR335; the Rollout alone warns CR335 (cannot check), exit 0', () => {
    const both = lintJson(['test/cli/fixtures/analysis']);
    expect(both.report.files).toEqual(['test/cli/fixtures/analysis/rollout.yaml', 'test/cli/fixtures/analysis/templates.yaml']);
    // CR309: the template's success condition is the upstream docs' guard, which passes a query without data
    expect(both.report.findings.map((f: any) => f.code)).toEqual(['PLAN009', 'CR309']);
    const alone = lintJson(['test/cli/fixtures/analysis/rollout.yaml']);
    const cr335 = alone.report.findings.find((f: any) => f.code === 'CR335');
    expect(cr335).toMatchObject({ level: 'warning', path: 'spec.strategy.canary.analysis.templates[0].templateName', line: 3 });
    expect(cr335.message).toMatch(/the AnalysisTemplate store\/orders-success-rate .* is not in the given files, so its metrics and arguments are not checked/);
    expect(alone.report.findings.map((f: any) => f.code)).not.toContain('CR122');
    expect(alone.code).toBe(EXIT_CLEAN);
  });

  test('a multi-document file with unrelated kinds: they are read and ignored (Namespace, ConfigMap, Certificate, a List, an empty document)', () => {
    const { report } = lintJson(['test/cli/fixtures/mixed.yaml']);
    expect(report.summary.objects).toBe(9);
    const objects = new Set(report.findings.map((f: any) => f.object));
    expect([...objects]).toEqual(['Rollout store/reviews']);
  });

  test('several files and folders at once: each file once, findings located in their own file', () => {
    const { report } = lintJson(['test/cli/fixtures', 'test/cli/fixtures/tls-only.yaml']);
    expect(report.files.filter((f: string) => f.endsWith('tls-only.yaml'))).toEqual(['test/cli/fixtures/tls-only.yaml']);
    expect(report.files).toHaveLength(7);
    const tls = report.findings.filter((f: any) => f.object === 'Rollout store/payments');
    expect(tls.length).toBeGreaterThan(0);
    expect(new Set(tls.map((f: any) => `${f.file}:${f.line}`))).toEqual(new Set([`test/cli/fixtures/tls-only.yaml:${documentLine(fixture('tls-only.yaml'), 'Rollout')}`]));
  });
});

describe('one defect each', () => {
  const cases: Array<[string, string, string, string, string, RegExp]> = [
    ['a route name in the Rollout that the VirtualService does not have', 'subset-split.yaml', '              - primary', '              - primry', 'CR103',
      /route "primry" is not an HTTP route of VirtualService store\/checkout/],
    ['a canary subset the DestinationRule does not define', 'subset-split.yaml', 'canarySubsetName: canary', 'canarySubsetName: preview', 'CR108',
      /'canarySubsetName' \("preview"\) is not a subset of DestinationRule store\/checkout/],
    ['a host-level route without the canary Service', 'host-split.yaml', 'host: search-canary', 'host: search-preview', 'CR105', /search-canary/],
    ['a TLS-split VirtualService with neither http nor tls routes', 'tls-only.yaml', '  tls:\n', '  tcp_disabled:\n', 'CR103', /route "primary" is not an HTTP route/],
    ['a header route step naming a route that is not managed', 'header-mirror.yaml', 'name: beta-testers\n            match', 'name: beta\n            match', 'CR114', /"beta"/],
  ];
  test.each(cases)('fails if %s (%s -> %s)', (_name, file, from, to, code, message) => {
    const bad = variant(file, from, to);
    const r = lintRun(['lint', '--format', 'json', bad]);
    const report = JSON.parse(r.stdout);
    const hit = report.findings.find((f: any) => f.code === code && message.test(f.message));
    if (!hit) throw new Error(`expected ${code} matching ${message}, got ${JSON.stringify(report.findings, null, 2)}`);
    expect(hit.level).toBe('error');
    expect(hit.fix.length).toBeGreaterThan(10);
    expect(hit.file).toBe(bad.split(path.sep).join('/')); // outside the working folder: absolute
    expect(r.code).toBe(EXIT_FINDINGS);
  });

  test('fails if the template of another file declares an argument the Rollout does not pass (CR125)', () => {
    const dir = writeFiles({
      'rollout.yaml': fixture('analysis/rollout.yaml'),
      'templates.yaml': fixture('analysis/templates.yaml').replace('  args:\n    - name: service\n', '  args:\n    - name: service\n    - name: namespace\n'),
    });
    const { code, report } = lintJson([dir]);
    expect(report.findings.filter((f: any) => f.level === 'error').map((f: any) => f.code)).toEqual(['CR125']);
    expect(code).toBe(EXIT_FINDINGS);
  });

  test('warns if an image is not pinned (CR306 for YAML the library did not write): exit 0, and 1 with --fail-on warning', () => {
    const bad = variant('mixed.yaml', 'registry.example.com/reviews:1.0.4', 'registry.example.com/reviews:latest');
    const normal = lintRun(['lint', bad]);
    expect(normal.stdout).toMatch(/mixed\.yaml:\d+: warning CR306 Rollout store\/reviews spec\.template\.spec\.containers\[0\]\.image: image "registry\.example\.com\/reviews:latest" uses the tag "latest"/);
    expect(normal.code).toBe(EXIT_CLEAN);
    expect(lintRun(['lint', '--fail-on', 'warning', bad]).code).toBe(EXIT_FINDINGS);
    expect(lintRun(['lint', '--fail-on=warning', '--skip', 'CR302,CR305,CR306', bad]).code).toBe(EXIT_CLEAN);
  });
});

describe('the library\'s own output', () => {
  test('examples/shop/manifests: no error, and the same rule findings as synth\'s own check of the same objects, exit 0', () => {
    const files = fs.readdirSync(SHOP).filter(f => f.endsWith('.yaml'));
    const objects = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(SHOP, f), 'utf8')).map(d => d.toJS()).filter(Boolean));
    const { code, report } = lintJson(['examples/shop/manifests']);
    expect(report.summary).toMatchObject({ objects: objects.length, errors: 0 });
    const key = (f: any) => `${f.code} ${f.object} ${f.path}: ${f.message}`;
    const synth = CanaryRules.check(objects);
    expect(report.findings.filter((f: any) => f.code.startsWith('CR')).map(key).sort()).toEqual(synth.map(key).sort());
    expect(code).toBe(EXIT_CLEAN);
  });

  /** A copy of the example output where a tool changed the image only (as Argo CD Image Updater does). */
  function imageOnlyEdit(withRecord: boolean): string {
    const dir = tmpDir();
    for (const f of fs.readdirSync(SHOP)) {
      if (f === 'cdk8s-canary.owned.txt' && !withRecord) continue;
      fs.copyFileSync(path.join(SHOP, f), path.join(dir, f));
    }
    const file = path.join(dir, 'shop-production.k8s.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const image = /image: (\S+:\d+\.\d+\.\d+)\n/.exec(text)!;
    fs.writeFileSync(file, text.replace(image[0], `image: ${image[1].replace(/\d+$/, n => String(Number(n) + 1))}\n`));
    return dir;
  }

  test('fails if a tool changed the image only: the revision label is stale (CR307 is an error for files of the ownership record)', () => {
    const { code, report } = lintJson([imageOnlyEdit(true)]);
    const errors = report.findings.filter((f: any) => f.level === 'error');
    expect(errors.map((f: any) => f.code)).toEqual(['CR307']);
    expect(errors[0].file).toMatch(/shop-production\.k8s\.yaml$/);
    expect(errors[0].message).toMatch(/the revision label \(".*"\) was computed for another pod template/);
    expect(code).toBe(EXIT_FINDINGS);
  });

  test('fails if an Application that ignores Istio fields loses ApplyOutOfSyncOnly (CR408: the Argo CD rules run on the files)', () => {
    const dir = tmpDir();
    for (const f of fs.readdirSync(SHOP)) fs.copyFileSync(path.join(SHOP, f), path.join(dir, f));
    const file = path.join(dir, 'argocd.k8s.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('      - ApplyOutOfSyncOnly=true\n', ''));
    const { code, report } = lintJson([dir]);
    const errors = report.findings.filter((f: any) => f.level === 'error');
    expect(errors.map((f: any) => `${f.code} ${f.object}`)).toEqual([expect.stringMatching(/^CR408 Application /)]);
    expect(errors[0].file).toMatch(/argocd\.k8s\.yaml$/);
    expect(code).toBe(EXIT_FINDINGS);
  });

  test('warns only (CR307) for the same edit when the folder has no ownership record (YAML the library did not write)', () => {
    const { code, report } = lintJson([imageOnlyEdit(false)]);
    expect(report.summary.errors).toBe(0);
    expect(report.findings.filter((f: any) => f.code === 'CR307').map((f: any) => `${f.level} ${f.code}`)).toEqual(['warning CR307']);
    expect(code).toBe(EXIT_CLEAN);
  });
});

describe('bad input', () => {
  const badInputs: Array<[string, { [name: string]: string | Buffer }, string, RegExp]> = [
    ['a file with a duplicate key', { 'dup.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n' }, 'dup.yaml',
      /^dup\.yaml:5:3: cannot lint: the key "name" appears twice in one mapping \(Map keys must be unique\); .*keep one of them$/m],
    ['a file that is not valid YAML (unclosed quote)', { 'broken.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: "a\n' }, 'broken.yaml',
      /^broken\.yaml:5:1: cannot lint: it is not valid YAML \(Missing closing "quote\): fix the file or leave it out of the inputs$/m],
    ['a file of prose named .yaml', { 'notes.yaml': '# Notes\n\nThese are not manifests.\n' }, 'notes.yaml',
      /^notes\.yaml:3: cannot lint: the document is a plain value, not a Kubernetes object/m],
    ['a binary file', { 'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]) }, 'image.yaml',
      /^image\.yaml: cannot lint: it is not YAML \(it holds NUL bytes/m],
    ['a file that does not exist', {}, 'missing.yaml', /^missing\.yaml: cannot lint: cannot read it \(ENOENT\)/m],
    ['an empty folder', { 'empty/README.txt': 'no manifests here' }, 'empty',
      /^empty: cannot lint: the folder holds no \*\.yaml or \*\.yml file/m],
  ];
  test.each(badInputs)('fails (exit 2) on %s, naming file and line, and lints nothing else', (_name, files, target, message) => {
    const dir = writeFiles({ ...files, 'good.yaml': fixture('subset-split.yaml').replace('registry.example.com/checkout:2.3.1', 'checkout:latest') });
    const r = lintRun(['lint', '--strict', target, 'good.yaml'], dir);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toMatch(/^1 input problem: nothing was linted \(fix the inputs, then run again\)$/m);
    expect(r.stdout).not.toMatch(/CR30[56]/);
    expect(r.code).toBe(EXIT_USAGE);
  });

  test('fails on a dangling symlink (unreadable file)', () => {
    const dir = tmpDir();
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'link.yaml'));
    const r = lintRun(['lint', 'link.yaml'], dir);
    expect(r.stdout).toMatch(/^link\.yaml: cannot lint: cannot read it \(ENOENT\)/m);
    expect(r.code).toBe(EXIT_USAGE);
  });

  test('reports every problem of several files, each with its own position', () => {
    const dir = writeFiles({ 'a.yaml': 'a: 1\na: 2\n', 'b.yaml': 'kind: X\n---\nkey: [unclosed\n' });
    const r = lintRun(['lint', '.'], dir);
    expect(r.stdout.split('\n').filter(l => l.includes('cannot lint')).map(l => l.split(': ')[0])).toEqual(['a.yaml:2:1', 'b.yaml:4:1']);
    expect(r.code).toBe(EXIT_USAGE);
  });

  test('in JSON and SARIF, problems are in the report and on stderr', () => {
    const dir = writeFiles({ 'dup.yaml': 'kind: A\nkind: B\n' });
    const json = lintRun(['lint', '--format', 'json', 'dup.yaml'], dir);
    expect(JSON.parse(json.stdout).problems).toEqual([{ file: 'dup.yaml', line: 2, column: 1, message: expect.stringMatching(/the key "kind" appears twice/) }]);
    expect(json.stderr).toMatch(/^dup\.yaml:2:1: cannot lint/);
    const sarif = JSON.parse(lintRun(['lint', '--format', 'sarif', 'dup.yaml'], dir).stdout);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].invocations[0]).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [{
        level: 'error',
        message: { text: expect.stringMatching(/the key "kind" appears twice/) },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'dup.yaml' }, region: { startLine: 2 } } }],
      }],
    });
    expect(sarif.runs[0].results).toEqual([]);
  });
});

describe('usage', () => {
  test.each([
    ['no arguments', [], /^Usage: cdk8s-canary lint/],
    ['an unknown command', ['check', 'x.yaml'], /^cdk8s-canary: unknown command "check": the command is "lint"/],
    ['an unknown option', ['lint', '--quiet', 'x.yaml'], /^cdk8s-canary: unknown option --quiet/],
    ['an unknown format', ['lint', '--format', 'xml', 'x.yaml'], /^cdk8s-canary: --format \("xml"\) must be one of text, json, sarif/],
    ['an unknown --fail-on level', ['lint', '--fail-on', 'info', 'x.yaml'], /^cdk8s-canary: --fail-on \("info"\) must be one of error, warning/],
    ['--format without a value', ['lint', '--format'], /^cdk8s-canary: --format needs a value/],
    ['an unknown code to skip', ['lint', '--skip', 'CR999', 'x.yaml'], /^cdk8s-canary: --skip \(CR999\) names no rule or plan code/],
    ['no file or folder', ['lint', '--strict'], /^cdk8s-canary: no file or folder to lint/],
    ['standard input given twice', ['lint', '-', 'x.yaml', '-'], /^cdk8s-canary: - \(standard input\) is given more than once: it can be read only once, pass it once/],
  ])('fails (exit 2) on %s', (_name, args, message) => {
    const r = lintRun(args as string[]);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).toMatch(/Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or read errors/);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(EXIT_USAGE);
  });

  test('--help prints the usage to stdout, exit 0', () => {
    const r = lintRun(['lint', '--help']);
    expect(r.stdout).toMatch(/^Usage: cdk8s-canary lint \[options\] <file or folder>\.\.\./);
    expect(r.code).toBe(EXIT_CLEAN);
  });
});

describe('standard input (-)', () => {
  const split = () => fs.readFileSync(variant('subset-split.yaml', '              - primary', '              - primry'), 'utf8');

  test('- lints standard input like a file, shown as "-" (kustomize build ... | cdk8s-canary lint -)', () => {
    const r = lintRun(['lint', '-'], tmpDir(), split());
    expect(r.stdout).toMatch(new RegExp(`^-:${documentLine(fixture('subset-split.yaml'), 'Rollout')}: error CR103 Rollout store/checkout `, 'm'));
    expect(r.stdout).toMatch(/\n1 error, 4 warnings in 4 objects of 1 file\n$/);
    expect(r.code).toBe(EXIT_FINDINGS);
  });

  test('standard input and files together: each finding names its input; SARIF names standard input "-" and stays valid', () => {
    const dir = writeFiles({ 'clean.yaml': fixture('header-mirror.yaml') }); // other objects than standard input's
    const json = JSON.parse(lintRun(['lint', '--format', 'json', 'clean.yaml', '-'], dir, split()).stdout);
    expect(json.files).toEqual(['clean.yaml', '-']);
    expect(json.findings.filter((f: any) => f.code === 'CR103').map((f: any) => f.file)).toEqual(['-']);
    const sarif = JSON.parse(lintRun(['lint', '--format', 'sarif', 'clean.yaml', '-'], dir, split()).stdout);
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.find((res: any) => res.ruleId === 'CR103').locations[0].physicalLocation.artifactLocation).toEqual({ uri: '-' });
  });

  test.each<[string, string, RegExp]>([
    ['empty (the command before the pipe failed)', '', /^-: cannot lint: standard input is empty: did the command before the pipe fail\?/m],
    ['only blank lines', '\n\n', /^-: cannot lint: standard input is empty/m],
    ['binary data', 'kind: Service\0', /^-: cannot lint: standard input is not YAML \(it holds NUL bytes/m],
    ['not valid YAML', 'kind: Service\nmetadata:\n  name: "a\n', /^-:4:1: cannot lint: it is not valid YAML/m],
  ])('fails (exit 2) when standard input is %s', (_name, stdin, message) => {
    const r = lintRun(['lint', '-'], tmpDir(), stdin);
    expect(r.stdout).toMatch(message);
    expect(r.code).toBe(EXIT_USAGE);
  });

  test('fails (exit 2) when standard input cannot be read, with the reason', () => {
    let stdout = '';
    const code = runCli(['lint', '-'], { stdout: t => { stdout += t; }, stderr: () => undefined, cwd: tmpDir(), readStdin: () => { throw Object.assign(new Error('x'), { code: 'EAGAIN' }); } });
    expect(stdout).toMatch(/^-: cannot lint: cannot read standard input \(EAGAIN\): pipe the manifests in, or pass files$/m);
    expect(code).toBe(EXIT_USAGE);
  });

  test('a file named "-" is linted as ./-', () => {
    const dir = writeFiles({ '-': fixture('subset-split.yaml') });
    const r = lintRun(['lint', './-'], dir);
    expect(r.stdout).toMatch(/in 4 objects of 1 file\n$/);
    expect(r.code).toBe(EXIT_CLEAN);
  });
});

describe('a GitOps repository: the Argo CD Applications of the inputs and the files they deploy', () => {
  /** An Application deploying folder `path` of the repository to `server` (a cluster). */
  const application = (name: string, sourcePath: string, server: string, extra: string = '') => `---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/gitops.git
    path: ${sourcePath}
    targetRevision: main
  destination:
    server: ${server}
    namespace: store
${extra}`;
  const shop = fixture('subset-split.yaml');
  /** A repository (with .git) holding `files`; returns its root. */
  const repository = (files: { [name: string]: string }) => writeFiles({ '.git/HEAD': 'ref: refs/heads/main\n', ...files });
  const codes = (r: Run) => [...r.stdout.matchAll(/ (?:error|warning) (CR\d+) /g)].map(m => m[1]);

  test('the same objects in two environments that two Applications deploy to two clusters are not defined twice', () => {
    const root = repository({
      'envs/staging/shop.yaml': shop,
      'envs/prod/shop.yaml': shop,
      'argocd/apps.yaml': application('staging', 'envs/staging', 'https://staging.example.com') + application('prod', 'envs/prod', 'https://prod.example.com'),
    });
    const r = lintRun(['lint', '.'], root);
    expect(codes(r)).not.toContain('CR308');
    expect(r.code).toBe(EXIT_CLEAN);
    // each copy's findings at its own file (rules and plan warnings alike)
    const files = (code: RegExp) => [...new Set([...r.stdout.matchAll(/^(\S+):\d+: \w+ (\S+) /gm)].filter(m => code.test(m[2])).map(m => m[1]))];
    expect(files(/^CR/)).toEqual(['envs/prod/shop.yaml', 'envs/staging/shop.yaml']);
    expect(files(/^PLAN/)).toEqual(['envs/prod/shop.yaml', 'envs/staging/shop.yaml']);
  });

  test('fails with CR308 naming both files when both folders go to one cluster (or when no Application says where they go)', () => {
    const twice = repository({
      'envs/a/shop.yaml': shop,
      'envs/b/shop.yaml': shop,
      'argocd/apps.yaml': application('a', 'envs/a', 'https://prod.example.com') + application('b', 'envs/b', 'https://prod.example.com'),
    });
    const r = lintRun(['lint', '--strict', '.'], twice);
    expect(r.stdout).toMatch(/error CR308 Rollout store\/checkout metadata\.name: Rollout store\/checkout is defined both in file envs\/a\/shop\.yaml and in file envs\/b\/shop\.yaml \(at envs\/a\/shop\.yaml:\d+ and at envs\/b\/shop\.yaml:\d+\)/);
    expect(r.code).toBe(EXIT_FINDINGS);
    const unplaced = repository({ 'envs/staging/shop.yaml': shop, 'envs/prod/shop.yaml': shop });
    expect(codes(lintRun(['lint', '--strict', '.'], unplaced))).toContain('CR308');
  });

  test('an Application\'s Argo CD rules see the objects of its own folder only', () => {
    const hideRoutes = `  ignoreDifferences:
    - group: networking.istio.io
      kind: VirtualService
      jsonPointers: [/spec/http]
  syncPolicy:
    syncOptions: [ApplyOutOfSyncOnly=true]
`;
    const root = repository({
      'apps/shop/shop.yaml': shop,
      'apps/config/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: store\ndata:\n  mode: fast\n',
      'argocd/config.yaml': application('config', 'apps/config', 'https://prod.example.com', hideRoutes),
    });
    expect(codes(lintRun(['lint', '.'], root))).not.toContain('CR403');
    // without the repository (its paths are no folders under another root) the Application's rules see the shop too
    expect(codes(lintRun(['lint', '--repo-root', 'apps', '.'], root))).toContain('CR403');
    // the same Application deploying the shop's folder hides its VirtualService's routes
    const deploysShop = repository({ 'apps/shop/shop.yaml': shop, 'argocd/shop.yaml': application('shop', 'apps/shop', 'https://prod.example.com', hideRoutes) });
    expect(codes(lintRun(['lint', '.'], deploysShop))).toContain('CR403');
    // ... unless the file holds Argo CD's skip-rendering marker: the Application does not deploy it
    const skipped = repository({
      'apps/shop/shop.yaml': `# +argocd:skip-file-rendering\n${shop}`,
      'argocd/shop.yaml': application('shop', 'apps/shop', 'https://prod.example.com', hideRoutes),
    });
    expect(codes(lintRun(['lint', '.'], skipped))).not.toContain('CR403');
  });

  test('an Application whose files cannot be told is a note, and its rules see every object (as without a repository)', () => {
    const root = repository({
      'apps/shop/kustomization.yaml': 'resources: [shop.yaml]\n',
      'apps/shop/shop.yaml': shop,
      'argocd/apps.yaml': application('shop', 'apps/shop', 'https://prod.example.com'),
    });
    const r = lintRun(['lint', 'apps/shop/shop.yaml', 'argocd'], root);
    expect(r.stdout).toMatch(/^note: Application argocd\/shop \(argocd\/apps\.yaml:2\): the files it deploys are not known, because its source "apps\/shop" is rendered by Kustomize: lint what it renders \(for example `kustomize build apps\/shop \| cdk8s-canary lint -`\); its Argo CD rules see every object of the inputs$/m);
    expect(r.code).toBe(EXIT_CLEAN);
  });

  test('the repository root is the folder above that holds .git, or --repo-root; paths of the Applications start there', () => {
    const root = repository({
      'envs/staging/shop.yaml': shop,
      'envs/prod/shop.yaml': shop,
      'argocd/apps.yaml': application('staging', 'envs/staging', 'https://staging.example.com') + application('prod', 'envs/prod', 'https://prod.example.com'),
    });
    expect(codes(lintRun(['lint', '--strict', '.', '../argocd'], path.join(root, 'envs')))).not.toContain('CR308');
    // a root where the source paths are no folders: the Applications are notes and the objects one set again
    const elsewhere = lintRun(['lint', '--strict', '--repo-root', 'envs', '.'], root);
    expect(elsewhere.stdout).toMatch(/^note: Application argocd\/staging .*its source path "envs\/staging" is no folder of the repository/m);
    expect(codes(elsewhere)).toContain('CR308');
  });

  test('fails (exit 2) if --repo-root is no folder', () => {
    const r = lintRun(['lint', '--repo-root', 'missing', '.'], tmpDir());
    expect(r.stderr).toMatch(/^cdk8s-canary: --repo-root \("missing"\) is no folder: pass the root of the Git repository/);
    expect(r.code).toBe(EXIT_USAGE);
  });
});

describe('output formats', () => {
  const bad = () => variant('subset-split.yaml', '              - primary', '              - primry');

  test('text: one line per finding, file:line first, then a summary', () => {
    const file = bad();
    const r = lintRun(['lint', file], path.dirname(file));
    const line = documentLine(fixture('subset-split.yaml'), 'Rollout');
    expect(r.stdout.split('\n')[0]).toBe(
      `subset-split.yaml:${line}: error CR103 Rollout store/checkout spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]: `
      + 'route "primry" is not an HTTP route of VirtualService store/checkout (its named routes: "primary"); the controller says '
      + '"HTTP Route \'primry\' is not found in the defined Virtual Service.". Fix: rename the route in the VirtualService or fix the name in '
      + '\'routes\' (did you mean "primary"?). (docs/rules.md#cr103)');
    expect(r.stdout).toMatch(/\n1 error, 4 warnings in 4 objects of 1 file\n$/);
  });

  test('JSON: format 1 with the summary, located findings and problems', () => {
    const file = bad();
    const { report } = lintJson([file]);
    expect(report).toMatchObject({
      format: 1,
      tool: { name: 'cdk8s-canary' },
      summary: { objects: 4, errors: 1, warnings: 4, problems: 0, failOn: 'error' },
      problems: [],
      notes: [],
    });
    expect(report.findings[0]).toEqual({
      code: 'CR103',
      level: 'error',
      file: file.split(path.sep).join('/'),
      line: documentLine(fixture('subset-split.yaml'), 'Rollout'),
      object: 'Rollout store/checkout',
      path: 'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]',
      message: expect.stringMatching(/^route "primry" is not an HTTP route/),
      fix: expect.stringMatching(/did you mean "primary"/),
      docs: 'docs/rules.md#cr103',
    });
  });

  test('the SARIF schema check can fail (a level SARIF does not have, a driver without a name)', () => {
    const log = { version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal', message: { text: 'x' } }] }] };
    expect(sarifSchemaErrors(log)).toEqual(expect.arrayContaining([
      "/runs/0/tool/driver must have required property 'name'",
      '/runs/0/results/0/level must be equal to one of the allowed values',
    ]));
  });

  test('SARIF 2.1.0: the catalog as the driver\'s rules, each result with ruleId, ruleIndex, level, message and file + line', () => {
    const file = bad();
    const r = lintRun(['lint', '--format', 'sarif', file], path.dirname(file));
    const log = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver.name).toBe('cdk8s-canary');
    expect(driver.rules.map((rule: any) => rule.id)).toEqual([...CanaryRules.ALL.map(rule => rule.code), 'PLAN004']);
    expect(driver.rules.find((rule: any) => rule.id === 'CR103')).toEqual({
      id: 'CR103',
      shortDescription: { text: CanaryRules.info('CR103').title },
      help: { text: 'See docs/rules.md#cr103 in the cdk8s-canary package.' },
      defaultConfiguration: { level: 'error' },
      properties: { source: 'argo-rollouts', upstream: CanaryRules.info('CR103').upstream },
    });
    const results = log.runs[0].results;
    expect(results.map((res: any) => `${res.level} ${res.ruleId}`)).toEqual(['error CR103', 'warning CR302', 'warning CR304', 'warning CR305', 'warning PLAN004']);
    for (const res of results) {
      expect(driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.locations).toEqual([{
        physicalLocation: { artifactLocation: { uri: 'subset-split.yaml' }, region: { startLine: documentLine(fixture('subset-split.yaml'), 'Rollout') } },
      }]);
      expect(res.message.text).toMatch(/^Rollout store\/checkout \S*: .+\.$/);
    }
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
    expect(r.code).toBe(EXIT_FINDINGS);
  });
});

describe('the command as a process', () => {
  // The built bin (lib/, after `npx projen compile`, as in `npx projen build`); from a fresh clone without lib/, the same
  // entry point from the TypeScript sources, so that `npx projen test` works before a build.
  const built = fs.existsSync(path.join(ROOT, 'lib', 'src', 'cli', 'main.js'));
  const command = built
    ? [path.join(ROOT, 'bin', 'cdk8s-canary')]
    // `node -e` has no script path in process.argv, so the placeholder stands where the bin's path would be
    : ['-e', `require(${JSON.stringify(path.join(ROOT, 'scripts', 'run-ts.js'))}); require(${JSON.stringify(path.join(ROOT, 'src', 'cli', 'main.ts'))}).main()`, '--', 'cdk8s-canary'];

  test(`${built ? 'bin/cdk8s-canary (built)' : 'src/cli/main.ts main()'} writes the report and exits with the code`, () => {
    const file = variant('subset-split.yaml', '              - primary', '              - primry');
    const r = spawnSync(process.execPath, [...command, 'lint', 'subset-split.yaml'], { cwd: path.dirname(file), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^subset-split\.yaml:\d+: error CR103 /);
    expect(r.stdout).toMatch(/\n1 error, 4 warnings in 4 objects of 1 file\n$/);
    expect(r.status).toBe(EXIT_FINDINGS);
    const clean = spawnSync(process.execPath, [...command, 'lint', path.join(ROOT, 'examples', 'shop', 'manifests')], { encoding: 'utf8' });
    expect(clean.status).toBe(EXIT_CLEAN);
    const piped = spawnSync(process.execPath, [...command, 'lint', '-'], { input: fs.readFileSync(file), encoding: 'utf8' });
    expect(piped.stdout).toMatch(/^-:\d+: error CR103 /);
    expect(piped.status).toBe(EXIT_FINDINGS);
  });
});

describe('docs/lint.md', () => {
  /** The fenced block after the first line that starts with `marker`; the rest of that line. */
  function blockAfter(doc: string, marker: string): { arg: string; block: string } {
    const at = doc.indexOf(marker);
    if (at < 0) throw new Error(`docs/lint.md has no "${marker}"`);
    const arg = doc.slice(at + marker.length, doc.indexOf(' -->', at)).trim();
    const open = doc.indexOf('\n', doc.indexOf('```', at)) + 1;
    return { arg, block: doc.slice(open, doc.indexOf('```', open)) };
  }

  test('the example output is what the command prints for the example input (exit 1)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'lint.md'), 'utf8');
    const input = blockAfter(doc, '<!-- lint-example:');
    const output = blockAfter(doc, '<!-- lint-output:');
    const dir = writeFiles({ [input.arg]: input.block });
    validateManifests(YAML.parseAllDocuments(input.block).map(d => d.toJS()));
    const r = lintRun(output.arg.split(' '), dir);
    expect(r.stdout).toEqual(output.block);
    expect(r.code).toBe(EXIT_FINDINGS);
  });
});
