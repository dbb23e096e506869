// Bad inputs and near misses of the operations rules: notifications (CR150-CR154, CR315-CR316) and the rollback window
// (CR317). Each a mutation of the valid baseline of canary-fixture.ts; cases.ts adds them to its lists.
import type { BadCase, GoodCase } from './cases';
import { get, NS } from '../support/canary-fixture';

const ro = (m: any[]) => get(m, 'Rollout');
const SUBSCRIBE = 'notifications.argoproj.io/subscribe.';

/** A valid notifications ConfigMap: a Slack service, the aborted trigger and its template. */
export function notificationsConfigMap(namespace = NS): any {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argo-rollouts-notification-configmap', namespace },
    data: {
      'service.slack': 'token: $slack-token\nusername: releases\n',
      'service.webhook.deploy-log': 'url: https://deploy-log.example.com/events\nheaders:\n  - name: Authorization\n    value: Bearer $deploy-log-token\n',
      'template.rollout-aborted': 'message: Rollout {{.rollout.metadata.name}} was aborted\n',
      'trigger.on-rollout-aborted': '- send: [rollout-aborted]\n',
    },
  };
}

/** Adds the notifications ConfigMap (in `namespace`) and a subscription annotation to the Rollout. */
function subscribe(m: any[], key: string, value: string, namespace = NS): void {
  m.push(notificationsConfigMap(namespace));
  const meta = ro(m).metadata;
  meta.annotations = { ...meta.annotations, [key]: value };
}

const config = (m: any[]) => m.find(o => o.kind === 'ConfigMap');

/** Adds the notifications ConfigMap with `key` set to `value`. */
const withData = (key: string, value: string) => (m: any[]) => { m.push(notificationsConfigMap()); config(m).data[key] = value; };

