import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, IResolver, Names, ResolutionContext, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { ArgoRollout } from '../src/argo-rollout';
import { CanaryApp } from '../src/canary-app';
import { CanaryService } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { IstioGateway } from '../src/istio-gateway';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { chartObjects } from '../src/private/synth/dependency-order';
import { RECORD_FILE } from '../src/private/synth/output-record';
import { ServicePortProtocol } from '../src/service-port';
import { LoadBalancerAlgorithm, TrafficPolicy } from '../src/traffic-policy';
import { validateManifests } from './support/schema';
import { gitopsRepoRoot, pick, snapshotTree } from './support/tree';

/** A program with two charts and most features, written as a user would. */
function program(app: App): void {
  const staging = new Chart(app, 'staging', { namespace: 'shop-staging' });
  const gw = new IstioGateway(staging, 'public', { hosts: ['staging.shop.example.com'], tls: { credentialName: 'shop-tls' } });
  new CanaryService(staging, 'shop', {
    image: 'ghcr.io/acme/shop:1.4.2',
    gateway: gw,
    ports: [{ port: 80, targetPort: 8080 }, { port: 9000, protocol: ServicePortProtocol.GRPC }],
    envVariables: { B: kplus.EnvValue.fromValue('2'), A: kplus.EnvValue.fromValue('1') },
    selectorLabels: { 'app.kubernetes.io/part-of': 'store', 'app': 'shop' },
    trafficPolicy: TrafficPolicy.of({ loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST }),
  });
  const production = new Chart(app, 'production', { namespace: 'shop' });
  new CanaryService(production, 'shop', { image: 'ghcr.io/acme/shop:1.4.1', replicas: 6 });
}

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'canary-app-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file under `dir` with its content (relative path → content). */
function readTree(dir: string): { [file: string]: string } {
  const out: { [file: string]: string } = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf-8');
    }
  };
  walk(dir);
  return out;
}

