import { Construct } from 'constructs';
import { NotificationService } from './notification-service';
import { INotificationsConfig } from './notifications-config';
import { atConstructPath, withConstructPath } from './private/constructs/construct-path';
import { markNotificationsConfig } from './private/constructs/notifications';
import { assertDnsLabel } from './private/k8s';
import { CATALOG_TRIGGER_NAMES, DEFAULT_CONTROLLER_NAMESPACE, nameProblem, NOTIFICATIONS_CONFIGMAP } from './private/notifications';

/** Props of `ExternalNotificationsConfig`. */
export interface ExternalNotificationsConfigProps {
  /** The names of the services it defines (`service.<type>[.<name>]` keys: the name, or the type when no name is given). */
  readonly services: string[];
  /**
   * The names of the triggers it defines.
   * @default - the triggers of Argo Rollouts' notifications catalog (`NotificationsConfig.CATALOG_TRIGGERS`), as
   * `notifications-install.yaml` installs them
   */
  readonly triggers?: string[];
  /**
   * Namespace of the ConfigMap.
   * @default - the controller's namespace
   */
  readonly namespace?: string;
  /**
   * The namespace the Argo Rollouts controller runs in.
   * @default "argo-rollouts"
   */
  readonly controllerNamespace?: string;
}

/**
 * A notifications configuration that exists in the cluster but is not written by this app, typically the
 * controller's `argo-rollouts-notification-configmap` that the platform team installs from Argo Rollouts'
 * `notifications-install.yaml` and completes with its services. Nothing is synthesized: subscriptions are checked
 * against the services and triggers declared here, so declare what the cluster really has.
 *
 * @example
 * const cluster = new ExternalNotificationsConfig(chart, 'cluster-notifications', { services: ['slack'] });
 * RolloutNotification.onRolloutAborted(cluster.service('slack').to('#releases'));
 */
export class ExternalNotificationsConfig extends Construct implements INotificationsConfig {
  /** The namespace of the ConfigMap. */
  public readonly namespace: string;
  /** Whether it is in the controller's namespace (read for every Rollout). */
  public readonly controllerLevel: boolean;
  private readonly services: string[];
  private readonly triggers: string[];

  constructor(scope: Construct, id: string, props: ExternalNotificationsConfigProps) {
    super(scope, id);
    try {
      const controllerNamespace = props.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE;
      assertDnsLabel('controllerNamespace', controllerNamespace, 'a DNS-1123 label (a namespace name)');
      this.namespace = props.namespace ?? controllerNamespace;
      assertDnsLabel('namespace', this.namespace, 'a DNS-1123 label (a namespace name)');
      this.controllerLevel = this.namespace === controllerNamespace;
      this.services = checkedNames('services', props.services);
      this.triggers = checkedNames('triggers', props.triggers ?? [...CATALOG_TRIGGER_NAMES]);
      markNotificationsConfig(this, () => ({
        label: `ExternalNotificationsConfig ${this.namespace}/${NOTIFICATIONS_CONFIGMAP} (${this.node.path}, not written by this app)`,
        namespace: this.namespace,
        controllerLevel: this.controllerLevel,
        serviceNames: this.serviceNames,
        triggerNames: this.triggerNames,
      }));
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /** The names of the services. */
  public get serviceNames(): string[] {
    return [...this.services];
  }

  /** The names of the triggers. */
  public get triggerNames(): string[] {
    return [...this.triggers];
  }

  /**
   * One of the declared services, by name.
   *
   * @param name the service name
   */
  public service(name: string): NotificationService {
    return withConstructPath(this, () => {
      if (!this.services.includes(name)) {
        throw new Error(`ExternalNotificationsConfig declares no service "${name}" (its services: ${this.services.join(', ') || 'none'}): `
          + "declare it in 'services' if the cluster's configuration defines it, or fix the name");
      }
      return NotificationService.named(name);
    });
  }
}

function checkedNames(prop: string, names: string[]): string[] {
  for (const n of names) {
    const problem = nameProblem(n);
    if (problem) throw new Error(`ExternalNotificationsConfig: '${prop}' has "${n}": ${problem}`);
  }
  if (new Set(names).size !== names.length) throw new Error(`ExternalNotificationsConfig: '${prop}' lists a name twice (${names.join(', ')})`);
  if (prop === 'services' && names.length === 0) throw new Error("ExternalNotificationsConfig: 'services' is empty: declare the services the cluster's configuration defines");
  return [...names];
}
