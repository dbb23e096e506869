import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisArg, CanaryArgs, PodTemplateHashValue } from './analysis-arg';
import { CanaryLabels } from './canary-labels';
import { CanaryStep, CanaryStepKind } from './canary-step';
import { IstioSubsets } from './istio-subsets';
import type * as argo from '../imports/argoproj.io';
import { DEFAULT_REVISION_HISTORY_LIMIT } from './private/argo';
import { SECRET_VERSIONS_ANNOTATION, secretVersionsValue } from './private/config';
import { checkAnalysis, renderAnalysis, WellKnownArgValues } from './private/constructs/analysis';
import { atConstructPath, withConstructPath } from './private/constructs/construct-path';
import { checkSubscriptions, notificationsConfigs, subscriptionAnnotations } from './private/constructs/notifications';
import { undefinedIfEmpty } from './private/constructs/render';
import { givePrerequisiteWave, WORKLOAD_ANNOTATIONS } from './private/constructs/wave-annotations';
import { checkWorkloadRef, labelWorkloadTemplate, ownTemplateError, workloadTemplateError, workloadTemplateJson } from './private/constructs/workload-ref';
import { ROLLOUT } from './private/gvk';
import { assertDnsLabel, assertDnsSubdomain, assertLabels, assertLabelValue, assertPinnedImage, parseImage, versionFromImage } from './private/k8s';
import { parseSubscriptionKey, SUBSCRIPTIONS_ANNOTATION } from './private/notifications';
import { podTemplateHash, revisionValue } from './private/revision';
import { attachAppRules } from './private/synth/app-rules';
import { addValidationOnce } from './private/synth/context';
import { assertIntInRange } from './private/validate';
import { BackgroundAnalysisOptions } from './rollout-analysis';
import { RolloutNotification } from './rollout-notification';
import { WorkloadRef } from './workload-ref';

/**
 * Anti-affinity between the pods of the new and the previous ReplicaSet, so that a bad canary node does not
 * take stable pods down with it.
 */
export class RolloutAntiAffinity {
  /** The scheduler must place new pods away from the previous ones (pods may stay pending). */
  public static required(): RolloutAntiAffinity {
    return new RolloutAntiAffinity({ requiredDuringSchedulingIgnoredDuringExecution: {} });
  }

  /**
   * The scheduler prefers placing new pods away from the previous ones.
   * @param weight 1-100
   */
  public static preferred(weight: number = 100): RolloutAntiAffinity {
    assertIntInRange('antiAffinity weight', weight, 1, 100);
    return new RolloutAntiAffinity({ preferredDuringSchedulingIgnoredDuringExecution: { weight } });
  }

  private constructor(private readonly kube: any) {}

  /** @internal */
  public _toKube(): any {
    return this.kube;
  }
}

/** Options of `ArgoRollout.autoscale()`. */
export interface RolloutAutoscalingOptions {
  /** Maximum number of pods. */
  readonly maxReplicas: number;
  /**
   * Minimum number of pods.
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * What the autoscaler tracks.
   * @default - average CPU utilization of 70% of the requests
   */
  readonly metrics?: kplus.Metric[];
}

