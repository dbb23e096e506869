import * as kplus from 'cdk8s-plus-28';

/**
 * How the Argo Rollouts controller scales down the Deployment a Rollout takes its pod template from
 * (`spec.workloadRef.scaleDown`).
 *
 * The controller acts only while the Rollout is at its first revision (argo-rollouts `rollout/replicaset.go`,
 * `rollout/sync.go`): a Deployment scaled up again after that is never drained again (argo-rollouts#4935,
 * #4681). docs/migration.md says how the library keeps Argo CD from doing that.
 */
export enum WorkloadScaleDown {
  /** The controller never scales the Deployment down: set `drained: true` once the Rollout is healthy. */
  NEVER = 'never',
  /** The controller scales the Deployment to 0 once the Rollout is healthy (double capacity until then). */
  ON_SUCCESS = 'onsuccess',
  /**
   * The controller scales the Deployment down as Rollout pods become ready (Rollout replicas minus ready pods), and
   * back up if they stop being ready; to 0 once the Rollout is healthy.
   */
  PROGRESSIVELY = 'progressively',
}

/** Options of `WorkloadRef.fromDeployment()`. */
export interface DeploymentMigrationOptions {
  /**
   * How the controller scales the Deployment down during the migration.
   * @default WorkloadScaleDown.PROGRESSIVELY
   */
  readonly scaleDown?: WorkloadScaleDown;
  /**
   * The second step of the migration (docs/migration.md): set it once the Rollout is healthy and the Deployment has
   * no pods. The Deployment is then written with `replicas: 0`, so that no sync can scale it up again, and Argo CD
   * no longer ignores its replicas.
   *
   * While it is false the Deployment keeps the replicas it has in git and the Argo CD Application ignores them, so
   * that the controller's drain survives syncs that do not change the Deployment. Do not change the Deployment's
   * pod template (release) before this step: Argo CD would apply the Deployment with its replicas, and the
   * controller never drains it again after the first revision (argo-rollouts#4935).
   * @default false
   */
  readonly drained?: boolean;
}

/**
 * The workload a Rollout takes its pod template from (`spec.workloadRef`), for migrating a running Deployment to
 * canary releases without downtime: the Rollout starts its own pods next to the Deployment's, and the controller
 * scales the Deployment down.
 */
export class WorkloadRef {
  /**
   * A cdk8s-plus Deployment (apps/v1). Its pod template becomes the Rollout's: the library adds the version and
   * revision labels (and sidecar injection) to it, so the first synth changes the Deployment's template once.
   *
   * @param deployment the Deployment, in the Rollout's namespace, whose pod template carries the identity labels
   * @param options scale-down mode and migration step
   */
  public static fromDeployment(deployment: kplus.Deployment, options: DeploymentMigrationOptions = {}): WorkloadRef {
    return new WorkloadRef(deployment, options.scaleDown ?? WorkloadScaleDown.PROGRESSIVELY, options.drained ?? false);
  }

  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The scale-down mode. */
  public readonly scaleDown: WorkloadScaleDown;
  /** Whether the migration is finished (the Deployment is written with 0 replicas). */
  public readonly drained: boolean;

  private constructor(deployment: kplus.Deployment, scaleDown: WorkloadScaleDown, drained: boolean) {
    this.deployment = deployment;
    this.scaleDown = scaleDown;
    this.drained = drained;
  }
}
