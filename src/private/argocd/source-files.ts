// Which files of its Git repository an Argo CD Application deploys, for a lint of the repository: the files of its
// directory sources, read as Argo CD's repo server reads them. Reading only; the folder listing is given by the caller.
// Not exported from the package.
//
// Upstream (argo-cd):
// - source types: pkg/apis/application/v1alpha1/types.go `ExplicitType` (kustomize, helm, directory or plugin set in
//   the source; more than one is an error), else util/app/discovery/discovery.go `AppType` (a file whose name ends in
//   `Chart.yaml` or a kustomization file in the source folder itself makes it Helm or Kustomize, else Directory);
// - files of a directory source: reposerver/repository/repository.go `getPotentiallyValidManifests` (the source
//   folder only, unless `directory.recurse`) and `getPotentiallyValidManifestFile` (`*.yaml`, `*.yml`, `*.json`,
//   `*.jsonnet`; `exclude`, then `include`, as globs on the path relative to the source folder; a file holding the
//   marker `+argocd:skip-file-rendering` is left out).
// Not modelled: config management plugins found by discovery (a sidecar that claims the folder), which lint cannot see.
import * as path from 'path';
import { globMatch } from './glob';

/** The files of kustomizations (util/kustomize KustomizationNames). */
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** The files the repo server reads in a directory source (repository.go manifestFile). */
const MANIFEST_FILE = /\.(yaml|yml|json|jsonnet)$/;
/** A file holding it is not rendered (repository.go skipFileRenderingMarker). */
export const SKIP_RENDERING_MARKER = '+argocd:skip-file-rendering';

/** Where an Application deploys and which repository files it deploys. */
export interface ApplicationFiles {
  /** The cluster, as the rules name clusters: `server <url>` or `cluster <name>`. */
  readonly cluster: string;
  /** `spec.destination.namespace`: the namespace of objects that have none. */
  readonly namespace?: string;
  /**
   * Whether it deploys a file of the repository.
   * @param file the path relative to the repository root, '/'-separated
   * @param skipsRendering the file holds the skip-rendering marker
   */
  readonly deploys: (file: string, skipsRendering: boolean) => boolean;
}

/** The files an Application deploys, or why they cannot be told from the repository. */
export type SourceReading =
  | { readonly files: ApplicationFiles; readonly reason?: undefined }
  | { readonly files?: undefined; readonly reason: string };

/**
 * The files of the repository an Application deploys.
 * @param listFolder the names in a folder of the repository (path relative to the root, '/'-separated, '' for the
 * root), or undefined when it is not a folder
 */
export function applicationFiles(app: any, listFolder: (folder: string) => string[] | undefined): SourceReading {
  const spec = app?.spec ?? {};
  const destination = spec.destination ?? {};
  const cluster = typeof destination.server === 'string' && destination.server !== '' ? `server ${destination.server}`
    : typeof destination.name === 'string' && destination.name !== '' ? `cluster ${destination.name}` : undefined;
  if (cluster === undefined) return { reason: 'it has no spec.destination.server or name' };
  const sources: any[] = Array.isArray(spec.sources) && spec.sources.length > 0 ? spec.sources : spec.source ? [spec.source] : [];
  const folders: DirectorySource[] = [];
  for (const source of sources) {
    if (source?.ref !== undefined && source?.path === undefined && source?.chart === undefined) continue; // a values reference only
    const read = directorySource(source, listFolder);
    if (typeof read === 'string') return { reason: read };
    folders.push(read);
  }
  if (folders.length === 0) return { reason: 'it has no source with a path' };
  const namespace = typeof destination.namespace === 'string' && destination.namespace !== '' ? destination.namespace : undefined;
  return { files: { cluster, namespace, deploys: (file, skips) => !skips && folders.some(f => inDirectorySource(f, file)) } };
}

/** A directory source: its folder (relative to the repository root, '' for the root) and its options. */
interface DirectorySource {
  readonly folder: string;
  readonly recurse: boolean;
  readonly include?: string;
  readonly exclude?: string;
}

/** The directory source of one source, or why it is not one. */
function directorySource(source: any, listFolder: (folder: string) => string[] | undefined): DirectorySource | string {
  if (typeof source?.chart === 'string') return `its source is the Helm chart "${source.chart}" of a chart repository, which the repository does not hold`;
  if (typeof source?.path !== 'string') return 'a source has no path';
  const folder = repositoryFolder(source.path);
  if (folder === undefined) return `its source path "${source.path}" leaves the repository`;
  const explicit = ['kustomize', 'helm', 'directory', 'plugin'].filter(key => source[key] !== undefined && source[key] !== null);
  if (explicit.length > 1) return `its source "${source.path}" sets ${explicit.join(' and ')}, which Argo CD refuses`;
  const names = listFolder(folder);
  if (names === undefined) return `its source path "${source.path}" is no folder of the repository`;
  const type = explicit[0] ?? (names.some(n => n.endsWith('Chart.yaml')) ? 'helm' : names.some(n => KUSTOMIZATION_NAMES.includes(n)) ? 'kustomize' : 'directory');
  if (type !== 'directory') {
    return `its source "${source.path}" is rendered by ${type === 'plugin' ? 'a config management plugin' : type === 'helm' ? 'Helm' : 'Kustomize'}: `
      + `lint what it renders (for example \`${type === 'kustomize' ? 'kustomize build' : 'helm template'} ${source.path} | cdk8s-canary lint -\`)`;
  }
  const dir = source.directory ?? {};
  return {
    folder,
    recurse: dir.recurse === true,
    include: typeof dir.include === 'string' && dir.include !== '' ? dir.include : undefined,
    exclude: typeof dir.exclude === 'string' && dir.exclude !== '' ? dir.exclude : undefined,
  };
}

/** A source path as a folder relative to the repository root ('' for the root), or undefined when it leaves it. */
function repositoryFolder(sourcePath: string): string | undefined {
  const normal = path.posix.normalize(sourcePath.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normal === '..' || normal.startsWith('../')) return undefined;
  return normal === '.' || normal === '' ? '' : normal;
}

/** Whether a directory source deploys a file of the repository. */
function inDirectorySource(source: DirectorySource, file: string): boolean {
  if (source.folder !== '' && !file.startsWith(`${source.folder}/`)) return false;
  const relative = source.folder === '' ? file : file.slice(source.folder.length + 1);
  if (!source.recurse && relative.includes('/')) return false;
  if (!MANIFEST_FILE.test(path.posix.basename(relative))) return false;
  if (source.exclude !== undefined && globMatch(source.exclude, relative)) return false;
  return source.include === undefined || globMatch(source.include, relative);
}