export const OPERATIONS_BAD: BadCase[] = [
  {
    name: 'a subscription names a service as type and name',
    code: 'CR150',
    mutate: m => subscribe(m, `${SUBSCRIBE}on-rollout-aborted.webhook.deploy-log`, ''),
    message: /reads the trigger "on-rollout-aborted" and the service "webhook" and ignores "\.deploy-log"/,
    path: `metadata.annotations['${SUBSCRIBE}on-rollout-aborted.webhook.deploy-log']`,
    object: 'Rollout shop/shop',
  },
  {
    name: 'a subscription names no service',
    code: 'CR150',
    mutate: m => subscribe(m, `${SUBSCRIBE}on-rollout-aborted.`, '#releases'),
    message: /names no service/,
  },
  {
    name: 'a subscription to a Slack service lists no recipient',
    code: 'CR150',
    mutate: m => subscribe(m, `${SUBSCRIBE}on-rollout-aborted.slack`, ' ; '),
    message: /lists no recipient \(" ; "\), but the slack service "slack" sends to recipients/,
  },
  {
    name: 'a notifications ConfigMap has a service of an unknown type',
    code: 'CR151',
    mutate: withData('service.hipchat', 'token: $hipchat-token\n'),
    message: /the service type "hipchat" is not one the controller knows .*cannot read this configuration at all/,
    path: "data['service.hipchat']",
    object: 'ConfigMap shop/argo-rollouts-notification-configmap',
  },
  {
    name: 'a trigger of a notifications ConfigMap is a mapping, not a list',
    code: 'CR151',
    mutate: withData('trigger.on-rollout-aborted', 'send: [rollout-aborted]\n'),
    message: /a trigger is a YAML list of conditions/,
  },
  {
    name: 'a trigger condition sends no template',
    code: 'CR151',
    mutate: withData('trigger.on-rollout-aborted', '- when: rollout.status.phase == "Degraded"\n'),
    message: /condition 0 has no 'send' list/,
  },
  {
    name: 'a template of a notifications ConfigMap is not YAML',
    code: 'CR151',
    mutate: withData('template.rollout-aborted', 'message: [unclosed\n'),
    message: /the value is not YAML/,
  },
  {
    name: 'a service key has four parts',
    code: 'CR151',
    mutate: withData('service.slack.team.a', 'token: $t\n'),
    message: /a service key is 'service.<type>' or 'service.<type>.<name>'/,
  },
  {
    name: 'a trigger sends a template the ConfigMap does not define',
    code: 'CR152',
    mutate: withData('trigger.on-rollout-aborted', '- send: [rollout-abortd]\n'),
    message: /the trigger "on-rollout-aborted" sends the template "rollout-abortd", which this ConfigMap does not define/,
    path: "data['trigger.on-rollout-aborted']",
  },
  {
    name: 'a subscribed trigger is defined in no notifications ConfigMap of the set',
    code: 'CR153',
    mutate: m => subscribe(m, `${SUBSCRIBE}on-rollout-paused.slack`, '#releases'),
    message: /defines both the trigger "on-rollout-paused" and the service "slack" .*"trigger 'on-rollout-paused' is not configured"/,
  },
  {
    name: 'the subscribed trigger and service are defined in different ConfigMaps',
    code: 'CR153',
    mutate: m => {
      subscribe(m, `${SUBSCRIBE}on-rollout-aborted.slack`, '#releases');
      delete config(m).data['service.slack'];
      const controller = notificationsConfigMap('argo-rollouts');
      delete controller.data['trigger.on-rollout-aborted'];
      m.push(controller);
    },
    message: /ConfigMap argo-rollouts\/argo-rollouts-notification-configmap defines the triggers none and the services "slack"/,
  },
  {
    name: 'a subscription annotation is on the pod template',
    code: 'CR154',
    mutate: m => {
      m.push(notificationsConfigMap());
      ro(m).spec.template.metadata.annotations[`${SUBSCRIBE}on-rollout-aborted.slack`] = '#releases';
    },
    message: /is on the pods' metadata, but the controller reads subscriptions from the Rollout's own annotations only/,
    path: `spec.template.metadata.annotations['${SUBSCRIBE}on-rollout-aborted.slack']`,
  },
  {
    name: 'a subscription annotation is in the canary metadata',
    code: 'CR154',
    mutate: m => { ro(m).spec.strategy.canary.canaryMetadata = { annotations: { 'notifications.argoproj.io/subscriptions': '- trigger: [on-rollout-aborted]\n' } }; },
    message: /"notifications.argoproj.io\/subscriptions" is on the pods' metadata/,
  },
  {
    name: 'a Slack token is written in the notifications ConfigMap',
    code: 'CR315',
    mutate: withData('service.slack', 'token: xoxb-1234567890-abcdefghijkl\n'),
    message: /the service "slack" has a credential written inline: it is a Slack token/,
    path: "data['service.slack'].token",
  },
  {
    name: 'a Slack incoming-webhook URL is written in the notifications ConfigMap',
    code: 'CR315',
    mutate: withData('service.webhook.deploy-log',
      'url: https://hooks.slack.com/services/T000/B000/XXXXXXXX\n'),
    message: /it is a Slack incoming-webhook URL/,
    path: "data['service.webhook.deploy-log'].url",
  },
  {
    name: 'an Authorization header of a webhook has a literal value',
    code: 'CR315',
    mutate: withData('service.webhook.deploy-log',
      'url: https://deploy-log.example.com/events\nheaders:\n  - name: Authorization\n    value: s3cr3t-value\n'),
    message: /the header "Authorization" carries a credential/,
    path: "data['service.webhook.deploy-log'].headers[0].value",
  },
  {
    name: 'a password setting has a literal value',
    code: 'CR315',
    mutate: withData('service.email', 'host: smtp.example.com\nport: 587\nusername: bot\npassword: hunter22\n'),
    message: /the setting "password" is a credential/,
  },
  {
    name: 'a URL with a user name and password is in the notifications ConfigMap',
    code: 'CR315',
    mutate: withData('service.webhook.deploy-log',
      'url: https://bot:hunter22@deploy-log.example.com/events\n'),
    message: /it is a URL with a user name and password/,
  },
  {
    name: 'the notifications Secret is in the manifests with its values',
    code: 'CR316',
    mutate: m => m.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argo-rollouts-notification-secret', namespace: NS }, stringData: { 'slack-token': 'xoxb-1' } }),
    message: /the notifications Secret holds values \("slack-token"\) in the manifests, which go to git/,
    path: 'stringData',
    object: 'Secret shop/argo-rollouts-notification-secret',
  },
  {
    name: 'rollbackWindow is larger than the default revision history',
    code: 'CR317',
    mutate: m => { ro(m).spec.rollbackWindow = { revisions: 12 }; },
    message: /'rollbackWindow.revisions' \(12\) is larger than the revision history \('revisionHistoryLimit' 10, the default\)/,
    path: 'spec.rollbackWindow.revisions',
  },
  {
    name: 'rollbackWindow is larger than revisionHistoryLimit',
    code: 'CR317',
    mutate: m => { ro(m).spec.rollbackWindow = { revisions: 3 }; ro(m).spec.revisionHistoryLimit = 2; },
    message: /'rollbackWindow.revisions' \(3\) is larger than the revision history \('revisionHistoryLimit' 2\): the controller deletes all but the 2 newest/,
  },
];