/** Props of `ArgoRollout`. */
export interface ArgoRolloutProps extends kplus.WorkloadProps {
  /**
   * The Istio DestinationRule and VirtualService whose weights and subsets the Rollout drives.
   * The Rollout selects the subsets' identity labels and lives in their namespace: the chart of the Rollout has that
   * namespace or none, unless `metadata.namespace` names it (a chart of another namespace is an error).
   */
  readonly subsets: IstioSubsets;
  /**
   * The release steps. The release ends at 100% after the last step.
   * @default ArgoRollout.DEFAULT_STEPS (10% → 5m → 30% → 5m → 50% → 5m → 100% → 5m)
   */
  readonly steps?: CanaryStep[];
  /**
   * Background analysis: runs alongside the steps from `startingStep`; a failure aborts the release
   * (traffic back to stable), an inconclusive result pauses it.
   * @default - none
   */
  readonly analysis?: BackgroundAnalysisOptions;
  /**
   * Number of pods. Stable keeps all of them during the release, so a rollback is instant.
   * Leave it unset when an autoscaler owns the replicas (`autoscale()`). 0 scales the service down (Argo Rollouts
   * accepts it); a release then runs no canary, which the rollout plan notes (PLAN014).
   * @default 2 (none when autoscaled)
   */
  readonly replicas?: number;
  /**
   * Scale stable down as the canary's weight grows (saves capacity). Caution: on abort, traffic moves back
   * to a stable ReplicaSet that must scale up again first (argo-rollouts#3888), and with Istio 503s have been
   * reported at full promotion (argo-rollouts#3681). Cannot be combined with `scaleDownDelay`.
   * @default false
   */
  readonly dynamicStableScale?: boolean;
  /**
   * Anti-affinity between new and previous pods.
   * @default - none
   */
  readonly antiAffinity?: RolloutAntiAffinity;
  /**
   * The release name, put on the pods as `app.kubernetes.io/version` and `version`.
   * @default - the tag of the first container's image (or a short form of its digest)
   */
  readonly version?: string;
  /**
   * How long a new ReplicaSet may take to make progress before the release counts as failed.
   * Not counted while the release is paused.
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;
  /**
   * Abort the release (traffic back to stable) when `progressDeadline` is exceeded, instead of only
   * reporting it. A canary that never becomes ready then rolls back on its own.
   * @default true
   */
  readonly progressDeadlineAbort?: boolean;
  /**
   * Minimum time a new pod must be ready before it counts as available.
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;
  /**
   * How long the previous stable pods are kept after promotion, so that every proxy in the mesh has
   * switched before they go.
   * @default - Argo Rollouts' default (30 seconds)
   */
  readonly scaleDownDelay?: Duration;
  /**
   * How long the canary pods are kept after an abort (`Duration.seconds(0)` keeps them forever).
   * @default - Argo Rollouts' default (30 seconds)
   */
  readonly abortScaleDownDelay?: Duration;
  /**
   * The request rate the service receives, in requests per second. Not written to the manifests: the
   * rollout plan (`CanaryApp`) uses it to estimate how many requests a bad canary serves before it is
   * aborted.
   * @default - the plan gives times and traffic shares only
   */
  readonly expectedRequestsPerSecond?: number;
  /**
   * Labels put on the canary pods while they are the canary (ephemeral metadata).
   * @default - none
   */
  readonly canaryLabels?: { [key: string]: string };
  /**
   * Annotations put on the canary pods while they are the canary.
   * @default - none
   */
  readonly canaryAnnotations?: { [key: string]: string };
  /**
   * Labels put on the stable pods while they are stable (ephemeral metadata).
   * @default - none
   */
  readonly stableLabels?: { [key: string]: string };
  /**
   * Annotations put on the stable pods while they are stable.
   * @default - none
   */
  readonly stableAnnotations?: { [key: string]: string };
  /**
   * Take the pod template from a running Deployment (`spec.workloadRef`) instead of defining one: the way to bring
   * a Deployment under canary releases without downtime (docs/migration.md). The Rollout then has no containers,
   * volumes or other pod settings of its own; they are the Deployment's.
   * @default - the Rollout has its own pod template
   */
  readonly workloadRef?: WorkloadRef;
  /**
   * Notifications of the release (Slack, webhooks, ...): subscriptions of the Rollout to triggers such as
   * `on-rollout-aborted`. Each trigger and service must be defined together in a notifications configuration the
   * controller reads for the Rollout (`NotificationsConfig` or `ExternalNotificationsConfig` in the app).
   * @default - none
   */
  readonly notifications?: RolloutNotification[];
  /**
   * Fast rollback: going back to one of the last `rollbackWindow` revisions whose ReplicaSet still exists (a revert
   * commit, `kubectl argo rollouts undo`) skips the steps and the analysis (`spec.rollbackWindow.revisions`).
   * Needs `revisionHistoryLimit` at least as large. See docs/rollback.md.
   * @default - none: going back to any revision but the stable one runs the whole release
   */
  readonly rollbackWindow?: number;
  /**
   * How many old ReplicaSets the controller keeps (`spec.revisionHistoryLimit`); older ones are deleted, and a
   * rollback to a deleted revision runs the whole release.
   * @default - Argo Rollouts' default (10)
   */
  readonly revisionHistoryLimit?: number;
}

/** Options of `ArgoRollout.referenceSecret()`. */
export interface SecretReferenceOptions {
  /**
   * The version of the Secret's content, for example the version an operator (external-secrets, sealed-secrets)
   * was given, or a rotation date. It is written into the pod template, so a new version is a new revision that
   * goes through the steps and analysis. Letters, digits, '-', '_' and '.', at most 63 characters.
   */
  readonly version: string;
}

