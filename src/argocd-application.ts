import { ApiObject, App, Chart, Duration, Lazy, YamlOutputType } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { goDuration } from './private/argo';
import { computeIgnoreDifferences, groupOf, hiddenVirtualServiceRoutes, IgnoreEntry, PlacedManifest } from './private/argocd-ignore';
import { APPLICATION } from './private/gvk';
import { assertDnsLabel, assertDnsSubdomain } from './private/k8s';
import type * as argo from '../imports/argoproj.io';
import { sweepDnsLabel, sweepFindAll, sweepJson, sweepMemo } from './private/synth/sweep';

const APPLICATION_SYMBOL = Symbol.for('cdk8s-canary.ArgoCdApplication');

/** Sync options every generated Application carries (see `ArgoCdApplicationProps.syncOptions`). */
const REQUIRED_SYNC_OPTIONS = ['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'];

/**
 * What happens to the deployed resources when the Application object itself is deleted.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/
 */
export enum ApplicationFinalizer {
  /**
   * No finalizer: deleting the Application leaves its resources running (Argo CD's non-cascading delete).
   *
   * The safe choice for production: renaming or moving an Application (for example in an app-of-apps
   * repository) does not take the service down.
   */
  NONE = 'none',
  /**
   * `resources-finalizer.argocd.argoproj.io`: Argo CD deletes the resources first (foreground cascading
   * deletion), then the Application.
   */
  FOREGROUND = 'foreground',
  /**
   * `resources-finalizer.argocd.argoproj.io/background`: the Application is deleted at once and Argo CD deletes
   * the resources in the background.
   */
  BACKGROUND = 'background',
}

/**
 * A field (or set of fields) of some resources that Argo CD leaves out of the diff.
 *
 * Entries added by you come after the ones the Application computes from its charts.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/
 */
export interface IgnoreDifference {
  /**
   * API group of the resources (a glob, as Argo CD matches it).
   *
   * @default - the core API group "" (ConfigMap, Service, ...)
   */
  readonly group?: string;
  /** Kind of the resources (a glob, as Argo CD matches it), for example `VirtualService`. */
  readonly kind: string;
  /**
   * Only the resource with this name.
   *
   * @default - every resource of the group and kind
   */
  readonly name?: string;
  /**
   * Only resources in this namespace.
   *
   * @default - every namespace
   */
  readonly namespace?: string;
  /**
   * RFC 6901 JSON pointers to ignore, for example `/spec/replicas`.
   *
   * @default - none
   */
  readonly jsonPointers?: string[];
  /**
   * jq path expressions to ignore, for example `.spec.template.spec.initContainers[] | select(.name == "x")`.
   *
   * @default - none
   */
  readonly jqPathExpressions?: string[];
  /**
   * Field managers whose changes win over git (server-side field ownership).
   *
   * Refused for VirtualServices: after one rollout the Argo Rollouts controller owns the whole `spec.http`
   * (argo-rollouts#3854), so route changes from git would never sync.
   *
   * @default - none
   */
  readonly managedFieldsManagers?: string[];
}

/**
 * Props of an `ArgoCdApplication`.
 */
