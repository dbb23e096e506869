// The props of an ArgoCdApplication: checked, with their defaults. Not exported from the package.
import { Duration } from 'cdk8s';
import { ApplicationFinalizer, ArgoCdApplicationProps } from '../../argocd-application';
import { assertDnsLabel, assertDnsSubdomain } from '../k8s';

/** The settings of an Application: its props, checked, with their defaults. */
export interface ApplicationSettings {
  readonly namespace: string;
  readonly project: string;
  readonly sourceTargetRevision: string;
  readonly autoSync: boolean;
  readonly autoSyncPrune: boolean;
  readonly autoSyncSelfHeal: boolean;
  readonly retryLimit: number;
  readonly retryBackoffDuration: Duration;
  readonly retryBackoffFactor: number;
  readonly retryBackoffMaxDuration: Duration;
  readonly finalizer: ApplicationFinalizer;
}

/** Checks the props of an Application (throwing for the first problem) and fills in the defaults. */
export function applicationSettings(props: ArgoCdApplicationProps): ApplicationSettings {
  const namespace = props.namespace ?? 'argocd';
  assertDnsLabel('namespace', namespace);
  const project = props.project ?? 'default';
  assertDnsSubdomain('project', project);
  if (props.name !== undefined) assertDnsLabel('name', props.name, 'a DNS-1123 label (Argo CD copies it into the app.kubernetes.io/instance label)');
  const sourceTargetRevision = props.sourceTargetRevision ?? 'HEAD';
  checkSource(props, sourceTargetRevision);
  assertDestination(props.destinationServer, props.destinationName);
  if (props.destinationNamespace !== undefined) assertDnsLabel('destinationNamespace', props.destinationNamespace);
  const finalizer = props.finalizer ?? ApplicationFinalizer.NONE;
  return { namespace, project, sourceTargetRevision, ...syncSettings(props), ...retrySettings(props), finalizer };
}

/** The git source: repository URL, directory, revision and file glob. */
function checkSource(props: ArgoCdApplicationProps, revision: string): void {
  assertRepoUrl(props.sourceRepoUrl);
  assertSourcePath(props.sourcePath);
  assertTargetRevision(revision);
  if (props.sourceInclude !== undefined && props.sourceInclude.trim() === '') {
    throw new Error(`'sourceInclude' (${JSON.stringify(props.sourceInclude)}) must be a glob of file names in 'sourcePath', for example "*.yaml" or "{shop.k8s.yaml,cart.k8s.yaml}"; `
      + 'remove it to read the files of the charts');
  }
}

/** Automated sync: prune and self-heal apply only with it. */
function syncSettings(props: ArgoCdApplicationProps): Pick<ApplicationSettings, 'autoSync' | 'autoSyncPrune' | 'autoSyncSelfHeal'> {
  const autoSync = props.autoSync ?? true;
  const set = autoSync ? [] : (['autoSyncPrune', 'autoSyncSelfHeal'] as const).filter(k => props[k] !== undefined);
  if (set.length > 0) {
    throw new Error(`'${set[0]}' (${props[set[0]]}) only applies with automated sync, but 'autoSync' is false: `
      + `remove '${set[0]}' or set 'autoSync' to true`);
  }
  return { autoSync, autoSyncPrune: props.autoSyncPrune ?? true, autoSyncSelfHeal: props.autoSyncSelfHeal ?? true };
}

type RetrySettings = Pick<ApplicationSettings, 'retryLimit' | 'retryBackoffDuration' | 'retryBackoffFactor' | 'retryBackoffMaxDuration'>;

/** Retries of a failed sync: a limit and an exponential backoff, which applies only when the limit is above 0. */
function retrySettings(props: ArgoCdApplicationProps): RetrySettings {
  const retryLimit = props.retryLimit ?? 5;
  if (!Number.isInteger(retryLimit) || retryLimit < 0) {
    throw new Error(`'retryLimit' (${retryLimit}) must be a whole number of retries, 0 or more (0 disables retries)`);
  }
  const set = retryLimit > 0 ? [] : (['retryBackoffDuration', 'retryBackoffFactor', 'retryBackoffMaxDuration'] as const).filter(k => props[k] !== undefined);
  if (set.length > 0) {
    throw new Error(`'${set[0]}' is set but 'retryLimit' is 0, which disables retries: remove '${set[0]}' or set 'retryLimit' to 1 or more`);
  }
  const retryBackoffDuration = props.retryBackoffDuration ?? Duration.seconds(5);
  const retryBackoffMaxDuration = props.retryBackoffMaxDuration ?? Duration.minutes(3);
  const retryBackoffFactor = props.retryBackoffFactor ?? 2;
  assertWholeSeconds('retryBackoffDuration', retryBackoffDuration);
  assertWholeSeconds('retryBackoffMaxDuration', retryBackoffMaxDuration);
  if (retryBackoffMaxDuration.toSeconds({ integral: false }) < retryBackoffDuration.toSeconds({ integral: false })) {
    throw new Error(`'retryBackoffMaxDuration' (${retryBackoffMaxDuration.toSeconds()}s) must not be shorter than 'retryBackoffDuration' `
      + `(${retryBackoffDuration.toSeconds()}s): raise 'retryBackoffMaxDuration' or lower 'retryBackoffDuration'`);
  }
  if (!Number.isInteger(retryBackoffFactor) || retryBackoffFactor < 1) {
    throw new Error(`'retryBackoffFactor' (${retryBackoffFactor}) must be a whole number, 1 or more (Argo CD reads it as an integer; 2 doubles the wait)`);
  }
  return { retryLimit, retryBackoffDuration, retryBackoffFactor, retryBackoffMaxDuration };
}