/**
 * An Argo Rollouts `Rollout` (argoproj.io/v1alpha1) with a canary strategy driving an Istio subset-level
 * traffic split.
 *
 * The pod template is written with cdk8s-plus's API (containers, env, probes, resources, volumes, security
 * context, service account), exactly as for a `kplus.Deployment`. The library adds:
 * - the identity labels of the `IstioSubsets` as the selector;
 * - the version labels (`app.kubernetes.io/version`, `version`) from `version` or the image tag;
 * - the revision label `service.istio.io/canonical-revision` = `<version>-<hash of the pod template>`,
 *   which changes with every template change, also a configuration-only one, so that analysis queries can
 *   isolate the canary's traffic;
 * - sidecar injection, seccomp `RuntimeDefault` and dropped capabilities unless set otherwise.
 *
 * With `workloadRef` the pod template is a Deployment's: the library puts the version, revision and sidecar labels
 * on that Deployment's pod template instead.
 */
export class ArgoRollout extends kplus.Workload implements kplus.IScalable {
  /**
   * The default release: 10% → pause 5m → 30% → pause 5m → 50% → pause 5m → 100% → pause 5m.
   * Timed pauses make the release automatic; analysis decides whether it continues. The last pause
   * observes the canary at full traffic while stable is still there to take it back.
   */
  public static readonly DEFAULT_STEPS: CanaryStep[] = [
    CanaryStep.weight(10),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(30),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(50),
    CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.weight(100),
    CanaryStep.pause(Duration.minutes(5)),
  ];

  /** @see base.Resource.resourceType */
  public readonly resourceType = 'rollouts';
  /** The IstioSubsets the Rollout drives. */
  public readonly subsets: IstioSubsets;
  /**
   * Number of pods.
   * @default - none when an autoscaler owns the replicas
   */
  public get replicas(): number | undefined {
    return this.hasAutoscaler ? undefined : (this.props.replicas ?? this.props.workloadRef?.deployment.replicas ?? 2);
  }
  /** Whether an autoscaler owns the replicas. */
  public hasAutoscaler = false;
  /** Progress deadline. */
  public readonly progressDeadline: Duration;
  /**
   * The declared request rate, used by the rollout plan.
   * @default - none
   */
  public readonly expectedRequestsPerSecond?: number;
  /** Whether exceeding the progress deadline aborts the release. */
  public readonly progressDeadlineAbort: boolean;
  /** Minimum ready time of new pods. */
  public readonly minReady: Duration;
  /**
   * The workload the pod template comes from.
   * @default - the Rollout has its own pod template
   */
  public readonly workloadRef?: WorkloadRef;
  /** @see base.Resource.apiObject */
  protected readonly apiObject: ApiObject;
  private readonly _steps: CanaryStep[] = [];
  private readonly _notifications: RolloutNotification[] = [];
  private readonly props: ArgoRolloutProps;
  /** Secret name to version (`referenceSecret()`). */
  private readonly secretVersions = new Map<string, string>();
  private readonly secretRefs = new Map<string, kplus.ISecret>();
  /** Set while the Deployment's template is rendered to compute its revision (the revision label is then left out). */
  private renderingWorkload = false;