export interface ArgoCdApplicationProps {
  /**
   * Name of the Application (a DNS-1123 label: Argo CD copies it into the `app.kubernetes.io/instance`
   * tracking label, at most 63 characters).
   *
   * @default - the name cdk8s generates from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the Application object: the namespace Argo CD runs in (or one listed in its
   * `application.namespaces` setting).
   *
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * Argo CD project (AppProject) the Application belongs to.
   *
   * @default 'default'
   */
  readonly project?: string;
  /**
   * URL of the git repository that holds the synthesized manifests, for example
   * `https://github.com/acme/gitops.git` or `git@github.com:acme/gitops.git`.
   */
  readonly sourceRepoUrl: string;
  /**
   * Directory of the repository, relative to its root, that holds the synthesized YAML of `charts`
   * (for example `apps/shop/production`). See docs/gitops-layout.md.
   */
  readonly sourcePath: string;
  /**
   * Git revision to sync: a branch, a tag, `HEAD` or a commit SHA (7 to 40 hex digits).
   *
   * @default 'HEAD'
   */
  readonly sourceTargetRevision?: string;
  /**
   * Glob of the files Argo CD reads in `sourcePath` (`spec.source.directory.include`), for example `'*.yaml'`.
   *
   * By default the Application reads only the files cdk8s writes for its `charts` (one `<chart name>.k8s.yaml`
   * per chart, with the app's `outputFileExtension`), so several Applications (for example one per environment)
   * can share one synth output directory. Set this when you commit the files under other names, or when cdk8s
   * prefixes them with an index (it does when charts depend on each other).
   *
   * @default - the file names of `charts` (no filter when the cdk8s app does not write one file per chart)
   */
  readonly sourceInclude?: string;
  /**
   * URL of the target cluster's API server, for example `https://kubernetes.default.svc` for the cluster Argo CD
   * runs in. Set this or `destinationName`, not both.
   *
   * @default - none; `destinationName` must be set
   */
  readonly destinationServer?: string;
  /**
   * Name of the target cluster as registered in Argo CD (for example `in-cluster`). Set this or
   * `destinationServer`, not both.
   *
   * @default - none; `destinationServer` must be set
   */
  readonly destinationName?: string;
  /**
   * Namespace for the resources that do not set one themselves.
   *
   * @default - none; every resource must carry its namespace (cdk8s charts with `namespace` do)
   */
  readonly destinationNamespace?: string;
  /**
   * Sync automatically whenever git changes.
   *
   * @default true
   */
  readonly autoSync?: boolean;
  /**
   * With `autoSync`: delete resources that are no longer in git.
   *
   * @default true
   */
  readonly autoSyncPrune?: boolean;
  /**
   * With `autoSync`: revert changes made in the cluster to fields that are not ignored. Safe with canaries,
   * because the fields the Argo Rollouts controller changes are in `ignoreDifferences`.
   *
   * @default true
   */
  readonly autoSyncSelfHeal?: boolean;
  /**
   * Additional sync options (`Name=value`, for example `CreateNamespace=true`, `PruneLast=true`).
   *
   * `ApplyOutOfSyncOnly=true` and `RespectIgnoreDifferences=true` are always set: without them a sync re-applies
   * the VirtualService and DestinationRule from git and resets the traffic weights of a running canary.
   *
   * @default - only the two options above
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
   */
  readonly syncOptions?: string[];
  /**
   * How many times a failed sync is retried. `0` disables retries.
   *
   * @default 5
   */
  readonly retryLimit?: number;
  /**
   * Wait before the first retry.
   *
   * @default Duration.seconds(5)
   */
  readonly retryBackoffDuration?: Duration;
  /**
   * Factor the wait is multiplied by after each failed retry (an integer).
   *
   * @default 2
   */
  readonly retryBackoffFactor?: number;
  /**
   * Longest wait between retries.
   *
   * @default Duration.minutes(3)
   */
  readonly retryBackoffMaxDuration?: Duration;
  /**
   * What deleting the Application does to its resources.
   *
   * @default ApplicationFinalizer.NONE
   */
  readonly finalizer?: ApplicationFinalizer;
  /**
   * The cdk8s charts this Application deploys: their synthesized YAML is what you commit at `sourcePath`.
   * More can be added with `addChart()`. The Application computes its `ignoreDifferences` from their objects.
   *
   * @default - none; add them with `addChart()`
   */
  readonly charts?: Chart[];
  /**
   * Your own ignoreDifferences entries, after the computed ones. More can be added with `addIgnoreDifference()`.
   *
   * @default - only the computed entries
   */
  readonly ignoreDifferences?: IgnoreDifference[];
}

