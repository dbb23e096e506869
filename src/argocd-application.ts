import { ApiObject, App, Chart, Duration, Lazy, Names, YamlOutputType } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { goDuration } from './private/argo';
import type * as argo from '../imports/argoproj.io';
import { computeIgnoreDifferences, PlacedManifest, rendered } from './private/argocd/ignore';
import { IgnoreEntry } from './private/argocd/ignore-entry';
import { apiGroup } from './private/argocd/json';
import { ArgoCdOverlapIndex } from './private/constructs/argocd-overlaps';
import { applicationSettings, ApplicationSettings, finalizerNames } from './private/constructs/argocd-props';
import { atConstructPath, withConstructPath } from './private/constructs/construct-path';
import { APPLICATION } from './private/gvk';
import { ChartDeployment, isRuleChecked, joinAppValidation, recordWarnings, sharedInValidation } from './private/synth/app-rules';
import { addValidationOnce, findAll, toJson } from './private/synth/context';
import { checkArgoCdApplication } from './rules/_argocd';
import { CanaryRules } from './rules/canary-rules';

const APPLICATION_SYMBOL = Symbol.for('cdk8s-canary.ArgoCdApplication');

/** Sync options every generated Application carries (see `ArgoCdApplicationProps.syncOptions`). */
const REQUIRED_SYNC_OPTIONS = ['ApplyOutOfSyncOnly=true'];

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
   * An error for VirtualServices and DestinationRules (rule CR402): Istio's lists are atomic, so after one canary
   * the Argo Rollouts controller owns the whole `spec.http` / `spec.subsets` and route or subset changes from git
   * would never sync (argo-rollouts#3854).
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
   * `ApplyOutOfSyncOnly=true` is always set: without it every sync (a new image, another object changed)
   * re-applies the VirtualServices and DestinationRules from git, which resets the weights of a running canary and
   * removes its header and mirror routes.
   *
   * `RespectIgnoreDifferences=true` is deliberately not set: for Istio's lists it makes Argo CD apply the live
   * copy of every list that holds an ignored field, so route changes committed to git would never be applied
   * (argo-cd#17694, #23283). Adding it gives the warning CR401. See docs/argocd.md.
   *
   * @default - only `ApplyOutOfSyncOnly=true`
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
  private readonly settings: ApplicationSettings;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    try {
      Object.defineProperty(this, APPLICATION_SYMBOL, { value: true });
      joinAppValidation(this);
      const settings = applicationSettings(props);
      this.namespace = settings.namespace;
      this.project = settings.project;
      this.sourceRepoUrl = props.sourceRepoUrl;
      this.sourcePath = props.sourcePath;
      this.sourceTargetRevision = settings.sourceTargetRevision;
      this.sourceInclude = props.sourceInclude;
      this.destinationServer = props.destinationServer;
      this.destinationName = props.destinationName;
      this.destinationNamespace = props.destinationNamespace;
      this.finalizer = settings.finalizer;
      this.settings = settings;

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

      addValidationOnce(this, () => [...this.validateOverlaps(), ...this.validateSync()]);
    } catch (e) {
      throw atConstructPath(this, e);
    }
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
    withConstructPath(this, () => {
      if (chart === Chart.of(this)) {
        throw new Error(`'charts' contains the chart "${chart.node.path}" that holds the Application "${this.node.path}" itself: `
          + 'put the Application in its own chart (for example one named "argocd", committed to the directory Argo CD bootstraps from) '
          + 'and list only the workload charts');
      }
      if (!this._charts.includes(chart)) this._charts.push(chart);
    });
  }

  /**
   * Adds a sync option (`Name=value`). Duplicates are dropped.
   *
   * @param option for example `CreateNamespace=true`
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
   */
  public addSyncOption(option: string): void {
    withConstructPath(this, () => {
      const m = /^([A-Za-z][A-Za-z0-9]*)=(\S+)$/.exec(option);
      if (!m) {
        throw new Error(`'syncOptions' entry "${option}" must have the form Name=value (for example "CreateNamespace=true")`);
      }
      const [, key, value] = m;
      const required = REQUIRED_SYNC_OPTIONS.find(o => o.startsWith(`${key}=`));
      if (required && required !== option) {
        throw new Error(`'syncOptions' entry "${option}" would undo "${required}", which the Application always sets: without it every sync re-applies `
          + 'the VirtualServices and DestinationRules from git, which resets the weights of a running canary and removes its header and mirror routes; '
          + 'remove the entry');
      }
      const existing = [...REQUIRED_SYNC_OPTIONS, ...this._syncOptions].find(o => o.startsWith(`${key}=`));
      if (existing && existing !== option) {
        throw new Error(`'syncOptions' sets "${key}" twice ("${existing}" and "${key}=${value}"): keep one of them`);
      }
      if (!existing) this._syncOptions.push(option);
    });
  }

  /**
   * Adds your own ignoreDifferences entry, rendered after the computed ones.
   *
   * The Argo CD rules check it at synth (docs/rules.md, CR4xx): an entry that hides a whole route list, route,
   * subset list or subset of the VirtualServices and DestinationRules in git (for example the JSON pointer
   * `/spec/http` or the jq path `.spec`), or that lists `managedFieldsManagers` for them, fails synth, because
   * changes you commit there would never sync; a jq path that iterates with `[]` instead of `[]?` gives a warning.
   *
   * @param entry the resources and fields to ignore
   */
  public addIgnoreDifference(entry: IgnoreDifference): void {
    withConstructPath(this, () => {
      if (!entry.kind) {
        throw new Error("'ignoreDifferences' entry has no 'kind': set the kind of the resources to ignore fields of (for example \"Deployment\")");
      }
      const paths = (entry.jsonPointers?.length ?? 0) + (entry.jqPathExpressions?.length ?? 0) + (entry.managedFieldsManagers?.length ?? 0);
      if (paths === 0) {
        throw new Error(`'ignoreDifferences' entry for kind "${entry.kind}" has no 'jsonPointers', 'jqPathExpressions' or 'managedFieldsManagers': `
          + 'list the fields to ignore');
      }
      for (const p of entry.jsonPointers ?? []) {
        if (!p.startsWith('/')) {
          throw new Error(`'ignoreDifferences' jsonPointer "${p}" for kind "${entry.kind}" must start with "/" (RFC 6901, for example "/spec/replicas")`);
        }
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
    });
  }

  /**
   * Renders the Application spec as JSON (field names as Argo CD spells them, e.g. `repoURL`; the generated
   * `argo.ApplicationSpec` type uses `repoUrl`, so it is not used here).
   *
   * @internal
   */
  public _toKube(): any {
    const ignoreDifferences: IgnoreEntry[] = [...computeIgnoreDifferences(this.placedManifests()), ...this._ignoreDifferences.map(rendered)];
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
        automated: this.settings.autoSync ? { prune: this.settings.autoSyncPrune, selfHeal: this.settings.autoSyncSelfHeal } : undefined,
        syncOptions: [...REQUIRED_SYNC_OPTIONS, ...this._syncOptions],
        retry: this.renderRetry(),
      },
    };
  }

  /** The retry policy of a failed sync, or none when `retryLimit` is 0. */
  private renderRetry(): any {
    const r = this.settings;
    if (r.retryLimit === 0) return undefined;
    return {
      limit: r.retryLimit,
      backoff: { duration: goDuration(r.retryBackoffDuration), factor: r.retryBackoffFactor, maxDuration: goDuration(r.retryBackoffMaxDuration) },
    };
  }

  /** `directory.include`: the user's glob, or the files cdk8s writes for the charts (FILE_PER_CHART output). */
  private renderInclude(): argo.ApplicationSpecSourceDirectory | undefined {
    if (this.sourceInclude !== undefined) return { include: this.sourceInclude };
    if (this._charts.length === 0) return undefined;
    const app = App.of(this);
    if (app.yamlOutputType !== YamlOutputType.FILE_PER_CHART) return undefined;
    const files = this._charts.map(c => `${Names.toDnsLabel(c)}${app.outputFileExtension}`);
    return { include: files.length === 1 ? files[0] : `{${files.join(',')}}` };
  }

  /** The target cluster, as written (server URL or cluster name). */
  private get cluster(): string {
    return this.destinationServer !== undefined ? `server ${this.destinationServer}` : `cluster ${this.destinationName}`;
  }

  /** The API objects of the charts with their final JSON, except Argo CD Applications (rendering one could recurse). */
  private placedManifests(): PlacedManifest[] {
    return this._charts.flatMap(chart => findAll(chart))
      .filter((c): c is ApiObject => ApiObject.isApiObject(c) && !(c.kind === 'Application' && c.apiGroup === 'argoproj.io'))
      .map(o => toJson(o))
      .map(manifest => ({ manifest, namespace: manifest?.metadata?.namespace ?? this.destinationNamespace }));
  }

  /**
   * What the rules need to know of this Application: the charts it deploys, to which cluster and default namespace.
   *
   * @internal
   */
  public _chartDeployment(): ChartDeployment {
    return { charts: [...this._charts], cluster: this.cluster, namespace: this.destinationNamespace };
  }

  /**
   * Identity of each API object of the charts in the target cluster (group/kind/namespace/name), except the objects of
   * charts the rules check: the rules report an object defined in two charts (CR308), with both construct paths.
   */
  private objectKeys(): Map<string, IConstruct> {
    const keys = new Map<string, IConstruct>();
    for (const o of this._charts.flatMap(chart => findAll(chart))) {
      if (!ApiObject.isApiObject(o) || isRuleChecked(Chart.of(o))) continue;
      const ns = o.metadata.namespace ?? this.destinationNamespace ?? '';
      keys.set(`${apiGroup(o.apiVersion) || 'core'}/${o.kind} ${ns ? `${ns}/` : ''}${o.name}`, o);
    }
    return keys;
  }

  /**
   * The Argo CD rules (CR4xx) on the rendered Application and the objects of its charts: errors fail synth,
   * warnings are printed by CanaryApp with those of the chart.
   */
  private validateSync(): string[] {
    const findings = checkArgoCdApplication(toJson(this.resource), this.placedManifests().map(p => p.manifest));
    recordWarnings(this, CanaryRules.warnings(findings));
    return CanaryRules.errors(findings).map(f => CanaryRules.format(f));
  }

  /** Another Application of the same cdk8s app that deploys to the same cluster must not deploy the same chart or objects. */
  private validateOverlaps(): string[] {
    const errors: string[] = [];
    if (this._charts.length === 0) {
      errors.push(`the Application "${this.name}" deploys no chart: pass the charts whose YAML is committed at '${this.sourcePath}' in 'charts' or call addChart()`);
    }
    // built once per synth (or validation pass) of the app
    const index = sharedInValidation(this, 'argocd-overlaps', () => new ArgoCdOverlapIndex(findAll(this.node.root)
      .filter(ArgoCdApplication.isArgoCdApplication).map(a => ({ app: a, cluster: a.cluster, charts: a._charts, keys: a.objectKeys() }))));
    const me = index.entry(this);
    const mine = me.keys;
    for (const other of index.candidates(this)) {
      if (other.order < me.order) continue; // each pair once, reported by the first Application of the two
      const otherName = (other.app as ArgoCdApplication).name;
      const sharedCharts = this._charts.filter(c => other.charts.includes(c));
      if (sharedCharts.length > 0) {
        errors.push(`the chart "${sharedCharts[0].node.path}" is deployed by both Application "${this.name}" and Application "${otherName}" `
          + `(same ${this.cluster}): Argo CD would let both apply and prune the same objects; deploy each chart with one Application`);
        continue;
      }
      const shared = [...mine.keys()].filter(k => other.keys.has(k)).sort();
      if (shared.length > 0) {
        errors.push(`${shared.length} object(s) are deployed by both Application "${this.name}" and Application "${otherName}" (same ${this.cluster}), `
          + `for example ${shared[0]} (from "${mine.get(shared[0])!.node.path}" and "${other.keys.get(shared[0])!.node.path}"): the two Applications `
          + 'would fight over them; give the objects different names or namespaces, or deploy them from one Application');
      }
    }
    return errors;
  }
}