  constructor(scope: Construct, id: string, props: ArgoRolloutProps) {
    // containers are added below, once `version` is known (an image without tag needs a version)
    super(scope, id, { ...props, containers: undefined, select: false, spread: false });
    try {
      this.props = props;
      this.subsets = props.subsets;
      this.workloadRef = props.workloadRef;
      attachAppRules(this);
      const name = props.metadata?.name ?? props.subsets.serviceName;
      assertDnsLabel('metadata.name', name);
      if (props.metadata?.namespace && props.metadata.namespace !== props.subsets.namespace) {
        throw new Error(`'metadata.namespace' ("${props.metadata.namespace}") differs from the namespace of the IstioSubsets ("${props.subsets.namespace}"): `
          + 'Argo Rollouts reads the DestinationRule from the Rollout\'s own namespace. Put both in the same namespace');
      }
      assertNoRawSubscriptions(props.metadata?.annotations);
      checkChartNamespace(this, props);
      this.apiObject = new ApiObject(this, 'Resource', {
        ...ROLLOUT,
        metadata: {
          ...props.metadata,
          name,
          namespace: props.subsets.namespace,
          annotations: { ...WORKLOAD_ANNOTATIONS, ...props.metadata?.annotations },
        },
        spec: Lazy.any({ produce: () => this._toKube() }),
      });

      givePrerequisiteWave(props.serviceAccount);
      if (props.replicas !== undefined) assertIntInRange('replicas', props.replicas, 0, 10_000); // 0: scaled down (the plan notes PLAN014)
      if (props.dynamicStableScale && props.scaleDownDelay !== undefined) {
        throw new Error("'dynamicStableScale' cannot be used with 'scaleDownDelay' (Argo Rollouts refuses the combination): "
          + 'stable is already scaled down during the release; remove one of them');
      }
      this.progressDeadline = props.progressDeadline ?? Duration.seconds(600);
      this.minReady = props.minReady ?? Duration.seconds(0);
      this.progressDeadlineAbort = props.progressDeadlineAbort ?? true;
      const rps = props.expectedRequestsPerSecond;
      if (rps !== undefined && !(rps >= 0 && Number.isFinite(rps))) {
        throw new Error(`'expectedRequestsPerSecond' (${props.expectedRequestsPerSecond}) must be a finite number of requests per second, 0 or more`);
      }
      this.expectedRequestsPerSecond = props.expectedRequestsPerSecond;
      if (this.progressDeadline.toSeconds() <= this.minReady.toSeconds()) {
        throw new Error(`'progressDeadline' (${this.progressDeadline.toSeconds()}s) must be greater than 'minReady' (${this.minReady.toSeconds()}s)`);
      }
      if (props.canaryLabels) assertLabels('canaryLabels', props.canaryLabels);
      if (props.stableLabels) assertLabels('stableLabels', props.stableLabels);
      if (props.version !== undefined) assertLabelValue('version', CanaryLabels.VERSION, props.version);
      if (props.workloadRef) this.attachWorkload(props, props.workloadRef);
      assertRollbackWindow(props.rollbackWindow, props.revisionHistoryLimit);
      for (const c of props.containers ?? []) this.addContainer(c);
      for (const step of props.steps ?? ArgoRollout.DEFAULT_STEPS) this.addStep(step);
      for (const n of props.notifications ?? []) this.addNotification(n);
      addValidationOnce(this, () => this.validateRollout());
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /**
   * Whether a rule finding about this Rollout's object is already reported by the Rollout's own check: CR153 on a
   * subscription annotation written from 'notifications' (the Rollout's check knows every configuration of the app,
   * also those declared with ExternalNotificationsConfig, which the rules cannot see).
   *
   * @internal
   */
  public _ownsRuleFinding(code: string, path: string): boolean {
    if (code !== 'CR153') return false;
    return Object.keys(subscriptionAnnotations(this._notifications)).some(key => path === `metadata.annotations['${key}']`);
  }

  /** The release steps (a copy). */
  public get steps(): CanaryStep[] {
    return [...this._steps];
  }

  /** The Rollout name. */
  public get rolloutName(): string {
    return this.apiObject.name;
  }

  /**
   * The release name on the pods: `version`, else the image tag of the first container.
   */
  public get version(): string {
    if (this.props.version !== undefined) return this.props.version;
    const deployment = this.props.workloadRef?.deployment;
    const first = deployment ? deployment.containers[0] : this.containers[0];
    if (!first) {
      throw new Error(deployment
        ? `the Deployment "${deployment.name}" that rollout "${this.rolloutName}" takes its pod template from has no container: add one to the Deployment`
        : `rollout "${this.rolloutName}" has no container: call addContainer() or pass 'containers'`);
    }
    return versionOfImage(first.image);
  }

  /**
   * The revision label value of the current pod template: `<version>-<10 hex content hash>`. It changes
   * whenever anything in the pod template changes (with `workloadRef`: the Deployment's pod template).
   */
  public get revision(): string {
    return this.props.workloadRef ? this.workloadRevision(this.props.workloadRef)! : this.renderTemplate().revision;
  }

  /**
   * References a Secret that is created outside the manifests (by an operator such as external-secrets or
   * sealed-secrets, or by hand), by name, and writes its `version` into the pod template: a new version is a new
   * revision, so the pods that read the new content start as a canary. The values never appear in the manifests.
   *
   * For an abort to return to the old content, have the operator write each version under its own name and
   * reference that name; a Secret rotated in place also reaches the stable pods (docs/config-changes.md).
   *
   * @param name the Secret's name, in the Rollout's namespace
   * @param options the version of its content
   * @returns a reference for `kplus.EnvValue.fromSecretValue()`, `kplus.Env.fromSecret()` or `kplus.Volume.fromSecret()`
   */
  public referenceSecret(name: string, options: SecretReferenceOptions): kplus.ISecret {
    return withConstructPath(this, () => {
      assertDnsSubdomain('name', name);
      const version = options.version;
      if (typeof version !== 'string' || version.length === 0 || version.length > 63 || !LABEL_VALUE.test(version)) {
        throw new Error(`'version' ("${version}") of Secret "${name}" must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a `
          + 'letter or digit (for example "2026-11-03" or "v7")');
      }
      const known = this.secretVersions.get(name);
      if (known !== undefined && known !== version) {
        throw new Error(`Secret "${name}" is referenced with version "${version}", but it was referenced with version "${known}" before: `
          + 'the pods read one content of a Secret; reference it once, with its current version');
      }
      this.secretVersions.set(name, version);
      let ref = this.secretRefs.get(name);
      if (!ref) {
        ref = kplus.Secret.fromSecretName(this, `SecretRef-${name}`, name);
        this.secretRefs.set(name, ref);
      }
      return ref;
    });
  }

  /**
   * Adds a HorizontalPodAutoscaler (autoscaling/v2) that targets this Rollout; the Rollout then has no
   * `replicas` (Argo CD is told to ignore them).
   */
  public autoscale(options: RolloutAutoscalingOptions): kplus.HorizontalPodAutoscaler {
    return withConstructPath(this, () => {
      const hpa = new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata: {
          name: this.rolloutName,
          namespace: this.subsets.namespace,
          annotations: { ...WORKLOAD_ANNOTATIONS },
        },
        target: this,
        maxReplicas: options.maxReplicas,
        minReplicas: options.minReplicas ?? 2,
        metrics: options.metrics ?? [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
      });
      return hpa;
    });
  }

  /** @see kplus.IScalable.markHasAutoscaler() */
  public markHasAutoscaler(): void {
    withConstructPath(this, () => {
      if (this.props.replicas !== undefined) {
        throw new Error(`'replicas' (${this.props.replicas}) is set, but an autoscaler now owns the replicas of rollout "${this.rolloutName}": `
          + "remove 'replicas' (the autoscaler's minReplicas and maxReplicas bound them)");
      }
      this.hasAutoscaler = true;
    });
  }

  /** @see kplus.IScalable.toScalingTarget() */
  public toScalingTarget(): kplus.ScalingTarget {
    return {
      kind: this.apiObject.kind,
      apiVersion: this.apiObject.apiVersion,
      name: this.rolloutName,
      containers: this.containers,
      replicas: this.replicas,
    };
  }

  /**
   * Appends a step to the release.
   */
  public addStep(step: CanaryStep): void {
    withConstructPath(this, () => {
      if (step.kind === CanaryStepKind.SET_WEIGHT) {
        let previous: CanaryStep | undefined; // the last weight step so far
        for (let i = this._steps.length - 1; i >= 0 && previous === undefined; i--) {
          if (this._steps[i].kind === CanaryStepKind.SET_WEIGHT) previous = this._steps[i];
        }
        if (previous && step.trafficWeight! <= previous.trafficWeight!) {
          throw new Error(`canary step ${this._steps.length}: weight ${step.trafficWeight} must be greater than the previous weight (${previous.trafficWeight}): `
            + 'weights only grow during a release; to send traffic back to stable, abort the rollout');
        }
      }
      this._steps.push(step);
    });
  }

  /**
   * Subscribes the Rollout to a notification (`notifications.argoproj.io/subscribe.<trigger>.<service>` annotation).
   * Subscriptions to the same trigger and service are merged into one annotation.
   */
  public addNotification(notification: RolloutNotification): void {
    withConstructPath(this, () => {
      this._notifications.push(notification);
      const annotations = subscriptionAnnotations(this._notifications);
      for (const key of Object.keys(annotations)) this.apiObject.metadata.addAnnotation(key, annotations[key]);
    });
  }

  /** The notification subscriptions (a copy). */
  public get notifications(): RolloutNotification[] {
    return [...this._notifications];
  }

  /**
   * Adds a container; its image must be pinned by a tag (other than `latest`) or a digest.
   */
  public addContainer(cont: kplus.ContainerProps): kplus.Container {
    return withConstructPath(this, () => {
      this.assertOwnTemplate('addContainer()');
      assertPinnedImage('image', cont.image);
      // the first container names the release: check now that its tag can be a label value
      if (this.props.version === undefined && this.containers.length === 0) versionOfImage(cont.image);
      return super.addContainer(cont);
    });
  }

  /**
   * Adds an init container (not with `workloadRef`: the pod template is the Deployment's).
   */
  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    return withConstructPath(this, () => {
      this.assertOwnTemplate('addInitContainer()');
      return super.addInitContainer(cont);
    });
  }