/**
 * An Argo CD `Application` that deploys the synthesized YAML of some cdk8s charts from a git repository, with
 * `ignoreDifferences` computed from what those charts contain.
 *
 * During a canary the Argo Rollouts controller rewrites fields of the objects in git: VirtualService route weights
 * (and managed header/mirror routes, experiment destinations), DestinationRule subset labels and an annotation, and
 * the Rollout's replicas under an autoscaler. Without matching `ignoreDifferences` Argo CD reports OutOfSync and
 * self-heal fights the rollout. At synth time this construct reads the objects of its charts and ignores exactly
 * those fields, scoped to each object by group, kind, namespace and name. See docs/argocd.md.
 *
 * @example
 * const app = new App();
 * const shop = new ShopChart(app, 'shop-production', { namespace: 'shop' });
 * const argocd = new Chart(app, 'argocd');
 * new ArgoCdApplication(argocd, 'shop-production', {
 *   sourceRepoUrl: 'https://github.com/acme/gitops.git',
 *   sourcePath: 'apps/shop/production',
 *   destinationServer: 'https://kubernetes.default.svc',
 *   charts: [shop],
 * });
 */
export class ArgoCdApplication extends Construct {
  /**
   * Whether `x` is an `ArgoCdApplication` (works across copies of this package).
   *
   * @param x any value
   */
  public static isArgoCdApplication(x: any): x is ArgoCdApplication {
    return x !== null && typeof x === 'object' && APPLICATION_SYMBOL in x;
  }

  /** Name of the Application object. */
  public readonly name: string;
  /** Namespace of the Application object. */
  public readonly namespace: string;
  /** Argo CD project. */
  public readonly project: string;
  /** Git repository URL. */
  public readonly sourceRepoUrl: string;
  /** Directory in the repository. */
  public readonly sourcePath: string;
  /** Git revision. */
  public readonly sourceTargetRevision: string;
  /**
   * The `sourceInclude` glob you set.
   * @default - the chart files
   */
  public readonly sourceInclude?: string;
  /**
   * Target cluster API server URL.
   * @default - not set (`destinationName` is)
   */
  public readonly destinationServer?: string;
  /**
   * Target cluster name.
   * @default - not set (`destinationServer` is)
   */
  public readonly destinationName?: string;
  /**
   * Namespace for resources without one.
   * @default - not set
   */
  public readonly destinationNamespace?: string;
  /** The finalizer choice. */
  public readonly finalizer: ApplicationFinalizer;

  private readonly resource: ApiObject;
  private readonly _charts: Chart[] = [];
  private readonly _syncOptions: string[] = [];
  private readonly _ignoreDifferences: IgnoreEntry[] = [];
  private readonly autoSync: boolean;
  private readonly autoSyncPrune: boolean;
  private readonly autoSyncSelfHeal: boolean;
  private readonly retryLimit: number;
  private readonly retryBackoffDuration: Duration;
  private readonly retryBackoffFactor: number;
  private readonly retryBackoffMaxDuration: Duration;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    Object.defineProperty(this, APPLICATION_SYMBOL, { value: true });

    this.namespace = props.namespace ?? 'argocd';
    assertDnsLabel('namespace', this.namespace);
    this.project = props.project ?? 'default';
    assertDnsSubdomain('project', this.project);
    if (props.name !== undefined) assertDnsLabel('name', props.name, 'a DNS-1123 label (Argo CD copies it into the app.kubernetes.io/instance label)');

    this.sourceRepoUrl = props.sourceRepoUrl;
    assertRepoUrl(props.sourceRepoUrl);
    this.sourcePath = props.sourcePath;
    assertSourcePath(props.sourcePath);
    this.sourceTargetRevision = props.sourceTargetRevision ?? 'HEAD';
    assertTargetRevision(this.sourceTargetRevision);
    if (props.sourceInclude !== undefined && props.sourceInclude.trim() === '') {
      throw new Error(`'sourceInclude' (${JSON.stringify(props.sourceInclude)}) must be a glob of file names in 'sourcePath', for example "*.yaml" or "{shop.k8s.yaml,cart.k8s.yaml}"; `
        + 'remove it to read the files of the charts');
    }
    this.sourceInclude = props.sourceInclude;

