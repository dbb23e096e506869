// CR150-CR154 (Argo Rollouts notifications) and CR315-CR316 (secrets of the notifications configuration): the
// subscription annotations of Rollouts and the `argo-rollouts-notification-configmap` ConfigMaps, as the controller
// and notifications-engine read them (see private/notifications.ts for the upstream files).
import { arr, Context, Obj, show } from './_context';
import {
  DEFAULT_CONTROLLER_NAMESPACE, inlineCredential, NOTIFICATIONS_CONFIGMAP, NOTIFICATIONS_SECRET, NotificationsConfigData,
  parseRecipients, parseSubscriptionKey, readNotificationsConfig, settingStrings, SUBSCRIBE_PREFIX, SUBSCRIPTIONS_ANNOTATION,
} from '../private/notifications';

/** A notifications ConfigMap of the set, read once. */
interface ConfigOf {
  readonly obj: Obj;
  readonly data: NotificationsConfigData;
}

export function checkNotifications(ctx: Context): void {
  const configs: ConfigOf[] = ctx.ofKind('ConfigMap').filter(o => o.name === NOTIFICATIONS_CONFIGMAP)
    .map(obj => ({ obj, data: readNotificationsConfig(obj.raw.data) }));
  for (const c of configs) {
    checkConfigKeys(ctx, c);
    checkTemplatesSent(ctx, c);
    checkInlineCredentials(ctx, c);
  }
  for (const ro of ctx.ofKind('Rollout')) {
    checkSubscriptionKeys(ctx, ro, configs);
    checkSubscriptionsDefined(ctx, ro, configs);
    checkMisplacedSubscriptions(ctx, ro);
  }
  checkSecretValues(ctx);
}

/** The subscriptions of a Rollout: its annotations of the `subscribe.` form, in key order. */
function subscriptions(ro: Obj): Array<{ key: string; value: unknown }> {
  const annotations = ro.raw.metadata?.annotations ?? {};
  return Object.keys(annotations).filter(k => k.startsWith(SUBSCRIBE_PREFIX)).sort().map(key => ({ key, value: annotations[key] }));
}

/** The configurations of the set the controller reads for a Rollout: its namespace's and the controller's (default namespace). */
function visible(ro: Obj, configs: ConfigOf[]): ConfigOf[] {
  return configs.filter(c => c.obj.namespace === ro.namespace || c.obj.namespace === DEFAULT_CONTROLLER_NAMESPACE);
}

const annotationPath = (key: string) => `metadata.annotations['${key}']`;
const dataPath = (key: string) => `data['${key}']`;

// CR150
function checkSubscriptionKeys(ctx: Context, ro: Obj, configs: ConfigOf[]): void {
  for (const { key, value } of subscriptions(ro)) {
    const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
    if (parts.length === 1 && parts[0] !== '') continue; // a service alone: its default triggers
    const problem = parts.length === 1 || parts[1] === '' ? 'names no service'
      : parts[0] === '' ? 'names no trigger'
        : parts.length > 2 ? `has more than two parts: the controller splits it on '.', reads the trigger ${show(parts[0])} and the service ${show(parts[1])} and ignores ${show(`.${parts.slice(2).join('.')}`)}`
          : undefined;
    if (problem) {
      ctx.report('CR150', ro, annotationPath(key), `the subscription ${show(key)} ${problem}, so the controller does not send what it says`,
        `write the key as "${SUBSCRIBE_PREFIX}<trigger>.<service>", names without '.' (a service defined as "service.<type>.<name>" is named <name>; `
        + `for example "${SUBSCRIBE_PREFIX}on-rollout-aborted.slack")`);
      continue;
    }
    if (typeof value !== 'string' || parseRecipients(value).length > 0) continue;
    const service = visible(ro, configs).flatMap(c => c.data.services).find(s => s.name === parts[1]);
    if (service && service.type !== 'webhook') {
      ctx.report('CR150', ro, annotationPath(key),
        `the subscription lists no recipient (${show(value)}), but the ${service.type} service ${show(service.name)} sends to recipients, so nothing arrives`,
        'list the recipients separated by \';\' (for example "#releases;#oncall")');
    }
  }
}

// CR151
function checkConfigKeys(ctx: Context, c: ConfigOf): void {
  for (const { key, problem } of c.data.problems) {
    ctx.report('CR151', c.obj, dataPath(key),
      `${problem}; the controller then cannot read this configuration at all (ParseConfig or NewAPI fails) and sends no notification from it`,
      'fix the value, or remove the key');
  }
}

