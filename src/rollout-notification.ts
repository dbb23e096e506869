import { NotificationDestination } from './notification-destination';
import { nameProblem, subscriptionKeyProblem } from './private/notifications';

/**
 * A subscription of a Rollout to a notification trigger: the controller sends the trigger's templates to the
 * destinations when the trigger fires. It becomes the annotation
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>` on the Rollout.
 *
 * The `on...` methods subscribe to the triggers of Argo Rollouts' notifications catalog; `on()` to any other trigger
 * (one a `NotificationsConfig` defines with `NotificationTrigger`). At synth, every trigger and service must be
 * defined together in one configuration the controller reads for the Rollout (see `NotificationsConfig`).
 *
 * @example
 * RolloutNotification.onRolloutAborted(slack.to('#shop-releases'));
 */
export class RolloutNotification {
  /**
   * When the release is aborted (traffic back to stable): by an analysis, by `kubectl argo rollouts abort`, or by the
   * progress deadline. Trigger `on-rollout-aborted`.
   *
   * @param destinations services and recipients
   */
  public static onRolloutAborted(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-rollout-aborted', destinations);
  }

  /**
   * When an analysis run of the release fails (the release aborts). Trigger `on-analysis-run-failed`.
   *
   * @param destinations services and recipients
   */
  public static onAnalysisRunFailed(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-analysis-run-failed', destinations);
  }

  /**
   * When an analysis run errors: its measurements could not be taken (for example Prometheus is unreachable), and the
   * release aborts. Trigger `on-analysis-run-error`.
   *
   * @param destinations services and recipients
   */
  public static onAnalysisRunError(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-analysis-run-error', destinations);
  }

  /**
   * When an analysis run starts. Trigger `on-analysis-run-running`.
   *
   * @param destinations services and recipients
   */
  public static onAnalysisRunRunning(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-analysis-run-running', destinations);
  }

  /**
   * When the release completes and the new version is stable (also after a fast rollback). Trigger `on-rollout-completed`.
   *
   * @param destinations services and recipients
   */
  public static onRolloutCompleted(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-rollout-completed', destinations);
  }

  /**
   * When the release pauses (a pause step, an inconclusive analysis). Trigger `on-rollout-paused`.
   *
   * @param destinations services and recipients
   */
  public static onRolloutPaused(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-rollout-paused', destinations);
  }

  /**
   * When a step of the release completes. Trigger `on-rollout-step-completed`.
   *
   * @param destinations services and recipients
   */
  public static onRolloutStepCompleted(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-rollout-step-completed', destinations);
  }

  /**
   * When the Rollout is updated to a new revision (a release starts). Trigger `on-rollout-updated`.
   *
   * @param destinations services and recipients
   */
  public static onRolloutUpdated(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-rollout-updated', destinations);
  }

  /**
   * When the controller scales a ReplicaSet of the Rollout (frequent). Trigger `on-scaling-replica-set`.
   *
   * @param destinations services and recipients
   */
  public static onScalingReplicaSet(...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification('on-scaling-replica-set', destinations);
  }

  /**
   * Any trigger, by name: one a `NotificationsConfig` defines (`NotificationTrigger.of({ name, ... })`), or one the
   * cluster's configuration defines (`ExternalNotificationsConfig`).
   *
   * @param trigger the trigger name
   * @param destinations services and recipients
   */
  public static on(trigger: string, ...destinations: NotificationDestination[]): RolloutNotification {
    return new RolloutNotification(trigger, destinations);
  }

  /** The trigger name. */
  public readonly trigger: string;
  /** Where it sends (a copy). */
  public get destinations(): NotificationDestination[] {
    return [...this._destinations];
  }

  private constructor(trigger: string, private readonly _destinations: NotificationDestination[]) {
    const problem = nameProblem(trigger);
    if (problem) throw new Error(`RolloutNotification: the trigger "${trigger}" is not a trigger name: ${problem}`);
    if (_destinations.length === 0) {
      throw new Error(`RolloutNotification "${trigger}": no destination, so nobody is notified: pass at least one (for example slack.to('#channel'))`);
    }
    for (const d of _destinations) {
      const tooLong = subscriptionKeyProblem(trigger, d.service);
      if (tooLong) throw new Error(`RolloutNotification "${trigger}" to service "${d.service}": ${tooLong}. Shorten the trigger or the service name`);
    }
    this.trigger = trigger;
  }
}
