// Which repository files an Argo CD Application deploys (argo-cd reposerver/repository/repository.go, discovery.go,
// types.go ExplicitType), on a repository given as a folder listing.
import { applicationFiles, ApplicationFiles } from '../../../src/private/argocd/source-files';

/** A repository: its folders and the names in each. */
const REPO: { [folder: string]: string[] } = {
  '': ['apps', 'charts', 'README.md'],
  'apps': ['shop', 'cart'],
  'apps/shop': ['shop.k8s.yaml', 'cart.k8s.yaml', 'notes.md', 'extra'],
  'apps/shop/extra': ['more.yaml'],
  'apps/cart': ['kustomization.yaml', 'cart.yaml'],
  'charts': ['shop'],
  'charts/shop': ['Chart.yaml', 'values.yaml'],
};
const list = (folder: string) => REPO[folder];

function app(source: any, destination: any = { server: 'https://prod.example.com', namespace: 'shop' }): any {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'shop', namespace: 'argocd' }, spec: { source, destination } };
}

function files(source: any, destination?: any): ApplicationFiles {
  const read = applicationFiles(app(source, destination), list);
  if (!read.files) throw new Error(`expected files, got: ${read.reason}`);
  return read.files;
}

const deployed = (f: ApplicationFiles, paths: string[]) => paths.filter(p => f.deploys(p, false));
const ALL = ['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml', 'apps/shop/notes.md', 'apps/shop/extra/more.yaml', 'apps/cart/cart.yaml', 'README.md'];

describe('applicationFiles', () => {
  test('a directory source deploys the manifests directly in its folder (not below it), to its destination', () => {
    const f = files({ path: 'apps/shop' });
    expect(deployed(f, ALL)).toEqual(['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml']);
    expect({ cluster: f.cluster, namespace: f.namespace }).toEqual({ cluster: 'server https://prod.example.com', namespace: 'shop' });
  });

  test('directory.recurse takes the folders below; the path is read as Argo CD joins it (./, trailing /)', () => {
    expect(deployed(files({ path: './apps/shop/', directory: { recurse: true } }), ALL))
      .toEqual(['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml', 'apps/shop/extra/more.yaml']);
  });

  test('include and exclude are globs on the path relative to the source folder (the include ArgoCdApplication renders)', () => {
    expect(deployed(files({ path: 'apps/shop', directory: { include: '{shop.k8s.yaml,other.k8s.yaml}' } }), ALL)).toEqual(['apps/shop/shop.k8s.yaml']);
    expect(deployed(files({ path: 'apps/shop', directory: { exclude: 'cart*' } }), ALL)).toEqual(['apps/shop/shop.k8s.yaml']);
    expect(deployed(files({ path: 'apps/shop', directory: { recurse: true, include: '*.yaml', exclude: 'extra/*' } }), ALL))
      .toEqual(['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml']);
  });

  test('the root folder, a destination by cluster name, and a file with the skip-rendering marker', () => {
    const f = files({ path: '.', directory: { recurse: true } }, { name: 'prod-eu' });
    expect(deployed(f, ALL)).toEqual(['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml', 'apps/shop/extra/more.yaml', 'apps/cart/cart.yaml']);
    expect({ cluster: f.cluster, namespace: f.namespace }).toEqual({ cluster: 'cluster prod-eu', namespace: undefined });
    expect(f.deploys('apps/shop/shop.k8s.yaml', true)).toBe(false);
  });

  test('several sources: the files of each; a values reference (ref without path) deploys nothing', () => {
    const read = applicationFiles({ ...app(undefined), spec: { destination: { server: 's' }, sources: [{ path: 'apps/shop' }, { repoURL: 'x', ref: 'values' }] } }, list);
    expect(deployed(read.files!, ALL)).toEqual(['apps/shop/shop.k8s.yaml', 'apps/shop/cart.k8s.yaml']);
  });

  test.each<[string, any, any, RegExp]>([
    ['a Kustomize folder', { path: 'apps/cart' }, undefined, /^its source "apps\/cart" is rendered by Kustomize: lint what it renders \(for example `kustomize build apps\/cart \| cdk8s-canary lint -`\)$/],
    ['a Helm chart folder', { path: 'charts/shop' }, undefined, /^its source "charts\/shop" is rendered by Helm/],
    ['an explicit Helm source in a plain folder', { path: 'apps/shop', helm: {} }, undefined, /is rendered by Helm/],
    ['a plugin source', { path: 'apps/shop', plugin: { name: 'x' } }, undefined, /is rendered by a config management plugin/],
    ['two explicit types', { path: 'apps/shop', helm: {}, directory: {} }, undefined, /sets helm and directory, which Argo CD refuses/],
    ['a chart of a chart repository', { chart: 'shop', repoURL: 'https://charts.example.com' }, undefined, /Helm chart "shop" of a chart repository/],
    ['a path that is no folder', { path: 'apps/none' }, undefined, /^its source path "apps\/none" is no folder of the repository$/],
    ['a path that leaves the repository', { path: '../other' }, undefined, /leaves the repository/],
    ['no destination server or name', { path: 'apps/shop' }, { namespace: 'shop' }, /^it has no spec.destination.server or name$/],
  ])('fails to tell the files (with the reason) for %s', (_name, source, destination, reason) => {
    const read = applicationFiles(app(source, destination ?? { server: 's' }), list);
    expect(read.files).toBeUndefined();
    expect(read.reason).toMatch(reason);
  });
});