    assertDestination(props.destinationServer, props.destinationName);
    this.destinationServer = props.destinationServer;
    this.destinationName = props.destinationName;
    this.destinationNamespace = props.destinationNamespace;
    if (props.destinationNamespace !== undefined) assertDnsLabel('destinationNamespace', props.destinationNamespace);

    this.autoSync = props.autoSync ?? true;
    if (!this.autoSync) {
      const set = (['autoSyncPrune', 'autoSyncSelfHeal'] as const).filter(k => props[k] !== undefined);
      if (set.length > 0) {
        throw new Error(`'${set[0]}' (${props[set[0]]}) only applies with automated sync, but 'autoSync' is false: `
          + `remove '${set[0]}' or set 'autoSync' to true`);
      }
    }
    this.autoSyncPrune = props.autoSyncPrune ?? true;
    this.autoSyncSelfHeal = props.autoSyncSelfHeal ?? true;

    this.retryLimit = props.retryLimit ?? 5;
    if (!Number.isInteger(this.retryLimit) || this.retryLimit < 0) {
      throw new Error(`'retryLimit' (${this.retryLimit}) must be a whole number of retries, 0 or more (0 disables retries)`);
    }
    if (this.retryLimit === 0) {
      const set = (['retryBackoffDuration', 'retryBackoffFactor', 'retryBackoffMaxDuration'] as const).filter(k => props[k] !== undefined);
      if (set.length > 0) {
        throw new Error(`'${set[0]}' is set but 'retryLimit' is 0, which disables retries: remove '${set[0]}' or set 'retryLimit' to 1 or more`);
      }
    }
    this.retryBackoffDuration = props.retryBackoffDuration ?? Duration.seconds(5);
    this.retryBackoffMaxDuration = props.retryBackoffMaxDuration ?? Duration.minutes(3);
    this.retryBackoffFactor = props.retryBackoffFactor ?? 2;
    assertWholeSeconds('retryBackoffDuration', this.retryBackoffDuration);
    assertWholeSeconds('retryBackoffMaxDuration', this.retryBackoffMaxDuration);
    if (this.retryBackoffMaxDuration.toSeconds({ integral: false }) < this.retryBackoffDuration.toSeconds({ integral: false })) {
      throw new Error(`'retryBackoffMaxDuration' (${this.retryBackoffMaxDuration.toSeconds()}s) must not be shorter than 'retryBackoffDuration' `
        + `(${this.retryBackoffDuration.toSeconds()}s): raise 'retryBackoffMaxDuration' or lower 'retryBackoffDuration'`);
    }
    if (!Number.isInteger(this.retryBackoffFactor) || this.retryBackoffFactor < 1) {
      throw new Error(`'retryBackoffFactor' (${this.retryBackoffFactor}) must be a whole number, 1 or more (Argo CD reads it as an integer; 2 doubles the wait)`);
    }

    this.finalizer = props.finalizer ?? ApplicationFinalizer.NONE;

    for (const option of props.syncOptions ?? []) this.addSyncOption(option);
    for (const entry of props.ignoreDifferences ?? []) this.addIgnoreDifference(entry);

