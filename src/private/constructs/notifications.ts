// The notifications of the constructs: how a Rollout's subscriptions become its annotations, and the check that every
// subscribed trigger and service is defined together in a configuration the controller reads for the Rollout.
// Not exported from the package.
import { IConstruct } from 'constructs';
import type { RolloutNotification } from '../../rollout-notification';
import { formatRecipients, parseRecipients, subscriptionKey } from '../notifications';
import { findAll } from '../synth/context';

/** Marks the constructs that are notifications configurations (NotificationsConfig, ExternalNotificationsConfig). */
const CONFIG_MARK = Symbol.for('cdk8s-canary.notifications-config');

/** What the subscription check needs to know of a configuration. */
export interface NotificationsConfigView {
  /** `NotificationsConfig shop/argo-rollouts-notification-configmap` and the construct path, for messages. */
  readonly label: string;
  readonly namespace: string;
  /** In the controller's namespace: read for every Rollout. Otherwise read only for Rollouts of its namespace. */
  readonly controllerLevel: boolean;
  readonly serviceNames: string[];
  readonly triggerNames: string[];
  /** The construct. */
  readonly scope: IConstruct;
}

/** Registers a construct as a notifications configuration that `view` describes (at validation time). */
export function markNotificationsConfig(scope: IConstruct, view: () => Omit<NotificationsConfigView, 'scope'>): void {
  Object.defineProperty(scope, CONFIG_MARK, { value: () => ({ ...view(), scope }) });
}

/**
 * The configuration constructs of each construct list: during a synth `findAll(root)` returns the same list for the
 * whole synth, so the app is searched once however many Rollouts subscribe; outside a synth every call gets a new list.
 */
const CONFIGS_OF_LIST = new WeakMap<IConstruct[], IConstruct[]>();

/** The notifications configurations of the app of `scope`, in construct-tree order. */
export function notificationsConfigs(scope: IConstruct): NotificationsConfigView[] {
  const all = findAll(scope.node.root);
  let configs = CONFIGS_OF_LIST.get(all);
  if (!configs) {
    configs = all.filter(c => (c as any)[CONFIG_MARK]);
    CONFIGS_OF_LIST.set(all, configs);
  }
  return configs.map(c => (c as any)[CONFIG_MARK]());
}

/** The configurations the controller reads for a Rollout of `namespace`: its namespace's (self-service) and the controller's. */
export function visibleConfigs(namespace: string, configs: NotificationsConfigView[]): NotificationsConfigView[] {
  return configs.filter(c => c.controllerLevel || c.namespace === namespace);
}

/**
 * The subscription annotations of a Rollout: one key per trigger and service, the recipients of every subscription to
 * it in order of first appearance, each once.
 */
export function subscriptionAnnotations(notifications: readonly RolloutNotification[]): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const n of notifications) {
    for (const d of n.destinations) {
      const key = subscriptionKey(n.trigger, d.service);
      const recipients = out[key] === undefined ? [] : parseRecipients(out[key]);
      for (const r of d.recipients) if (!recipients.includes(r)) recipients.push(r);
      out[key] = formatRecipients(recipients);
    }
  }
  return out;
}

/**
 * The errors of a Rollout's subscriptions: the controller runs a trigger and sends through a service per
 * configuration (argo-rollouts utils/record/record.go sendNotifications), so a subscription works only when one
 * configuration it reads for the Rollout defines both ("trigger '...' is not configured", "notification service
 * '...' is not supported" otherwise).
 */
export function checkSubscriptions(namespace: string, notifications: readonly RolloutNotification[], configs: NotificationsConfigView[]): string[] {
  if (notifications.length === 0) return [];
  const visible = visibleConfigs(namespace, configs);
  if (visible.length === 0) {
    const elsewhere = configs.length === 0 ? 'the app defines none' : `the app's (${configs.map(c => c.label).join('; ')}) are for other namespaces`;
    return [`'notifications': the Rollout subscribes to notifications, but no notifications configuration is read for namespace "${namespace}" (${elsewhere}), `
      + 'so the controller sends nothing. Add a NotificationsConfig with the services (in this namespace, or in the controller\'s), '
      + 'or declare the cluster\'s configuration with ExternalNotificationsConfig'];
  }
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const n of notifications) {
    for (const d of n.destinations) {
      const key = `${n.trigger}.${d.service}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (visible.some(c => c.triggerNames.includes(n.trigger) && c.serviceNames.includes(d.service))) continue;
      errors.push(subscriptionError(n.trigger, d.service, visible));
    }
  }
  return errors;
}

function subscriptionError(trigger: string, service: string, visible: NotificationsConfigView[]): string {
  const withTrigger = visible.filter(c => c.triggerNames.includes(trigger));
  const withService = visible.filter(c => c.serviceNames.includes(service));
  const defined = visible.map(c => `${c.label} defines the triggers ${list(c.triggerNames)} and the services ${list(c.serviceNames)}`).join('; ');
  let what: string;
  let fix: string;
  if (withTrigger.length === 0 && withService.length === 0) {
    what = `neither the trigger "${trigger}" nor the service "${service}" is defined`;
    fix = 'define both in one of them (a NotificationTrigger and a NotificationService), or fix the names';
  } else if (withTrigger.length === 0) {
    what = `the trigger "${trigger}" is not defined (the controller logs "trigger '${trigger}' is not configured" and sends nothing)`;
    fix = `define the trigger in ${withService.map(c => c.label).join(' or ')}, next to the service, or subscribe to a defined trigger`;
  } else if (withService.length === 0) {
    what = `the service "${service}" is not defined (the controller logs "notification service '${service}' is not supported")`;
    fix = `add the service to ${withTrigger.map(c => c.label).join(' or ')}, next to the trigger, or use a defined service`;
  } else {
    what = `the trigger "${trigger}" and the service "${service}" are defined, but not in the same configuration, and the controller `
      + 'runs a trigger and sends through a service within one configuration';
    fix = `define both in ${withService.map(c => c.label).join(' or ')}`;
  }
  return `'notifications': the subscription to "${trigger}" through "${service}" cannot be sent: ${what}. `
    + `The configurations read for this Rollout: ${defined}. Fix: ${fix}`;
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map(n => `"${n}"`).join(', ');
}
