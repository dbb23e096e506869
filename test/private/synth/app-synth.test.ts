// A plain cdk8s App that holds constructs of the library synthesizes in one pass, and writes exactly what cdk8s's own
// App.synth() / synthYaml() write.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryService } from '../../../src/canary-service';
import { IstioGateway } from '../../../src/istio-gateway';

const ARGO = { sourceRepoUrl: 'https://git.example.com/r.git', destinationServer: 'https://k' };

/** The files of a folder (path → content), recursively. */
function files(dir: string): { [file: string]: string } {
  const out: { [file: string]: string } = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf-8');
    }
  };
  walk(dir);
  return out;
}

/**
 * An app with what makes cdk8s's ordering and naming differ: a chart that depends on another (numbered file names), a
 * chart nested in another, an object that depends on an object of another chart, a chart subclass with its own toJson,
 * and Argo CD Applications.
 */
function build(props: { outdir: string; yamlOutputType: YamlOutputType }): App {
  const app = new App({ ...props, recordConstructMetadata: true });
  const edge = new Chart(app, 'edge', { namespace: 'edge' });
  const gateway = new IstioGateway(edge, 'public', { hosts: ['shop.example.com'], credentialName: 'shop-tls' } as any);
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  const cart = new CanaryService(shop, 'cart', { image: 'ghcr.io/acme/cart:1.0.0', gateway, hosts: ['shop.example.com'] });
  const nested = new Chart(shop, 'jobs', { namespace: 'shop' });
  new ApiObject(nested, 'job', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'jobs' }, data: { a: '1' } } as any);
  const ops = new Chart(app, 'ops', { namespace: 'shop' });
  new ApiObject(ops, 'dashboard', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dashboard' } } as any).addDependency(cart.service);
  shop.addDependency(edge);
  class Custom extends Chart {
    public toJson(): any[] {
      return [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custom' } }];
    }
  }
  new Custom(app, 'custom');
  const argocd = new Chart(app, 'argocd');
  new ArgoCdApplication(argocd, 'shop', { ...ARGO, sourcePath: 'shop', charts: [shop] });
  return app;
}

describe('a plain App with constructs of the library', () => {
  const types = [
    YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
  ];

  test.each(types.map(t => [YamlOutputType[t], t] as const))('synth() writes exactly what cdk8s writes (%s)', (_name, yamlOutputType) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'app-synth-'));
    try {
      const ours = build({ outdir: path.join(root, 'ours'), yamlOutputType });
      const theirs = build({ outdir: path.join(root, 'theirs'), yamlOutputType });
      ours.synth();
      App.prototype.synth.call(theirs); // cdk8s's own method, past the wrapper of the app object
      const expected = files(path.join(root, 'theirs'));
      expect(Object.keys(expected).length).toBeGreaterThan(yamlOutputType === YamlOutputType.FILE_PER_APP ? 1 : 3); // with construct-metadata.json
      expect(files(path.join(root, 'ours'))).toEqual(expected);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('synthYaml() gives exactly what cdk8s gives, and charts answer toJson() as cdk8s does before and after', () => {
    const ours = build({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const theirs = build({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    expect(ours.synthYaml()).toEqual(App.prototype.synthYaml.call(theirs));
    const shop = ours.node.findChild('shop') as Chart;
    expect(Object.prototype.hasOwnProperty.call(shop, 'toJson')).toBe(false);
    expect(shop.toJson()).toEqual((theirs.node.findChild('shop') as Chart).toJson());
  });

  test('fails with cdk8s\'s validation message, once', () => {
    const app = build({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const argocd = app.node.findChild('argocd') as Chart;
    new ArgoCdApplication(argocd, 'again', { ...ARGO, sourcePath: 'x', charts: [app.node.findChild('shop') as Chart] });
    let ours = '';
    try {
      app.synthYaml();
    } catch (e: any) {
      ours = e.message;
    }
    expect(ours).toMatch(/^Validation failed with the following errors:\n {2}\[argocd\/shop\] the chart "shop" is deployed by both Application/);
    expect(() => App.prototype.synthYaml.call(app)).toThrow(ours);
  });
});