    this.resource = new ApiObject(this, 'Resource', {
      ...APPLICATION,
      metadata: {
        ...(props.name !== undefined ? { name: props.name } : {}),
        namespace: this.namespace,
        finalizers: finalizerNames(this.finalizer),
      },
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
    this.name = this.resource.name;

    for (const chart of props.charts ?? []) this.addChart(chart);

    this.node.addValidation({ validate: () => this.validateOverlaps() });
  }

  /** The charts this Application deploys (a copy). */
  public get charts(): Chart[] {
    return [...this._charts];
  }

  /**
   * Declares that this Application deploys `chart`: its synthesized YAML must be committed at `sourcePath`.
   *
   * @param chart a chart of the same cdk8s app
   */
  public addChart(chart: Chart): void {
    if (chart === Chart.of(this)) {
      throw new Error(`'charts' contains the chart "${chart.node.path}" that holds the Application "${this.node.path}" itself: `
        + 'put the Application in its own chart (for example one named "argocd", committed to the directory Argo CD bootstraps from) '
        + 'and list only the workload charts');
    }
    if (!this._charts.includes(chart)) this._charts.push(chart);
  }

  /**
   * Adds a sync option (`Name=value`). Duplicates are dropped.
   *
   * @param option for example `CreateNamespace=true`
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
   */
  public addSyncOption(option: string): void {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(\S+)$/.exec(option);
    if (!m) {
      throw new Error(`'syncOptions' entry "${option}" must have the form Name=value (for example "CreateNamespace=true")`);
    }
    const [, key, value] = m;
    const required = REQUIRED_SYNC_OPTIONS.find(o => o.startsWith(`${key}=`));
    if (required && required !== option) {
      throw new Error(`'syncOptions' entry "${option}" would undo "${required}", which the Application always sets: without it a sync re-applies `
        + 'the VirtualService and DestinationRule from git and resets the weights of a running canary; remove the entry');
    }
    const existing = [...REQUIRED_SYNC_OPTIONS, ...this._syncOptions].find(o => o.startsWith(`${key}=`));
    if (existing && existing !== option) {
      throw new Error(`'syncOptions' sets "${key}" twice ("${existing}" and "${key}=${value}"): keep one of them`);
    }
    if (!existing) this._syncOptions.push(option);
  }

  /**
   * Adds your own ignoreDifferences entry, rendered after the computed ones.
   *
   * An entry that would hide a VirtualService's routes as a whole (for example the JSON pointer `/spec/http` or the
   * jq path `.spec`) is refused: git changes to the routes would then never sync.
   *
   * @param entry the resources and fields to ignore
   */
  public addIgnoreDifference(entry: IgnoreDifference): void {
    if (!entry.kind) {
      throw new Error("'ignoreDifferences' entry has no 'kind': set the kind of the resources to ignore fields of (for example \"Deployment\")");
    }
    const paths = (entry.jsonPointers?.length ?? 0) + (entry.jqPathExpressions?.length ?? 0) + (entry.managedFieldsManagers?.length ?? 0);
    if (paths === 0) {
      throw new Error(`'ignoreDifferences' entry for kind "${entry.kind}" has no 'jsonPointers', 'jqPathExpressions' or 'managedFieldsManagers': `
        + 'list the fields to ignore');
    }
    for (const p of entry.jsonPointers ?? []) {
      if (p !== '' && !p.startsWith('/')) {
        throw new Error(`'ignoreDifferences' jsonPointer "${p}" for kind "${entry.kind}" must start with "/" (RFC 6901, for example "/spec/replicas")`);
      }
    }
    const hidden = hiddenVirtualServiceRoutes(entry);
    if (hidden) {
      throw new Error(`'ignoreDifferences' entry for kind "${entry.kind}" has the ${hidden}, which hides the routes of VirtualServices from the diff: `
        + 'Argo CD would then never sync route changes made in git (new routes, matches, destinations), and once a rollout has run the '
        + 'Argo Rollouts controller owns spec.http (argo-rollouts#3854). The Application already ignores exactly the fields the controller '
        + 'changes (route weights, managed routes, experiment destinations); remove this entry, or narrow it to a field below a destination '
        + '(for example ".spec.http[].route[].weight")');
    }
    this._ignoreDifferences.push({
      group: entry.group ?? '',
      kind: entry.kind,
      name: entry.name,
      namespace: entry.namespace,
      jsonPointers: entry.jsonPointers ? [...entry.jsonPointers] : undefined,
      jqPathExpressions: entry.jqPathExpressions ? [...entry.jqPathExpressions] : undefined,
      managedFieldsManagers: entry.managedFieldsManagers ? [...entry.managedFieldsManagers] : undefined,
    });
  }

  /**
   * Renders the Application spec as JSON (field names as Argo CD spells them, e.g. `repoURL`; the generated
   * `argo.ApplicationSpec` type uses `repoUrl`, so it is not used here).
   *
   * @internal
   */
  public _toKube(): any {
    const ignoreDifferences: IgnoreEntry[] = [
      ...computeIgnoreDifferences(this.placedManifests()),
      ...(this._ignoreDifferences.length > 0 ? this._ignoreDifferences.map(e => JSON.parse(JSON.stringify(e))) : []),
    ];
    return {
      project: this.project,
      source: {
        repoURL: this.sourceRepoUrl, // the JSON name (the generated binding calls it repoUrl)
        path: this.sourcePath,
        targetRevision: this.sourceTargetRevision,
        directory: this.renderInclude(),
      },
      destination: {
        server: this.destinationServer,
        name: this.destinationName,
        namespace: this.destinationNamespace,
      },
      ignoreDifferences: ignoreDifferences.length > 0 ? ignoreDifferences : undefined,
      syncPolicy: {
        automated: this.autoSync ? { prune: this.autoSyncPrune, selfHeal: this.autoSyncSelfHeal } : undefined,
        syncOptions: [...REQUIRED_SYNC_OPTIONS, ...this._syncOptions],
        retry: this.retryLimit > 0 ? {
          limit: this.retryLimit,
          backoff: {
            duration: goDuration(this.retryBackoffDuration),
            factor: this.retryBackoffFactor,
            maxDuration: goDuration(this.retryBackoffMaxDuration),
          },
        } : undefined,
      },
    };
  }

  /** `directory.include`: the user's glob, or the files cdk8s writes for the charts (FILE_PER_CHART output). */
  private renderInclude(): argo.ApplicationSpecSourceDirectory | undefined {
    if (this.sourceInclude !== undefined) return { include: this.sourceInclude };
    if (this._charts.length === 0) return undefined;
    const app = App.of(this);
    if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) return undefined;
    const files = this._charts.map(c => `${sweepDnsLabel(c)}${app.outputFileExtension}`);
    return { include: files.length === 1 ? files[0] : `{${files.join(',')}}` };
  }