  /**
   * Adds a volume (not with `workloadRef`: the pod template is the Deployment's).
   */
  public addVolume(vol: kplus.Volume): void {
    withConstructPath(this, () => {
      this.assertOwnTemplate('addVolume()');
      super.addVolume(vol);
    });
  }

  /**
   * The routes that header and mirror steps add and remove (`managedRoutes`), in order of first use.
   */
  public get managedRoutes(): string[] {
    const names: string[] = [];
    for (const st of this._steps) {
      if (st.routeName !== undefined && !names.includes(st.routeName)) names.push(st.routeName);
    }
    return names;
  }

  /**
   * The background analysis.
   * @default - none
   */
  public get analysis(): BackgroundAnalysisOptions | undefined {
    return this.props.analysis;
  }

  /** @internal */
  public _toKube(): argo.RolloutSpec {
    const ref = this.props.workloadRef;
    const { template, revision } = ref ? { template: undefined, revision: this.revision } : this.renderTemplate();
    const s = this.subsets;
    const wellKnown = this.wellKnownArgs(revision);
    const steps = this._steps.map(st => (st.kind === CanaryStepKind.ANALYSIS
      ? { analysis: renderAnalysis(st.analysisOptions!, wellKnown) } : st._toKube()));
    const bg = this.props.analysis;
    const analysis = bg ? { ...renderAnalysis(bg, wellKnown), ...(bg.startingStep ? { startingStep: bg.startingStep } : {}) } : undefined;
    const canary: any = {
      steps: undefinedIfEmpty(steps),
      analysis,
      trafficRouting: {
        istio: s._toRolloutIstio(),
        ...(this.managedRoutes.length > 0 ? { managedRoutes: this.managedRoutes.map(name => ({ name })) } : {}),
      },
      dynamicStableScale: this.props.dynamicStableScale || undefined,
      antiAffinity: this.props.antiAffinity?._toKube(),
      scaleDownDelaySeconds: this.props.scaleDownDelay?.toSeconds(),
      abortScaleDownDelaySeconds: this.props.abortScaleDownDelay?.toSeconds(),
      canaryMetadata: metadata(this.props.canaryLabels, this.props.canaryAnnotations),
      stableMetadata: metadata(this.props.stableLabels, this.props.stableAnnotations),
    };
    return {
      replicas: this.replicas,
      revisionHistoryLimit: this.props.revisionHistoryLimit,
      rollbackWindow: this.props.rollbackWindow !== undefined ? { revisions: this.props.rollbackWindow } : undefined,
      minReadySeconds: this.minReady.toSeconds() || undefined,
      progressDeadlineSeconds: this.progressDeadline.toSeconds(),
      progressDeadlineAbort: this.progressDeadlineAbort,
      selector: { matchLabels: s.subsetLabels },
      template: template as any,
      workloadRef: ref ? { apiVersion: 'apps/v1', kind: 'Deployment', name: ref.deployment.name, scaleDown: ref.scaleDown } : undefined,
      strategy: { canary },
    };
  }