export const OPERATIONS_GOOD: GoodCase[] = [
  {
    name: 'subscriptions to a Slack channel and a webhook defined in the namespace\'s ConfigMap',
    codes: ['CR150', 'CR151', 'CR152', 'CR153', 'CR154', 'CR315'],
    mutate: m => {
      subscribe(m, `${SUBSCRIBE}on-rollout-aborted.slack`, '#releases;#oncall');
      ro(m).metadata.annotations[`${SUBSCRIBE}on-rollout-aborted.deploy-log`] = '';
    },
  },
  { name: 'a service subscribed alone (to its default triggers)', codes: ['CR150', 'CR153'], mutate: m => subscribe(m, `${SUBSCRIBE}slack`, '#releases') },
  {
    name: 'subscriptions while the notifications configuration is outside the manifest set',
    codes: ['CR153'],
    mutate: m => { ro(m).metadata.annotations = { [`${SUBSCRIBE}on-rollout-paused.slack`]: '#releases' }; },
  },
  {
    name: 'a subscription the controller\'s ConfigMap defines',
    codes: ['CR153'],
    mutate: m => subscribe(m, `${SUBSCRIBE}on-rollout-aborted.slack`, '#releases', 'argo-rollouts'),
  },
  {
    name: 'a ConfigMap of the same name in another namespace',
    codes: ['CR153'],
    mutate: m => {
      subscribe(m, `${SUBSCRIBE}on-rollout-aborted.slack`, '#releases');
      const other = notificationsConfigMap('payments');
      other.data = { 'service.webhook.x': 'url: https://hooks.slack.com/services/T0/B0/X\n' };
      m.push(other); // CR315 reports it; CR153 for the shop Rollout does not look at it
    },
  },
  {
    name: 'secrets as references inside larger values, and settings that are no credential',
    codes: ['CR315'],
    mutate: m => {
      m.push(notificationsConfigMap());
      config(m).data['service.webhook.deploy-log'] = 'url: https://hooks.slack.com/services/$slack-hook-path\nheaders:\n  - name: Content-Type\n    value: application/json\n';
      config(m).data['service.email'] = 'host: smtp.example.com\nport: 587\nusername: releases-bot\npassword: $smtp-password\nfrom: releases@example.com\n';
    },
  },
  { name: 'other annotations on the pod template', codes: ['CR154'], mutate: m => { ro(m).spec.template.metadata.annotations['prometheus.io/scrape'] = 'true'; } },
  {
    name: 'the notifications Secret without values, and another Secret with values',
    codes: ['CR316'],
    mutate: m => m.push(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argo-rollouts-notification-secret', namespace: NS } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-config', namespace: NS }, stringData: { level: 'info' } },
    ),
  },
  {
    name: 'rollbackWindow equal to revisionHistoryLimit, and within the default history',
    codes: ['CR317'],
    mutate: m => { ro(m).spec.rollbackWindow = { revisions: 10 }; },
  },
  {
    name: 'rollbackWindow equal to an explicit revisionHistoryLimit',
    codes: ['CR317'],
    mutate: m => { ro(m).spec.rollbackWindow = { revisions: 3 }; ro(m).spec.revisionHistoryLimit = 3; },
  },
];