  /** The target cluster, as written (server URL or cluster name). */
  private get cluster(): string {
    return this.destinationServer !== undefined ? `server ${this.destinationServer}` : `cluster ${this.destinationName}`;
  }

  /**
   * The API objects of the charts with their final JSON, except Argo CD Applications (nothing mutates them, and
   * rendering one could recurse). One loop over the charts' constructs, without intermediate lists.
   */
  private placedManifests(): PlacedManifest[] {
    const placed: PlacedManifest[] = [];
    for (const chart of this._charts) {
      for (const c of sweepFindAll(chart)) {
        if (!ApiObject.isApiObject(c) || (c.kind === 'Application' && c.apiGroup === 'argoproj.io')) continue;
        const manifest = sweepJson(c);
        placed.push({ manifest, namespace: manifest?.metadata?.namespace ?? this.destinationNamespace });
      }
    }
    return placed;
  }

  /** Identity of each API object of the charts in the target cluster: group/kind/namespace/name. */
  private objectKeys(): Map<string, IConstruct> {
    const keys = new Map<string, IConstruct>();
    for (const chart of this._charts) {
      for (const o of sweepFindAll(chart)) {
        if (!ApiObject.isApiObject(o)) continue;
        const ns = o.metadata.namespace ?? this.destinationNamespace ?? '';
        keys.set(`${groupOf(o.apiVersion) || 'core'}/${o.kind} ${ns ? `${ns}/` : ''}${o.name}`, o);
      }
    }
    return keys;
  }