  /** Renders the pod template with its labels and revision. */
  private renderTemplate(): { template: any; revision: string } {
    const spec = plainJson(kplus.k8s.toJson_PodSpec(this._toPodSpec()));
    applySecureDefaults(spec);
    const meta = this.podMetadata.toJson();
    const labels: { [k: string]: string } = { ...meta.labels };
    delete labels[kplus.Pod.ADDRESS_LABEL];
    const version = this.version;
    const name = labels[CanaryLabels.NAME] ?? this.subsets.serviceName;
    const inject = labels[CanaryLabels.SIDECAR_INJECT] ?? 'true';
    Object.assign(labels, this.subsets.subsetLabels);
    labels[CanaryLabels.NAME] = name;
    labels[CanaryLabels.VERSION] = version;
    labels[CanaryLabels.ISTIO_VERSION] = version;
    labels[CanaryLabels.SIDECAR_INJECT] = inject;
    delete labels[CanaryLabels.REVISION];
    const annotations = undefinedIfEmpty({ ...meta.annotations, ...this.secretAnnotation() } as { [k: string]: string });
    const revision = revisionValue(version, podTemplateHash({ metadata: { labels, annotations }, spec }));
    labels[CanaryLabels.REVISION] = revision;
    return { template: { metadata: { labels, annotations }, spec }, revision };
  }

  /** The annotation with the versions of the referenced Secrets (none when there is none). */
  private secretAnnotation(): { [k: string]: string } {
    return this.secretVersions.size === 0 ? {} : { [SECRET_VERSIONS_ANNOTATION]: secretVersionsValue(this.secretVersions) };
  }

  /** Throws when the Rollout takes its pod template from a workload (`workloadRef`). */
  private assertOwnTemplate(call: string): void {
    const ref = this.props?.workloadRef;
    if (ref) throw ownTemplateError(call, ref, this.rolloutName);
  }