/** `readTree` without the ownership record. */
function readOutput(dir: string): { [file: string]: string } {
  const { [RECORD_FILE]: record, ...rest } = readTree(dir);
  expect(record).toMatch(/^# cdk8s-canary output record, format 1\./);
  return rest;
}

const BROKEN = /\[broken\/rollout\] 'analysis.startingStep' \(5\) must be the index of a step, between 0 and 0/;

/** Makes the app invalid with a real library validation error (a background analysis starting after the last step). */
function breakApp(app: App): void {
  const chart = new Chart(app, 'broken', { namespace: 'broken' });
  const template = IstioMetrics.successRateTemplate(chart, 'sr', { templateMetadata: { name: 'broken-success-rate' } });
  new ArgoRollout(chart, 'rollout', {
    subsets: new IstioSubsets(chart, 'subsets', { serviceName: 'broken', servicePort: 80, subsetLabels: { app: 'broken' } }),
    containers: [{ image: 'ghcr.io/acme/broken:1.0.0', portNumber: 8080 }],
    steps: [CanaryStep.weight(10)],
    analysis: { templates: [template], startingStep: 5 },
  });
}

describe('CanaryApp.renderFiles', () => {
  test('one <chart>.k8s.yaml per chart, objects in dependency order, all schema-valid', () => {
    // GIVEN
    const app = new CanaryApp({ outdir: tmp });
    program(app);
    // WHEN
    const files = app.renderFiles();
    // THEN manifests and a rollout plan per chart
    expect(Object.keys(files).sort()).toEqual(['production.k8s.yaml', 'production.plan.md', 'staging.k8s.yaml', 'staging.plan.md']);
    expect(files['production.plan.md']).toMatch(/^# Rollout plan: production/m);
    expect(Array.isArray(app.warnings)).toBe(true);
    for (const content of [files['production.k8s.yaml'], files['staging.k8s.yaml']]) {
      const docs = YAML.parseAllDocuments(content).map(d => d.toJS());
      validateManifests(docs);
      const kinds = docs.map(d => d.kind);
      expect(kinds.indexOf('DestinationRule')).toBeLessThan(kinds.indexOf('VirtualService'));
      expect(kinds.indexOf('VirtualService')).toBeLessThan(kinds.indexOf('Rollout'));
    }
    const staging = YAML.parseAllDocuments(files['staging.k8s.yaml']).map(d => d.toJS());
    expect(staging.map(d => d.kind).sort()).toEqual([
      'AnalysisTemplate', 'DestinationRule', 'Gateway', 'PeerAuthentication', 'PodDisruptionBudget', 'Rollout', 'Service', 'VirtualService',
    ]);
    expect(files).toMatchSnapshot();
  });

  test('plans: false writes the manifests only', () => {
    const app = new CanaryApp({ outdir: tmp, plans: false });
    program(app);
    expect(app.plans).toBe(false);
    expect(Object.keys(app.renderFiles()).sort()).toEqual(['production.k8s.yaml', 'staging.k8s.yaml']);
  });

  test('chartObjects lists the ApiObjects of one chart only', () => {
    const app = new CanaryApp({ outdir: tmp });
    program(app);
    const production = app.node.findChild('production') as Chart;
    expect(chartObjects(production).map(o => `${o.kind}/${o.name}`).sort())
      .toEqual([
        'AnalysisTemplate/shop-success-rate', 'DestinationRule/shop', 'PeerAuthentication/shop', 'PodDisruptionBudget/shop',
        'Rollout/shop', 'Service/shop', 'VirtualService/shop',
      ]);
  });

  test('fails if the app is invalid, listing every error with its construct path', () => {
    // GIVEN
    const app = new CanaryApp({ outdir: tmp });
    program(app);
    breakApp(app);
    new Chart(app, 'other').node.addValidation({ validate: () => ['a second problem'] });
    // THEN
    expect(() => app.renderFiles()).toThrow(
      /^Validation failed with the following errors:\n {2}\[broken\/rollout\] 'analysis.startingStep' \(5\) must be the index of a step, between 0 and 0\n {2}\[other\] a second problem$/);
  });

  test('fails if two charts render to the same file', () => {
    // GIVEN a nested chart whose hashed file name is then taken by a top-level chart id
    const app = new CanaryApp({ outdir: tmp });
    const parent = new Chart(app, 'parent');
    const nested = new Chart(parent, 'child');
    const clash = Names.toDnsLabel(nested);
    new Chart(app, clash);
    // THEN
    expect(() => app.renderFiles()).toThrow(`Two outputs would be written to the same file "${clash}.k8s.yaml": the objects of chart "parent/child" and `
      + `the objects of chart "${clash}"; nothing was written. With yamlOutputType FILE_PER_CHART and outputFileExtension ".k8s.yaml", each chart is `
      + 'written to <chart name><extension> (its id, or a name made from its path), and its plan to <chart name>.plan.md. Fix: give the charts '
      + 'distinct ids, or choose another outputFileExtension.');
  });
});

describe('CanaryApp.synth', () => {
  test('writes the files and the ownership record into a new output folder', () => {
    // GIVEN
    const outdir = path.join(tmp, 'dist');
    const app = new CanaryApp({ outdir });
    program(app);
    // WHEN
    app.synth();
    // THEN
    expect(readOutput(outdir)).toEqual(app.renderFiles());
    const record = fs.readFileSync(path.join(outdir, RECORD_FILE), 'utf-8');
    expect(record.split('\n').filter(l => /^[0-9a-f]{64} {2}/.test(l)).map(l => l.slice(66)))
      .toEqual(['production.k8s.yaml', 'production.plan.md', 'staging.k8s.yaml', 'staging.plan.md']);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('a GitOps repository root stays byte-identical across synths; files of a removed chart (plan included) go away', () => {
    // GIVEN a repository root with the user's files, and a first synth
    const users = gitopsRepoRoot(tmp);
    const tops = [...new Set(users.map(u => u.split('/')[0]))];
    const before = pick(snapshotTree(tmp), tops);
    const first = new CanaryApp({ outdir: tmp });
    program(first);
    first.synth();
    // WHEN the staging chart is removed from the program
    const second = new CanaryApp({ outdir: tmp });
    new CanaryService(new Chart(second, 'production', { namespace: 'shop' }), 'shop', { image: 'ghcr.io/acme/shop:1.4.1', replicas: 6 });
    second.synth();
    // THEN
    expect(pick(snapshotTree(tmp), tops)).toEqual(before);
    expect(fs.readdirSync(tmp).sort()).toEqual(['.git', 'README.md', RECORD_FILE, 'kustomization.yaml', 'payments', 'production.k8s.yaml', 'production.plan.md']);
  });

  test('fails if the app is invalid, and leaves the folder and the user\'s files byte-identical, writing nothing', () => {
    // GIVEN a previous good output next to the user's files
    gitopsRepoRoot(tmp);
    const good = new CanaryApp({ outdir: tmp });
    program(good);
    good.synth();
    const before = snapshotTree(tmp);
    // WHEN the next program is invalid
    const bad = new CanaryApp({ outdir: tmp });
    program(bad);
    breakApp(bad);
    // THEN
    expect(() => bad.synth()).toThrow(BROKEN);
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if the app is invalid, and creates no output folder when there was none', () => {
    const outdir = path.join(tmp, 'dist');
    const bad = new CanaryApp({ outdir });
    breakApp(bad);
    expect(() => bad.synth()).toThrow(BROKEN);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('fails if a file cannot be moved into place (an I/O error), and leaves the folder byte-identical', () => {
    // GIVEN a previous good output
    const outdir = path.join(tmp, 'dist');
    const good = new CanaryApp({ outdir });
    program(good);
    good.synth();
    const before = snapshotTree(outdir);
    // WHEN moving the changed production manifest into place fails
    const nodeFs = jest.requireActual<typeof fs>('fs'); // the module object the writer's `fs` reads through
    const rename = nodeFs.renameSync;
    const spy = jest.spyOn(nodeFs, 'renameSync').mockImplementation((from: fs.PathLike, to: fs.PathLike) => {
      if (String(to).endsWith('production.k8s.yaml')) throw new Error('EXDEV: simulated');
      return rename(from, to);
    });
    try {
      const next = new CanaryApp({ outdir });
      program(next);
      new CanaryService(next.node.findChild('production') as Chart, 'cart', { image: 'ghcr.io/acme/cart:2.0.0' });
      expect(() => next.synth()).toThrow(`Synth could not write the output folder "${outdir}" (EXDEV: simulated); it put everything back, nothing changed.`);
    } finally {
      spy.mockRestore();
    }
    // THEN
    expect(snapshotTree(outdir)).toEqual(before);
  });

  test('fails if a file to write belongs to the user, naming it, and writes nothing', () => {
    // GIVEN the user's own file where the staging chart's manifest goes
    fs.writeFileSync(path.join(tmp, 'staging.k8s.yaml'), 'mine\n');
    const before = snapshotTree(tmp);
    const app = new CanaryApp({ outdir: tmp });
    program(app);
    // THEN
    expect(() => app.synth()).toThrow(/^Synth did not change the output folder ".*": a problem must be fixed first:\n {2}"staging\.k8s\.yaml": the file exists with other content, and synth has no record of writing it/);
    expect(snapshotTree(tmp)).toEqual(before);
  });

  test('fails if an eager error is thrown while building the program, before anything is written', () => {
    const outdir = path.join(tmp, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'keep.k8s.yaml'), 'keep');
    const app = new CanaryApp({ outdir });
    expect(() => new CanaryService(new Chart(app, 'c'), 'shop', { image: 'ghcr.io/acme/shop' })).toThrow(/has neither a tag nor a digest/);
    expect(readTree(outdir)).toEqual({ 'keep.k8s.yaml': 'keep' });
  });

  test('CDK8S_OUTDIR=. writes into the working folder and deletes nothing', () => {
    // GIVEN
    gitopsRepoRoot(tmp);
    const before = pick(snapshotTree(tmp), ['.git', 'README.md', 'kustomization.yaml', 'payments']);
    const cwd = process.cwd();
    const env = process.env.CDK8S_OUTDIR;
    process.chdir(tmp);
    process.env.CDK8S_OUTDIR = '.';
    try {
      // WHEN
      const app = new CanaryApp();
      program(app);
      app.synth();
      app.synth();
      // THEN
      expect(app.outdir).toEqual('.');
    } finally {
      process.chdir(cwd);
      if (env === undefined) delete process.env.CDK8S_OUTDIR;
      else process.env.CDK8S_OUTDIR = env;
    }
    expect(pick(snapshotTree(tmp), ['.git', 'README.md', 'kustomization.yaml', 'payments'])).toEqual(before);
    expect(fs.existsSync(path.join(tmp, 'production.k8s.yaml'))).toBe(true);
  });

  test('a symlinked output folder is written through, and stays a link', () => {
    fs.mkdirSync(path.join(tmp, 'gitops'));
    fs.symlinkSync('gitops', path.join(tmp, 'dist'));
    const app = new CanaryApp({ outdir: path.join(tmp, 'dist') });
    program(app);
    app.synth();
    expect(fs.lstatSync(path.join(tmp, 'dist')).isSymbolicLink()).toBe(true);
    expect(readOutput(path.join(tmp, 'gitops'))).toEqual(app.renderFiles());
  });
});

/** The files plain `App.synth()` and `CanaryApp.synth()` (without plans or record) write for the same program and props. */
function bothWays(props: AppProps, build: (app: App) => void = program): { plain: { [f: string]: string }; canary: { [f: string]: string } } {
  const plain = new App({ ...props, outdir: path.join(tmp, 'plain') });
  build(plain);
  plain.synth();
  const canary = new CanaryApp({ ...props, outdir: path.join(tmp, 'canary'), plans: false });
  build(canary);
  canary.synth();
  return { plain: readTree(path.join(tmp, 'plain')), canary: readOutput(path.join(tmp, 'canary')) };
}

describe('every App prop is honoured, as App.synth() does', () => {
  test.each([
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP, ['app.k8s.yaml']],
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART, ['production.k8s.yaml', 'staging.k8s.yaml']],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE, ['AnalysisTemplate.shop-success-rate.k8s.yaml', 'DestinationRule.shop.k8s.yaml']],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE, ['production/AnalysisTemplate.shop-success-rate.k8s.yaml', 'staging/Gateway.public.k8s.yaml']],
  ])('yamlOutputType %s writes the files App.synth() writes, byte for byte', (_name, yamlOutputType, some) => {
    // GIVEN a program whose objects have distinct kinds and names (FILE_PER_RESOURCE puts every object in one folder)
    const build = (app: App) => {
      const staging = new Chart(app, 'staging', { namespace: 'shop-staging' });
      const gw = new IstioGateway(staging, 'public', { hosts: ['staging.shop.example.com'], tls: { credentialName: 'shop-tls' } });
      new CanaryService(staging, 'cart', { image: 'ghcr.io/acme/cart:1.0.0', gateway: gw });
      new CanaryService(new Chart(app, 'production', { namespace: 'shop' }), 'shop', { image: 'ghcr.io/acme/shop:1.4.1' });
    };
    // WHEN
    const { plain, canary } = bothWays({ yamlOutputType }, build);
    // THEN
    expect(Object.keys(plain)).toEqual(expect.arrayContaining(some));
    expect(Object.keys(canary).sort()).toEqual(Object.keys(plain).sort());
    for (const f of Object.keys(plain)) expect(Buffer.from(canary[f]).equals(Buffer.from(plain[f]))).toBe(true);
  });

  test('FOLDER_PER_CHART_FILE_PER_RESOURCE: the chart folders are owned too, and removed with their chart', () => {
    // GIVEN
    const first = new CanaryApp({ outdir: tmp, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    program(first);
    first.synth();
    const firstRecord = fs.readFileSync(path.join(tmp, RECORD_FILE), 'utf-8');
    expect(firstRecord).toContain('\nfolder  production/\n');
    expect(firstRecord).toContain('\nfolder  staging/\n');
    // WHEN
    const second = new CanaryApp({ outdir: tmp, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    new CanaryService(new Chart(second, 'production', { namespace: 'shop' }), 'shop', { image: 'ghcr.io/acme/shop:1.4.1', replicas: 6 });
    second.synth();
    // THEN
    expect(fs.readdirSync(tmp).sort()).toEqual([RECORD_FILE, 'production', 'production.plan.md']);
    const record = fs.readFileSync(path.join(tmp, RECORD_FILE), 'utf-8');
    expect(record).toContain('folder  production/\n');
    expect(record).not.toContain('staging');
  });

  test('charts that depend on each other keep their names (App.synth() numbers them: 0000-, 0001-), with the same content', () => {
    const build = (app: App) => {
      const a = new Chart(app, 'a');
      const b = new Chart(app, 'b');
      new ApiObject(a, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      new ApiObject(b, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
      b.addDependency(a);
    };
    const { plain, canary } = bothWays({}, build);
    expect(Object.keys(plain).sort()).toEqual(['0000-a.k8s.yaml', '0001-b.k8s.yaml']);
    expect(canary).toEqual({ 'a.k8s.yaml': plain['0000-a.k8s.yaml'], 'b.k8s.yaml': plain['0001-b.k8s.yaml'] });
  });

  test('outputFileExtension names the manifests as App.synth() does', () => {
    const { plain, canary } = bothWays({ outputFileExtension: '.yaml' });
    expect(Object.keys(canary).sort()).toEqual(['production.yaml', 'staging.yaml']);
    expect(canary).toEqual(plain);
  });

  test('recordConstructMetadata writes construct-metadata.json as App.synth() does (the prop, or CDK8S_RECORD_CONSTRUCT_METADATA=true)', () => {
    const { plain, canary } = bothWays({ recordConstructMetadata: true });
    // (keyed by object name, as cdk8s does: the last object of a name wins)
    expect(JSON.parse(canary['construct-metadata.json']).resources['shop-success-rate']).toEqual({ path: 'production/shop/SuccessRate/Resource' });
    expect(canary).toEqual(plain);
    const env = process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
    process.env.CDK8S_RECORD_CONSTRUCT_METADATA = 'true';
    try {
      const app = new CanaryApp({ outdir: tmp });
      program(app);
      expect(app.renderFiles()['construct-metadata.json']).toEqual(plain['construct-metadata.json']);
    } finally {
      if (env === undefined) delete process.env.CDK8S_RECORD_CONSTRUCT_METADATA;
      else process.env.CDK8S_RECORD_CONSTRUCT_METADATA = env;
    }
  });

  test('resolvers replace values as in App.synth()', () => {
    // GIVEN a resolver that replaces one value
    const resolver: IResolver = {
      resolve: (context: ResolutionContext) => {
        if (context.value === 'hello') context.replaceValue('bonjour');
      },
    };
    const build = (app: App) => {
      program(app);
      new ApiObject(app.node.findChild('production') as Chart, 'greeting', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting' }, data: { text: 'hello' } });
    };
    // WHEN
    const { plain, canary } = bothWays({ resolvers: [resolver] }, build);
    // THEN
    expect(canary['production.k8s.yaml']).toContain('  text: bonjour\n');
    expect(canary).toEqual(plain);
  });

  test('fails if yamlOutputType is not a YamlOutputType', () => {
    expect(() => new CanaryApp({ outdir: tmp, yamlOutputType: 7 as YamlOutputType })).toThrow(
      "'yamlOutputType' (7) is not a YamlOutputType of cdk8s: use one of YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, "
      + 'YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE');
  });

  test('fails if outputFileExtension holds a folder separator', () => {
    expect(() => new CanaryApp({ outdir: tmp, outputFileExtension: '/../x.yaml' })).toThrow(
      '\'outputFileExtension\' ("/../x.yaml") must be a file name suffix without \'/\', \'\\\', a NUL or a line break, for example ".k8s.yaml": '
      + 'every output file is named <name><extension>, inside the output folder or its chart folder');
  });

  test('fails if two objects would be written to the same file (FILE_PER_RESOURCE), where App.synth() keeps only one', () => {
    // GIVEN two Services "shop" in two namespaces
    const app = new CanaryApp({ outdir: tmp, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    new CanaryService(new Chart(app, 'staging', { namespace: 'shop-staging' }), 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    new CanaryService(new Chart(app, 'production', { namespace: 'shop' }), 'shop', { image: 'ghcr.io/acme/shop:1.4.1' });
    // THEN
    expect(() => app.synth()).toThrow(/^Two outputs would be written to the same file "AnalysisTemplate\.shop-success-rate\.k8s\.yaml": AnalysisTemplate shop-success-rate at "staging\/shop\/SuccessRate\/Resource" and AnalysisTemplate shop-success-rate at "production\/shop\/SuccessRate\/Resource"; nothing was written\. With yamlOutputType FILE_PER_RESOURCE and outputFileExtension "\.k8s\.yaml", each object is written to <kind>\.<metadata\.name><extension> .*Fix: give the objects distinct names, or use YamlOutputType\.FOLDER_PER_CHART_FILE_PER_RESOURCE/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('fails if a manifest and a plan would be written to the same file', () => {
    const app = new CanaryApp({ outdir: tmp, outputFileExtension: '.plan.md' });
    program(app);
    expect(() => app.renderFiles()).toThrow(/^Two outputs would be written to the same file "staging\.plan\.md": the objects of chart "staging" and the rollout plan of chart "staging"; nothing was written\./);
  });
});

describe('CanaryApp warnings', () => {
  test('rule warnings are collected and printed to stderr after a successful synth, without failing it', () => {
    // GIVEN a gateway referenced but not defined in the app (rule CR206 warns)
    const outdir = path.join(tmp, 'dist');
    const app = new CanaryApp({ outdir });
    new CanaryService(new Chart(app, 'prod', { namespace: 'shop' }), 'shop', {
      image: 'ghcr.io/acme/shop:1.4.2',
      gateway: IstioGateway.fromGatewayRef('istio-system/public', ['shop.example.com']),
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // WHEN
      app.synth();
      // THEN
      expect(app.warnings.some(w => /^\[prod\] .*CR206/.test(w))).toBe(true);
      expect(warn.mock.calls.map(c => c[0])).toEqual(app.warnings);
      expect(fs.readdirSync(outdir).sort()).toEqual([RECORD_FILE, 'prod.k8s.yaml', 'prod.plan.md']);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('determinism', () => {
  test('two separate apps running the same program render byte-identical files', () => {
    // GIVEN
    const a = new CanaryApp({ outdir: path.join(tmp, 'a') });
    const b = new CanaryApp({ outdir: path.join(tmp, 'b') });
    program(a);
    program(b);
    // WHEN
    a.synth();
    b.synth();
    // THEN
    const ta = readTree(path.join(tmp, 'a'));
    const tb = readTree(path.join(tmp, 'b'));
    expect(Object.keys(ta).length).toBe(5); // four files and the record
    for (const f of Object.keys(ta)) expect(Buffer.from(tb[f]).equals(Buffer.from(ta[f]))).toBe(true);
    expect(tb).toEqual(ta);
  });

  test('two plain cdk8s Apps give byte-identical synthYaml()', () => {
    const a = Testing.app();
    const b = Testing.app();
    program(a);
    program(b);
    const ya = a.synthYaml();
    const yb = b.synthYaml();
    expect(ya.length).toBeGreaterThan(1000);
    expect(yb).toEqual(ya);
  });

  test('synthesizing the same app twice gives the same files', () => {
    const app = new CanaryApp({ outdir: tmp });
    program(app);
    expect(app.renderFiles()).toEqual(app.renderFiles());
  });
});