// CR152
function checkTemplatesSent(ctx: Context, c: ConfigOf): void {
  for (const t of c.data.triggers) {
    for (const name of [...new Set(t.sends.flat())]) {
      if (c.data.templates.includes(name)) continue;
      ctx.report('CR152', c.obj, dataPath(t.key),
        `the trigger ${show(t.name)} sends the template ${show(name)}, which this ConfigMap does not define (the controller fails with "template '${name}' is not supported")`,
        `add "template.${name}" to the same ConfigMap, or fix the name (its templates: ${c.data.templates.map(n => show(n)).join(', ') || 'none'})`);
    }
  }
}

// CR153
function checkSubscriptionsDefined(ctx: Context, ro: Obj, configs: ConfigOf[]): void {
  const seen = visible(ro, configs);
  if (seen.length === 0) return; // the configurations are outside the set: cannot check
  for (const { key } of subscriptions(ro)) {
    const { trigger, service, ignored } = parseSubscriptionKey(key)!;
    if (trigger === '' || service === '' || ignored.length > 0) continue; // CR150, or the service's default triggers
    const both = seen.some(c => c.data.triggers.some(t => t.name === trigger) && c.data.services.some(s => s.name === service));
    if (both) continue;
    const defined = seen.map(c => `${c.obj.label} defines the triggers ${names(c.data.triggers.map(t => t.name))} and the services ${names(c.data.services.map(s => s.name))}`);
    ctx.report('CR153', ro, annotationPath(key),
      `no notifications ConfigMap of the manifest set that the controller reads for this Rollout defines both the trigger ${show(trigger)} and the service ${show(service)} `
      + `(${defined.join('; ')}); unless the cluster has another configuration that does, the controller logs "trigger '${trigger}' is not configured" `
      + `or "notification service '${service}' is not supported" and sends nothing`,
      `define the trigger and the service in one ConfigMap "${NOTIFICATIONS_CONFIGMAP}" (in namespace ${show(ro.namespace)}, or in the controller's), or fix the names`);
  }
}

function names(list: string[]): string {
  return list.length === 0 ? 'none' : list.map(n => show(n)).join(', ');
}

/** Where in a Rollout subscription annotations have no effect: pod metadata. */
const POD_METADATA = ['spec.template.metadata', 'spec.strategy.canary.canaryMetadata', 'spec.strategy.canary.stableMetadata'];

// CR154
function checkMisplacedSubscriptions(ctx: Context, ro: Obj): void {
  for (const path of POD_METADATA) {
    let value: any = ro.raw;
    for (const part of path.split('.')) value = value?.[part];
    const annotations = value?.annotations;
    if (!annotations || typeof annotations !== 'object') continue;
    for (const key of Object.keys(annotations).sort()) {
      if (!key.startsWith(SUBSCRIBE_PREFIX) && key !== SUBSCRIPTIONS_ANNOTATION) continue;
      ctx.report('CR154', ro, `${path}.annotations['${key}']`,
        `the subscription ${show(key)} is on the pods' metadata, but the controller reads subscriptions from the Rollout's own annotations only, so it sends nothing for it`,
        'move the annotation to the Rollout\'s metadata.annotations (with cdk8s-canary: the \'notifications\' prop)');
    }
  }
}

// CR315
function checkInlineCredentials(ctx: Context, c: ConfigOf): void {
  for (const s of c.data.services) {
    for (const str of settingStrings(s.settings ?? {})) {
      const why = inlineCredential(str.path, str.value, str.headerName);
      if (!why) continue;
      ctx.report('CR315', c.obj, `${dataPath(s.key)}.${str.path}`,
        `the service ${show(s.name)} has a credential written inline: ${why}, and the manifests go to git`,
        `put the value in the Secret "${NOTIFICATIONS_SECRET}" (namespace ${show(c.obj.namespace)}, created outside git) and write "$<key>" here (with cdk8s-canary: NotificationSecret.key('<key>'))`);
    }
  }
}

// CR316
function checkSecretValues(ctx: Context): void {
  for (const secret of ctx.ofKind('Secret')) {
    if (secret.name !== NOTIFICATIONS_SECRET) continue;
    for (const field of ['data', 'stringData']) {
      const keys = Object.keys(secret.raw[field] ?? {});
      if (keys.length === 0) continue;
      ctx.report('CR316', secret, field,
        `the notifications Secret holds values (${arr(keys).map(k => show(k)).join(', ')}) in the manifests, which go to git`,
        'create the Secret outside git (External Secrets, Sealed Secrets, or kubectl create secret generic) and remove it from the manifests');
    }
  }
}
