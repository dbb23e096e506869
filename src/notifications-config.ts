import { ApiObject, Lazy, Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { NotificationService } from './notification-service';
import { NotificationTemplate } from './notification-template';
import { NotificationTrigger } from './notification-trigger';
import { atConstructPath, withConstructPath } from './private/constructs/construct-path';
import { resolveNamespace } from './private/constructs/namespace';
import { markNotificationsConfig, notificationsConfigs } from './private/constructs/notifications';
import { PREREQUISITES_ANNOTATIONS } from './private/constructs/wave-annotations';
import { assertDnsLabel } from './private/k8s';
import { CATALOG_TRIGGERS, CATALOG_TRIGGER_NAMES, DEFAULT_CONTROLLER_NAMESPACE, NOTIFICATIONS_CONFIGMAP } from './private/notifications';

/**
 * A notifications configuration of Argo Rollouts: the services, triggers and templates the controller reads for
 * the Rollouts of a namespace (or of the whole cluster). Subscriptions (`RolloutNotification`) are checked against
 * every configuration of the app.
 */
export interface INotificationsConfig extends IConstruct {
  /** The namespace of the configuration's ConfigMap. */
  readonly namespace: string;
  /**
   * Whether it is the controller's own configuration (in the controller's namespace), read for every Rollout;
   * otherwise it is read only for Rollouts of its namespace (self-service).
   */
  readonly controllerLevel: boolean;
  /** The names of its services. */
  readonly serviceNames: string[];
  /** The names of its triggers. */
  readonly triggerNames: string[];

  /**
   * One of its services, by name, to make destinations (`service('slack').to('#channel')`).
   *
   * @param name the service name
   */
  service(name: string): NotificationService;
}

/** Props of `NotificationsConfig`. */
export interface NotificationsConfigProps {
  /**
   * Namespace of the ConfigMap. In the controller's namespace it configures every Rollout of the cluster; in another
   * namespace only the Rollouts of that namespace, and only when the controller runs with
   * `--self-service-notification-enabled` (Argo Rollouts 1.6+).
   * @default - the chart's namespace, else "default"
   */
  readonly namespace?: string;
  /**
   * The namespace the Argo Rollouts controller runs in.
   * @default "argo-rollouts"
   */
  readonly controllerNamespace?: string;
  /**
   * The services (Slack, webhooks, ...).
   * @default - none; add them with `addService()`
   */
  readonly services?: NotificationService[];
  /**
   * Triggers besides the catalog ones, with their templates.
   * @default - none
   */
  readonly triggers?: NotificationTrigger[];
  /**
   * Define the triggers of Argo Rollouts' notifications catalog (`on-rollout-aborted`, `on-analysis-run-failed`,
   * ... see `NotificationsConfig.CATALOG_TRIGGERS`), each with a plain-text template of this library.
   * @default true
   */
  readonly catalogTriggers?: boolean;
}

/** The library's template of each catalog trigger: its name and message (the same for every service). */
const CATALOG_MESSAGES: { [trigger: string]: { template: string; message: string } } = {
  'on-analysis-run-error': { template: 'analysis-run-error', message: 'An analysis of rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} errored: its measurements could not be taken, so the release is aborted.' },
  'on-analysis-run-failed': { template: 'analysis-run-failed', message: 'An analysis of rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} failed: the release is aborted and traffic goes back to the stable version.' },
  'on-analysis-run-running': { template: 'analysis-run-running', message: 'An analysis of rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} started.' },
  'on-rollout-aborted': { template: 'rollout-aborted', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} was aborted: traffic is back on the stable version.{{with .rollout.status.message}} {{.}}{{end}}' },
  'on-rollout-completed': { template: 'rollout-completed', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} completed: the new version is stable.' },
  'on-rollout-paused': { template: 'rollout-paused', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} is paused.' },
  'on-rollout-step-completed': { template: 'rollout-step-completed', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} completed a step of its release.' },
  'on-rollout-updated': { template: 'rollout-updated', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} was updated: a new release starts.' },
  'on-scaling-replica-set': { template: 'scaling-replica-set', message: 'Rollout {{.rollout.metadata.namespace}}/{{.rollout.metadata.name}} scaled a ReplicaSet.' },
};

/**
 * The notifications configuration of Argo Rollouts as a ConfigMap (`argo-rollouts-notification-configmap`):
 * services, triggers and templates. Credentials are `$key` references to the `argo-rollouts-notification-secret`
 * Secret of the same namespace (`NotificationSecret`), which the library never writes.
 *
 * The controller reads the configuration in its own namespace for every Rollout, and, when started with
 * `--self-service-notification-enabled` (Argo Rollouts 1.6+), the one in a Rollout's namespace for that Rollout. It
 * runs each configuration on its own: a subscription works when one configuration defines both its trigger and its
 * service (a service defined in both sends twice).
 *
 * @example
 * const notifications = new NotificationsConfig(chart, 'notifications', {
 *   services: [NotificationService.slack({ token: NotificationSecret.key('slack-token') })],
 * });
 * new CanaryService(chart, 'shop', {
 *   image: 'ghcr.io/acme/shop:1.4.2',
 *   notifications: [RolloutNotification.onRolloutAborted(notifications.service('slack').to('#shop-releases'))],
 * });
 */
export class NotificationsConfig extends Construct implements INotificationsConfig {
  /** The name of the ConfigMap the controller reads. */
  public static readonly CONFIGMAP_NAME = NOTIFICATIONS_CONFIGMAP;
  /** The namespace the controller runs in by default. */
  public static readonly CONTROLLER_NAMESPACE = DEFAULT_CONTROLLER_NAMESPACE;
  /** The triggers of Argo Rollouts' notifications catalog (manifests/notifications-install.yaml, v1.9.1). */
  public static readonly CATALOG_TRIGGERS: string[] = [...CATALOG_TRIGGER_NAMES];

  /** The namespace of the ConfigMap. */
  public readonly namespace: string;
  /** Whether it is in the controller's namespace (read for every Rollout). */
  public readonly controllerLevel: boolean;
  /** The ConfigMap, for escape hatches. */
  public readonly configMap: ApiObject;
  private readonly services: NotificationService[] = [];
  private readonly triggers: NotificationTrigger[] = [];
  private readonly catalog: boolean;

  constructor(scope: Construct, id: string, props: NotificationsConfigProps = {}) {
    super(scope, id);
    try {
      this.namespace = resolveNamespace(this, props.namespace);
      const controllerNamespace = props.controllerNamespace ?? DEFAULT_CONTROLLER_NAMESPACE;
      assertDnsLabel('controllerNamespace', controllerNamespace, 'a DNS-1123 label (a namespace name)');
      this.controllerLevel = this.namespace === controllerNamespace;
      this.catalog = props.catalogTriggers ?? true;
      for (const s of props.services ?? []) this.addService(s);
      for (const t of props.triggers ?? []) this.addTrigger(t);
      this.configMap = new ApiObject(this, 'ConfigMap', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: NOTIFICATIONS_CONFIGMAP, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
        data: Lazy.any({ produce: () => this.renderData() }),
      });
      markNotificationsConfig(this, () => ({
        label: `NotificationsConfig ${this.namespace}/${NOTIFICATIONS_CONFIGMAP} (${this.node.path})`,
        namespace: this.namespace,
        controllerLevel: this.controllerLevel,
        serviceNames: this.serviceNames,
        triggerNames: this.triggerNames,
      }));
      this.node.addValidation({ validate: () => this.validateConfig() });
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /**
   * Whether a rule finding about this configuration's ConfigMap is already reported by its own check: CR308 on its
   * name, when another configuration of the app writes the ConfigMap of the same namespace.
   *
   * @internal
   */
  public _ownsRuleFinding(code: string, path: string): boolean {
    return code === 'CR308' && path === 'metadata.name'
      && notificationsConfigs(this).filter(c => c.namespace === this.namespace && c.scope instanceof NotificationsConfig).length > 1;
  }

  /** The names of the services. */
  public get serviceNames(): string[] {
    return this.services.map(s => s.name);
  }

  /** The names of the triggers: the catalog ones (unless `catalogTriggers` is false), then the others. */
  public get triggerNames(): string[] {
    return [...(this.catalog ? CATALOG_TRIGGER_NAMES : []), ...this.triggers.map(t => t.name)];
  }

  /**
   * Adds a service.
   *
   * @param service a service (not one made with `NotificationService.named()`)
   * @returns the service, to make destinations
   */
  public addService(service: NotificationService): NotificationService {
    return withConstructPath(this, () => {
      if (service._configKey() === undefined) {
        throw new Error(`NotificationsConfig: the service "${service.name}" is known by name only (NotificationService.named()), so it cannot be written: `
          + 'use NotificationService.slack(), webhook(), teams(), email() or custom(), or declare a service of the cluster with ExternalNotificationsConfig');
      }
      if (this.services.some(s => s.name === service.name)) {
        throw new Error(`NotificationsConfig: a second service is named "${service.name}": give each service its own 'name'`);
      }
      this.services.push(service);
      return service;
    });
  }

  /**
   * Adds a trigger (with its templates).
   *
   * @param trigger the trigger
   */
  public addTrigger(trigger: NotificationTrigger): void {
    withConstructPath(this, () => {
      if (this.triggerNames.includes(trigger.name)) {
        const why = CATALOG_TRIGGER_NAMES.includes(trigger.name) && this.catalog ? ' (a catalog trigger: set catalogTriggers to false to define it yourself)' : '';
        throw new Error(`NotificationsConfig: the trigger "${trigger.name}" is defined twice${why}: give the trigger another name`);
      }
      this.triggers.push(trigger);
    });
  }

  /**
   * One of the services, by name.
   *
   * @param name the service name
   */
  public service(name: string): NotificationService {
    return withConstructPath(this, () => {
      const found = this.services.find(s => s.name === name);
      if (!found) {
        throw new Error(`NotificationsConfig has no service "${name}" (its services: ${this.serviceNames.join(', ') || 'none'}): add it with addService() or fix the name`);
      }
      return found;
    });
  }

  /** The templates, by name: the catalog's, then those the triggers send (each template once). */
  private templates(): NotificationTemplate[] {
    const byName = new Map<string, NotificationTemplate>();
    if (this.catalog) {
      for (const t of CATALOG_TRIGGERS) {
        const c = CATALOG_MESSAGES[t.name];
        byName.set(c.template, NotificationTemplate.of({ name: c.template, message: c.message }));
      }
    }
    for (const trigger of this.triggers) {
      for (const t of trigger.templates) {
        const other = byName.get(t.name);
        if (other !== undefined && other !== t) {
          throw new Error(`NotificationsConfig ${this.node.path}: two different templates are named "${t.name}" (trigger "${trigger.name}")`
            + `${this.catalog && CATALOG_TRIGGERS.some(c => CATALOG_MESSAGES[c.name].template === t.name) ? ', one of them a catalog template' : ''}: give each template its own name`);
        }
        byName.set(t.name, t);
      }
    }
    return [...byName.values()];
  }

  /** The ConfigMap's data: `service.*`, `template.*` and `trigger.*`, each value YAML, keys sorted. */
  private renderData(): { [key: string]: string } {
    const data: { [key: string]: string } = {};
    for (const s of this.services) data[s._configKey()!] = yamlOf(s._toConfig());
    for (const t of this.templates()) data[`template.${t.name}`] = yamlOf(t._toConfig());
    if (this.catalog) {
      for (const t of CATALOG_TRIGGERS) data[`trigger.${t.name}`] = yamlOf([{ send: [CATALOG_MESSAGES[t.name].template] }]);
    }
    for (const t of this.triggers) data[`trigger.${t.name}`] = yamlOf(t._toConfig());
    const sorted: { [key: string]: string } = {};
    for (const k of Object.keys(data).sort()) sorted[k] = data[k];
    return sorted;
  }

  /** A configuration sends something, its webhook requests name its webhooks, and it is the only one in its namespace. */
  private validateConfig(): string[] {
    const errors: string[] = [];
    if (this.services.length === 0) {
      errors.push('the configuration defines no service, so the controller cannot send anything through it: add a NotificationService');
    }
    const webhooks = this.services.filter(s => s.serviceType === 'webhook').map(s => s.name);
    for (const t of this.templates()) {
      const named = Object.keys((t._toConfig().webhook ?? {}) as object).filter(n => !webhooks.includes(n));
      if (named.length > 0) {
        errors.push(`the template "${t.name}" has a request for the webhook service${named.length > 1 ? 's' : ''} ${named.map(n => `"${n}"`).join(', ')}, `
          + `which this configuration does not define (its webhooks: ${webhooks.join(', ') || 'none'}): fix the name or add the service`);
      }
    }
    const same = notificationsConfigs(this).filter(c => c.namespace === this.namespace);
    // reported once, by the first configuration of the namespace that the app writes (an external one has no check)
    if (same.length > 1 && same.find(c => c.scope instanceof NotificationsConfig)?.scope === this) {
      errors.push(`${same.length} notifications configurations are in namespace "${this.namespace}" (${same.map(c => c.label).join('; ')}), `
        + `but the controller reads one ConfigMap "${NOTIFICATIONS_CONFIGMAP}" per namespace: keep one`);
    }
    return errors;
  }
}

/** An object as the YAML text of a ConfigMap value, without undefined fields. */
function yamlOf(value: any): string {
  return Yaml.stringify(JSON.parse(JSON.stringify(value)));
}