  /** With `workloadRef`: checks the props and the Deployment, and labels the Deployment's pod template. */
  private attachWorkload(props: ArgoRolloutProps, ref: WorkloadRef): void {
    checkWorkloadRef(props, ref, this.rolloutName, this.subsets.namespace);
    labelWorkloadTemplate(ref, {
      version: () => this.version,
      revision: () => this.workloadRevision(ref),
      secretVersions: () => this.secretAnnotation()[SECRET_VERSIONS_ANNOTATION],
    });
  }

  /**
   * The revision of the Deployment's pod template, from its final JSON without the revision label (which is being
   * rendered when this runs from that label: the inner render leaves it out).
   */
  private workloadRevision(ref: WorkloadRef): string | undefined {
    if (this.renderingWorkload) return undefined;
    this.renderingWorkload = true;
    try {
      return revisionValue(this.version, podTemplateHash(workloadTemplateJson(ref)));
    } finally {
      this.renderingWorkload = false;
    }
  }

  /** The Rollout's checks over the finished tree: a container, the analysis wiring, the route steps, the starting step. */
  private validateRollout(): string[] {
    const ref = this.props.workloadRef;
    const error = ref ? workloadTemplateError(this, ref)
      : this.containers.length === 0 ? 'the Rollout has no container: pass \'containers\' or call addContainer()' : undefined;
    if (error) return [error];
    return [...this.checkAnalyses(), ...this.checkRouteSteps(), ...this.checkStartingStep(),
      ...checkSubscriptions(this.subsets.namespace, this._notifications, this._notifications.length > 0 ? notificationsConfigs(this) : [])];
  }

  /** The wiring of every step analysis and of the background analysis (templates, arguments, dry-run metrics). */
  private checkAnalyses(): string[] {
    const steps = this._steps.flatMap((st, i) => (st.kind === CanaryStepKind.ANALYSIS ? checkAnalysis(`step ${i} analysis`, st.analysisOptions!) : []));
    const bg = this.props.analysis;
    return [...steps, ...(bg ? checkAnalysis('background analysis', bg) : [])];
  }

  /**
   * Header and mirror routes: one kind per name, removed only after being added. (A step route with the name of a
   * weighted route is the rules' to report, CR116.)
   */
  private checkRouteSteps(): string[] {
    const errors: string[] = [];
    const active = new Map<string, CanaryStepKind>();
    this._steps.forEach((st, i) => {
      if (st.routeName === undefined) return;
      const removes = st._toKube()[st.kind].match === undefined;
      const other = active.get(st.routeName);
      if (other !== undefined && other !== st.kind) {
        errors.push(`step ${i}: route "${st.routeName}" is used both by ${other} and ${st.kind} steps: give header and mirror routes different names`);
      }
      if (removes && other === undefined) {
        errors.push(`step ${i}: removes route "${st.routeName}", which no earlier step adds: fix the name or remove the step`);
      }
      active.set(st.routeName, st.kind);
    });
    return errors;
  }

  /** The background analysis starts at a step that exists. */
  private checkStartingStep(): string[] {
    const start = this.props.analysis?.startingStep;
    if (start === undefined || (Number.isInteger(start) && start >= 0 && start < Math.max(this._steps.length, 1))) return [];
    return [`'analysis.startingStep' (${start}) must be the index of a step, between 0 and ${Math.max(this._steps.length - 1, 0)}`];
  }

  /** The values of the arguments the Rollout supplies itself (`CanaryArgs`), for a pod template of revision `revision`. */
  private wellKnownArgs(revision: string): WellKnownArgValues {
    return {
      [CanaryArgs.SERVICE_NAME]: AnalysisArg.fromValue(CanaryArgs.SERVICE_NAME, this.subsets.serviceName),
      [CanaryArgs.NAMESPACE]: AnalysisArg.fromValue(CanaryArgs.NAMESPACE, this.subsets.namespace),
      [CanaryArgs.CANARY_REVISION]: AnalysisArg.fromValue(CanaryArgs.CANARY_REVISION, revision),
      [CanaryArgs.CANARY_POD_TEMPLATE_HASH]: AnalysisArg.fromPodTemplateHash(CanaryArgs.CANARY_POD_TEMPLATE_HASH, PodTemplateHashValue.LATEST),
      [CanaryArgs.STABLE_POD_TEMPLATE_HASH]: AnalysisArg.fromPodTemplateHash(CanaryArgs.STABLE_POD_TEMPLATE_HASH, PodTemplateHashValue.STABLE),
    };
  }
}

/**
 * Throws unless the rollback window fits in the revision history: the controller deletes all but the newest
 * `revisionHistoryLimit` old ReplicaSets (rollout/sync.go reconcileRevisionHistoryLimit), and a rollback is fast only
 * to a ReplicaSet that still exists (isRollbackWithinWindow compares creation times of existing ReplicaSets).
 */