  /** Another Application of the same cdk8s app that deploys to the same cluster must not deploy the same chart or objects. */
  private validateOverlaps(): string[] {
    const errors: string[] = [];
    if (this._charts.length === 0) {
      errors.push(`the Application "${this.name}" deploys no chart: pass the charts whose YAML is committed at '${this.sourcePath}' in 'charts' or call addChart()`);
    }
    const mine = this.memoObjectKeys();
    for (const other of this.overlapCandidates(mine)) {
      const sharedCharts = this._charts.filter(c => other._charts.includes(c));
      if (sharedCharts.length > 0) {
        errors.push(`the chart "${sharedCharts[0].node.path}" is deployed by both Application "${this.name}" and Application "${other.name}" `
          + `(same ${this.cluster}): Argo CD would let both apply and prune the same objects; deploy each chart with one Application`);
        continue;
      }
      const theirs = other.memoObjectKeys();
      const shared = [...mine.keys()].filter(k => theirs.has(k)).sort();
      if (shared.length > 0) {
        errors.push(`${shared.length} object(s) are deployed by both Application "${this.name}" and Application "${other.name}" (same ${this.cluster}), `
          + `for example ${shared[0]} (from "${mine.get(shared[0])!.node.path}" and "${theirs.get(shared[0])!.node.path}"): the two Applications `
          + 'would fight over them; give the objects different names or namespaces, or deploy them from one Application');
      }
    }
    return errors;
  }

  /** `objectKeys()`, computed once per validation sweep of a `CanaryApp` (see `private/synth/sweep.ts`). */
  private memoObjectKeys(): Map<string, IConstruct> {
    return sweepMemo('ArgoCdApplication.objectKeys', this, () => this.objectKeys());
  }

  /**
   * The other Applications of the app that deploy to the same cluster and share a chart or an object key
   * with this one, in construct-tree order: the only ones that can overlap with it. The index behind it is
   * built once per validation sweep, so that checking N Applications costs O(N), not O(N²).
   */
  private overlapCandidates(mine: Map<string, IConstruct>): ArgoCdApplication[] {
    const root = this.node.root;
    const index = sweepMemo('ArgoCdApplication.overlapIndex', root, () => {
      const clusters = new Map<string, OverlapIndex>();
      sweepFindAll(root).forEach((c, order) => {
        if (!ArgoCdApplication.isArgoCdApplication(c)) return;
        let idx = clusters.get(c.cluster);
        if (!idx) {
          idx = { order: new Map(), byChart: new Map(), byKey: new Map() };
          clusters.set(c.cluster, idx);
        }
        idx.order.set(c, order);
        for (const chart of c._charts) pushTo(idx.byChart, chart, c);
        for (const key of c.memoObjectKeys().keys()) pushTo(idx.byKey, key, c);
      });
      return clusters;
    });
    const idx = index.get(this.cluster)!;
    const found = new Set<ArgoCdApplication>();
    for (const chart of this._charts) addTo(found, idx.byChart.get(chart));
    for (const key of mine.keys()) addTo(found, idx.byKey.get(key));
    found.delete(this);
    return [...found].sort((a, b) => idx.order.get(a)! - idx.order.get(b)!);
  }
}

/**
 * The Applications of one cluster: their construct-tree order, and who deploys each chart and object key
 * (one Application, or a list when several do: almost every key has one).
 */
interface OverlapIndex {
  readonly order: Map<ArgoCdApplication, number>;
  readonly byChart: Map<Chart, ArgoCdApplication | ArgoCdApplication[]>;
  readonly byKey: Map<string, ArgoCdApplication | ArgoCdApplication[]>;
}

function pushTo<K>(map: Map<K, ArgoCdApplication | ArgoCdApplication[]>, key: K, value: ArgoCdApplication): void {
  const current = map.get(key);
  if (current === undefined) map.set(key, value);
  else if (Array.isArray(current)) current.push(value);
  else map.set(key, [current, value]);
}

function addTo(found: Set<ArgoCdApplication>, entry: ArgoCdApplication | ArgoCdApplication[] | undefined): void {
  if (entry === undefined) return;
  if (Array.isArray(entry)) entry.forEach(a => found.add(a));
  else found.add(entry);
}

function finalizerNames(finalizer: ApplicationFinalizer): string[] | undefined {
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