/** The finalizers of a finalizer choice. */
export function finalizerNames(finalizer: ApplicationFinalizer): string[] | undefined {
  switch (finalizer) {
    case ApplicationFinalizer.FOREGROUND: return ['resources-finalizer.argocd.argoproj.io'];
    case ApplicationFinalizer.BACKGROUND: return ['resources-finalizer.argocd.argoproj.io/background'];
    default: return undefined;
  }
}

function assertRepoUrl(url: string | undefined): void {
  const ok = typeof url === 'string' && (/^(https?|ssh|git|file):\/\/\S+$/.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9._-]+:\S+$/.test(url));
  if (!ok) {
    throw new Error(`'sourceRepoUrl' (${JSON.stringify(url)}) must be the URL of the git repository that holds the manifests, `
      + 'for example "https://github.com/acme/gitops.git" or "git@github.com:acme/gitops.git"');
  }
}

function assertSourcePath(path: string | undefined): void {
  const p = typeof path === 'string' ? path.trim() : '';
  const segments = p.split('/');
  if (p === '' || p.startsWith('/') || segments.includes('..')) {
    throw new Error(`'sourcePath' (${JSON.stringify(path)}) must be the directory, relative to the repository root, where the synthesized YAML `
      + 'of the charts is committed (for example "apps/shop/production"); "." is the root. See docs/gitops-layout.md');
  }
}

/**
 * A branch, tag, `HEAD` or commit SHA: git's ref-name rules (git check-ref-format), which a 7-40 digit hex SHA
 * also satisfies. Refuses revision expressions (`HEAD~1`, `main^`), globs and semver ranges (`1.*`, Helm only).
 */
function assertTargetRevision(rev: string): void {
  const problems: string[] = [];
  if (rev === '') problems.push('it is empty');
  if (rev === '@') problems.push('it is "@"');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(rev)) problems.push('it contains a space, control character or one of ~ ^ : ? * [ \\');
  if (rev.includes('..')) problems.push('it contains ".."');
  if (rev.includes('@{')) problems.push('it contains "@{"');
  if (rev.startsWith('/') || rev.endsWith('/') || rev.includes('//')) problems.push('it starts or ends with "/" or contains "//"');
  if (rev.startsWith('-')) problems.push('it starts with "-"');
  if (rev.endsWith('.')) problems.push('it ends with "."');
  if (rev.split('/').some(c => c.startsWith('.') || c.endsWith('.lock'))) problems.push('a "/"-separated part starts with "." or ends with ".lock"');
  if (problems.length > 0) {
    throw new Error(`'sourceTargetRevision' (${JSON.stringify(rev)}) must be a branch, a tag, HEAD or a commit SHA (7 to 40 hex digits), `
      + `but ${problems[0]}: use for example "main", "v1.4.2", "HEAD" or "3f2a9c1"`);
  }
}

function assertDestination(server: string | undefined, name: string | undefined): void {
  if (server === undefined && name === undefined) {
    throw new Error("the Application has no destination: set 'destinationServer' (for example \"https://kubernetes.default.svc\") "
      + "or 'destinationName' (a cluster name registered in Argo CD, for example \"in-cluster\")");
  }
  if (server !== undefined && name !== undefined) {
    throw new Error(`'destinationServer' ("${server}") and 'destinationName' ("${name}") are both set, but Argo CD takes one of them: `
      + 'remove one');
  }
  if (server !== undefined && !/^https?:\/\/\S+$/.test(server)) {
    throw new Error(`'destinationServer' ("${server}") must be the URL of the cluster's API server, for example "https://kubernetes.default.svc"`);
  }
  if (name !== undefined && !/^\S+$/.test(name)) {
    throw new Error(`'destinationName' ("${name}") must be the name of a cluster registered in Argo CD, for example "in-cluster"`);
  }
}

function assertWholeSeconds(prop: string, d: Duration): void {
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 1) {
    throw new Error(`'${prop}' (${s}s) must be a whole number of seconds, 1 or more`);
  }
}