function assertRollbackWindow(window: number | undefined, historyLimit: number | undefined): void {
  if (historyLimit !== undefined) assertIntInRange('revisionHistoryLimit', historyLimit, 0, 2_147_483_647);
  if (window === undefined) return;
  assertIntInRange('rollbackWindow', window, 1, 2_147_483_647, 'the number of previous revisions a rollback to skips the steps and analysis');
  const history = historyLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
  if (window > history) {
    throw new Error(`'rollbackWindow' (${window}) is larger than the revision history ('revisionHistoryLimit' ${history}${historyLimit === undefined ? ", Argo Rollouts' default" : ''}): `
      + `the controller deletes all but the ${history} newest old ReplicaSets, so a rollback to an older revision creates a new ReplicaSet and runs the whole release. `
      + `Set 'revisionHistoryLimit' to at least ${window}, or ${history === 0 ? "remove 'rollbackWindow'" : `lower 'rollbackWindow' to ${history}`}`);
  }
}

/** Throws when subscription annotations are given by hand: they go through `notifications`, which checks them. */
function assertNoRawSubscriptions(annotations: { [key: string]: string } | undefined): void {
  for (const key of Object.keys(annotations ?? {})) {
    if (parseSubscriptionKey(key) !== undefined || key === SUBSCRIPTIONS_ANNOTATION) {
      throw new Error(`'metadata.annotations' has the notification subscription "${key}": subscribe with 'notifications' `
        + '(RolloutNotification.onRolloutAborted(service.to(...)), ...) instead, so that the trigger and the service are checked to exist');
    }
  }
}

/**
 * A Rollout in a chart of another namespace than its IstioSubsets: it would land in the subsets' namespace (Argo Rollouts
 * reads the DestinationRule from the Rollout's own namespace), not in the chart's, without a word.
 */
function checkChartNamespace(rollout: ArgoRollout, props: ArgoRolloutProps): void {
  const chart = Chart.of(rollout);
  if (props.metadata?.namespace !== undefined || chart.namespace === undefined || chart.namespace === props.subsets.namespace) return;
  throw new Error(`the ArgoRollout is in chart "${chart.node.path}" of namespace "${chart.namespace}", but its 'subsets' `
    + `(${props.subsets.node.path}) are in namespace "${props.subsets.namespace}": Argo Rollouts reads the DestinationRule and VirtualService from the `
    + `Rollout's own namespace, so the Rollout would be written to "${props.subsets.namespace}", not to the chart's namespace. Create both in one `
    + `namespace: give the IstioSubsets 'namespace: "${chart.namespace}"', or create the ArgoRollout in a chart of namespace `
    + `"${props.subsets.namespace}" (or set its 'metadata.namespace' to "${props.subsets.namespace}" to keep it there on purpose)`);
}

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The release name an image gives (its tag, else its short digest), checked to be a label value. */
function versionOfImage(image: string): string {
  const v = versionFromImage(parseImage(image));
  if (v === undefined) {
    throw new Error(`'image' ("${image}") has neither a tag nor a digest: pin it (for example "${image}:1.4.2")`);
  }
  if (v.length > 63 || !LABEL_VALUE.test(v)) {
    throw new Error(`the image tag "${v}" of "${image}" cannot be a Kubernetes label value (at most 63 characters, starting and ending `
      + "with a letter or digit): set 'version' to a short release name");
  }
  return v;
}

function metadata(labels?: { [k: string]: string }, annotations?: { [k: string]: string }): any {
  if (!labels && !annotations) return undefined;
  return { labels: undefinedIfEmpty(labels), annotations: undefinedIfEmpty(annotations) };
}

/** Seccomp RuntimeDefault for the pod and ALL capabilities dropped per container, unless set. */
function applySecureDefaults(spec: any): void {
  spec.securityContext = spec.securityContext ?? {};
  spec.securityContext.seccompProfile = spec.securityContext.seccompProfile ?? { type: 'RuntimeDefault' };
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    c.securityContext = c.securityContext ?? {};
    c.securityContext.capabilities = c.securityContext.capabilities ?? { drop: ['ALL'] };
  }
}

/** The JSON of a generated binding's output: IntOrString and Quantity objects as their value, undefined values left out. */
function plainJson(value: any): any {
  if (Array.isArray(value)) return value.map(plainJson);
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && (typeof value.value === 'string' || typeof value.value === 'number')) return value.value;
  const out: any = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = plainJson(v);
  }
  return out;
}
