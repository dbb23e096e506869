import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Names, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { ArgoRollout } from '../src/argo-rollout';
import { CanaryApp, chartObjects } from '../src/canary-app';
import { CanaryService } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { IstioGateway } from '../src/istio-gateway';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { ServicePortProtocol } from '../src/service-port';
import { LoadBalancerAlgorithm, TrafficPolicy } from '../src/traffic-policy';
import { validateManifests } from './support/schema';

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
    expect(() => app.renderFiles()).toThrow(new RegExp(`^two charts render to the same file "${clash}.k8s.yaml": give the charts distinct ids$`));
  });
});

describe('CanaryApp.synth', () => {
  test('writes the files into a new output folder', () => {
    // GIVEN
    const outdir = path.join(tmp, 'dist');
    const app = new CanaryApp({ outdir });
    program(app);
    // WHEN
    app.synth();
    // THEN
    expect(readTree(outdir)).toEqual(app.renderFiles());
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('a successful synth replaces the previous output (stale files go away)', () => {
    // GIVEN an output folder from an earlier run, with a chart that no longer exists
    const outdir = path.join(tmp, 'dist');
    fs.mkdirSync(path.join(outdir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'removed-chart.k8s.yaml'), 'old');
    fs.writeFileSync(path.join(outdir, 'production.k8s.yaml'), 'old');
    fs.writeFileSync(path.join(outdir, 'sub', 'x'), 'old');
    const app = new CanaryApp({ outdir });
    program(app);
    // WHEN
    app.synth();
    // THEN
    const tree = readTree(outdir);
    expect(Object.keys(tree).sort()).toEqual(['production.k8s.yaml', 'production.plan.md', 'staging.k8s.yaml', 'staging.plan.md']);
    expect(tree['production.k8s.yaml']).toEqual(app.renderFiles()['production.k8s.yaml']);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('fails if the app is invalid, and leaves the existing output byte-identical, writing nothing', () => {
    // GIVEN a previous good output
    const outdir = path.join(tmp, 'dist');
    const good = new CanaryApp({ outdir });
    program(good);
    good.synth();
    const before = readTree(outdir);
    const mtimes = Object.keys(before).map(f => fs.statSync(path.join(outdir, f)).mtimeMs);
    // WHEN the next program is invalid
    const bad = new CanaryApp({ outdir });
    program(bad);
    breakApp(bad);
    // THEN
    expect(() => bad.synth()).toThrow(BROKEN);
    expect(readTree(outdir)).toEqual(before);
    expect(Object.keys(before).map(f => fs.statSync(path.join(outdir, f)).mtimeMs)).toEqual(mtimes);
    expect(fs.readdirSync(tmp)).toEqual(['dist']); // no staging folder left behind
  });

  test('fails if the app is invalid, and creates no output folder when there was none', () => {
    const outdir = path.join(tmp, 'dist');
    const bad = new CanaryApp({ outdir });
    breakApp(bad);
    expect(() => bad.synth()).toThrow(BROKEN);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('fails if the new folder cannot be moved into place, and puts the previous output back', () => {
    // GIVEN a previous good output
    const outdir = path.join(tmp, 'dist');
    const good = new CanaryApp({ outdir });
    program(good);
    good.synth();
    const before = readTree(outdir);
    // WHEN moving the staging folder into place fails (the previous output was already moved aside)
    const nodeFs = jest.requireActual<typeof fs>('fs'); // the module object CanaryApp's `fs` reads through
    const rename = nodeFs.renameSync;
    const spy = jest.spyOn(nodeFs, 'renameSync').mockImplementation((from: fs.PathLike, to: fs.PathLike) => {
      if (String(from).includes('.staging-') && !String(from).endsWith('.old')) throw new Error('EXDEV: simulated');
      return rename(from, to);
    });
    try {
      const next = new CanaryApp({ outdir });
      program(next);
      expect(() => next.synth()).toThrow(/EXDEV: simulated/);
    } finally {
      spy.mockRestore();
    }
    // THEN
    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp)).toEqual(['dist']);
  });

  test('fails if an eager error is thrown while building the program, before anything is written', () => {
    const outdir = path.join(tmp, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'keep.k8s.yaml'), 'keep');
    const app = new CanaryApp({ outdir });
    expect(() => new CanaryService(new Chart(app, 'c'), 'shop', { image: 'ghcr.io/acme/shop' })).toThrow(/has neither a tag nor a digest/);
    expect(readTree(outdir)).toEqual({ 'keep.k8s.yaml': 'keep' });
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
      expect(fs.readdirSync(outdir).sort()).toEqual(['prod.k8s.yaml', 'prod.plan.md']);
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
    expect(Object.keys(ta).length).toBe(4);
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
