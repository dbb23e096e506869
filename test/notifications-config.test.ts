import { Chart, JsonPatch, Testing } from 'cdk8s';
import { CanaryService } from '../src/canary-service';
import { ExternalNotificationsConfig } from '../src/external-notifications-config';
import { NotificationSecret } from '../src/notification-secret';
import { NotificationService } from '../src/notification-service';
import { NotificationTemplate } from '../src/notification-template';
import { NotificationTrigger } from '../src/notification-trigger';
import { NotificationsConfig } from '../src/notifications-config';
import { readNotificationsConfig } from '../src/private/notifications';
import { RolloutNotification } from '../src/rollout-notification';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { CanaryRules } from '../src/rules/canary-rules';

const token = NotificationSecret.key('slack-token');

function chart(): Chart {
  return new Chart(Testing.app(), 'shop', { namespace: 'shop' });
}

/** The synthesized ConfigMap, validated against the Kubernetes schema. */
function configMap(c: Chart): any {
  return findOne(validateManifests(Testing.synth(c)), 'ConfigMap');
}

describe('NotificationsConfig', () => {
  test('writes the services, the catalog triggers with the library\'s templates, and custom triggers, as YAML values', () => {
    // GIVEN
    const c = chart();
    const inconclusive = NotificationTemplate.of({
      name: 'inconclusive',
      message: 'Rollout {{.rollout.metadata.name}} waits for a decision',
      emailSubject: 'Decide on {{.rollout.metadata.name}}',
      slackAttachments: '[{"title": "{{.rollout.metadata.name}}", "color": "#f2c744"}]',
      webhooks: { 'deploy-log': { method: 'POST', path: '/events', body: '{"rollout": "{{.rollout.metadata.name}}"}' } },
    });
    new NotificationsConfig(c, 'notifications', {
      services: [
        NotificationService.slack({ token, username: 'releases' }),
        NotificationService.webhook({ name: 'deploy-log', url: 'https://deploy-log.example.com', secretHeaders: { Authorization: NotificationSecret.key('deploy-log-auth') } }),
      ],
      triggers: [NotificationTrigger.of({ name: 'on-analysis-run-inconclusive', send: [inconclusive] })],
    });

    // WHEN
    const cm = configMap(c);

    // THEN
    expect(cm.metadata).toEqual({ name: 'argo-rollouts-notification-configmap', namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } });
    expect(Object.keys(cm.data)).toEqual([...Object.keys(cm.data)].sort());
    expect(cm.data['service.slack']).toEqual('token: $slack-token\nusername: releases\n');
    expect(cm.data['service.webhook.deploy-log']).toEqual('url: https://deploy-log.example.com\nheaders:\n  - name: Authorization\n    value: $deploy-log-auth\n');
    expect(cm.data['trigger.on-rollout-aborted']).toEqual('- send:\n    - rollout-aborted\n');
    expect(cm.data['trigger.on-analysis-run-inconclusive']).toEqual('- send:\n    - inconclusive\n');
    expect(Object.keys(cm.data).filter(k => k.startsWith('trigger.'))).toHaveLength(10);
    expect(cm).toMatchSnapshot();
    // the engine's reading of it (the rules' model): every key parses, every template sent is defined
    const read = readNotificationsConfig(cm.data);
    expect(read.problems).toEqual([]);
    expect(read.services.map(s => [s.name, s.type])).toEqual([['slack', 'slack'], ['deploy-log', 'webhook']]);
    expect(read.triggers.flatMap(t => t.sends.flat()).filter(n => !read.templates.includes(n))).toEqual([]);
    expect(CanaryRules.check([cm])).toEqual([]);
  });

  test('catalogTriggers false writes only the given triggers and templates', () => {
    const c = chart();
    const t = NotificationTemplate.of({ name: 'aborted', message: 'aborted' });
    new NotificationsConfig(c, 'n', { catalogTriggers: false, services: [NotificationService.slack({ token })], triggers: [NotificationTrigger.of({ name: 'on-rollout-aborted', send: [t] })] });
    expect(Object.keys(configMap(c).data)).toEqual(['service.slack', 'template.aborted', 'trigger.on-rollout-aborted']);
  });

  test('a trigger with a condition is written with it', () => {
    const c = chart();
    const t = NotificationTemplate.of({ name: 'degraded', message: 'degraded' });
    const config = new NotificationsConfig(c, 'n', { services: [NotificationService.slack({ token })] });
    config.addTrigger(NotificationTrigger.of({ name: 'on-degraded', when: "rollout.status.phase == 'Degraded'", oncePer: 'rollout.status.currentPodHash', send: [t] }));
    expect(configMap(c).data['trigger.on-degraded']).toEqual("- when: rollout.status.phase == 'Degraded'\n  oncePer: rollout.status.currentPodHash\n  send:\n    - degraded\n");
    expect(config.triggerNames).toContain('on-degraded');
  });

  test('is controller-level in the controller\'s namespace', () => {
    const c = chart();
    expect(new NotificationsConfig(c, 'a', { namespace: 'argo-rollouts', services: [NotificationService.slack({ token })] }).controllerLevel).toBe(true);
    expect(new NotificationsConfig(c, 'b', { namespace: 'rollouts', controllerNamespace: 'rollouts', services: [NotificationService.slack({ token })] }).controllerLevel).toBe(true);
    expect(new NotificationsConfig(c, 'c', { services: [NotificationService.slack({ token })] }).controllerLevel).toBe(false);
  });

  test('fails if it defines no service', () => {
    const c = chart();
    new NotificationsConfig(c, 'n');
    expect(() => Testing.synth(c)).toThrow(/\[shop\/n\] the configuration defines no service, so the controller cannot send anything through it/);
  });

  test('fails if two configurations are in one namespace', () => {
    const c = chart();
    new NotificationsConfig(c, 'a', { services: [NotificationService.slack({ token })] });
    new ExternalNotificationsConfig(c, 'b', { namespace: 'shop', services: ['slack'] });
    expect(() => Testing.synth(c)).toThrow(/2 notifications configurations are in namespace "shop" .*but the controller reads one ConfigMap "argo-rollouts-notification-configmap" per namespace: keep one/);
  });

  test('fails if a template calls a webhook the configuration does not define', () => {
    const c = chart();
    const t = NotificationTemplate.of({ name: 'x', message: 'x', webhooks: { 'deploy-lg': { method: 'POST' } } });
    new NotificationsConfig(c, 'n', { services: [NotificationService.slack({ token })], triggers: [NotificationTrigger.of({ name: 'on-rollout-resumed', send: [t] })] });
    expect(() => Testing.synth(c)).toThrow(/the template "x" has a request for the webhook service "deploy-lg", which this configuration does not define \(its webhooks: none\)/);
  });

  test('fails if two services have one name', () => {
    expect(() => new NotificationsConfig(chart(), 'n', { services: [NotificationService.slack({ token }), NotificationService.slack({ token })] }))
      .toThrow(/a second service is named "slack": give each service its own 'name'/);
  });

  test('fails if a service known by name only is added', () => {
    expect(() => new NotificationsConfig(chart(), 'n', { services: [NotificationService.named('slack')] }))
      .toThrow(/the service "slack" is known by name only \(NotificationService.named\(\)\), so it cannot be written/);
  });

  test('fails if a trigger is defined twice, or redefines a catalog trigger', () => {
    const t = NotificationTemplate.of({ name: 't', message: 'm' });
    expect(() => new NotificationsConfig(chart(), 'n', { triggers: [NotificationTrigger.of({ name: 'on-rollout-aborted', send: [t] })] }))
      .toThrow(/the trigger "on-rollout-aborted" is defined twice \(a catalog trigger: set catalogTriggers to false to define it yourself\)/);
    expect(() => new NotificationsConfig(chart(), 'n', { triggers: [NotificationTrigger.of({ name: 'on-skip-steps', send: [t] }), NotificationTrigger.of({ name: 'on-skip-steps', send: [t] })] }))
      .toThrow(/the trigger "on-skip-steps" is defined twice: give the trigger another name/);
  });

  test('fails if two different templates share a name, also with a catalog template', () => {
    const c = chart();
    new NotificationsConfig(c, 'n', {
      services: [NotificationService.slack({ token })],
      triggers: [NotificationTrigger.of({ name: 'on-skip-steps', send: [NotificationTemplate.of({ name: 'rollout-aborted', message: 'mine' })] })],
    });
    expect(() => Testing.synth(c)).toThrow(/two different templates are named "rollout-aborted" \(trigger "on-skip-steps"\), one of them a catalog template/);
  });

  test('fails if service() names a service it does not have', () => {
    const config = new NotificationsConfig(chart(), 'n', { services: [NotificationService.slack({ token })] });
    expect(() => config.service('teams')).toThrow(/has no service "teams" \(its services: slack\): add it with addService\(\) or fix the name/);
  });

  test('fails if the namespace is not a namespace name', () => {
    expect(() => new NotificationsConfig(chart(), 'n', { namespace: 'Shop' })).toThrow(/'namespace' \("Shop"\) must be a DNS-1123 label/);
  });
});

describe('NotificationService', () => {
  test('renders each type with its secrets as references', () => {
    expect(NotificationService.slack({ token, signingSecret: NotificationSecret.key('slack-signing'), apiUrl: 'https://slack.example.com/api/' })._toConfig())
      .toEqual({ token: '$slack-token', signingSecret: '$slack-signing', username: undefined, icon: undefined, apiURL: 'https://slack.example.com/api/' });
    expect(NotificationService.teams({ recipientUrls: { ops: NotificationSecret.key('teams-ops'), dev: NotificationSecret.key('teams-dev') } })._toConfig())
      .toEqual({ recipientUrls: { dev: '$teams-dev', ops: '$teams-ops' } });
    expect(NotificationService.email({ host: 'smtp.example.com', port: 587, sender: 'releases@example.com', username: 'bot', password: NotificationSecret.key('smtp') })._toConfig())
      .toEqual({ host: 'smtp.example.com', port: 587, from: 'releases@example.com', username: 'bot', password: '$smtp' });
    expect(NotificationService.webhook({ name: 'hook', urlFromSecret: NotificationSecret.key('hook-url'), basicAuthUsername: 'bot', basicAuthPassword: NotificationSecret.key('hook-pw'), headers: { 'Content-Type': 'application/json' } })._toConfig())
      .toEqual({ url: '$hook-url', headers: [{ name: 'Content-Type', value: 'application/json' }], basicAuth: { username: 'bot', password: '$hook-pw' } });
    const opsgenie = NotificationService.custom({ serviceType: 'opsgenie', settings: { apiUrl: 'https://api.eu.opsgenie.com' }, secretSettings: { apiKeys: NotificationSecret.key('opsgenie') } });
    expect([opsgenie._configKey(), opsgenie._toConfig()]).toEqual(['service.opsgenie', { apiKeys: '$opsgenie', apiUrl: 'https://api.eu.opsgenie.com' }]);
    expect(NotificationService.slack({ name: 'team-a', token })._configKey()).toEqual('service.slack.team-a');
  });

  test.each([
    ['a Slack incoming-webhook URL', () => NotificationService.webhook({ name: 'h', url: 'https://hooks.slack.com/services/T00/B00/XXXX' }), /'url' is written inline, but it is a Slack incoming-webhook URL/],
    ['a Teams webhook URL', () => NotificationService.webhook({ name: 'h', url: 'https://acme.webhook.office.com/webhookb2/abc' }), /it is a Microsoft Teams incoming-webhook URL/],
    ['a URL with a password', () => NotificationService.webhook({ name: 'h', url: 'https://bot:pw@hooks.example.com/x' }), /it is a URL with a user name and password/],
    ['a token in the query', () => NotificationService.webhook({ name: 'h', url: 'https://hooks.example.com/x?token=abc123' }), /it is a URL with a credential in its query/],
    ['a literal Authorization header', () => NotificationService.webhook({ name: 'h', url: 'https://hooks.example.com', headers: { Authorization: 'Bearer abcdefghijkl' } }), /'headers\[0\].value' is written inline, but it is an Authorization header value/],
    ['a literal X-API-Key header', () => NotificationService.webhook({ name: 'h', url: 'https://hooks.example.com', headers: { 'X-API-Key': 'k' } }), /the header "X-API-Key" carries a credential/],
    ['a custom credential setting', () => NotificationService.custom({ serviceType: 'pagerdutyv2', settings: { serviceKeys: 'abc' } }), /the setting "serviceKeys" is a credential/],
    ['a Slack token in a plain setting', () => NotificationService.slack({ token, username: 'xoxb-123456789-abcdefgh' }), /'username' is written inline, but it is a Slack token/],
  ])('fails if a secret value is given inline: %s', (_name, make, message) => {
    expect(make).toThrow(message as RegExp);
    expect(make).toThrow(/Put it in argo-rollouts-notification-secret and pass NotificationSecret.key\('<key>'\) instead/);
  });

  test('fails if a webhook has both or neither URL', () => {
    expect(() => NotificationService.webhook({ name: 'h' })).toThrow(/set exactly one of 'url' and 'urlFromSecret'/);
    expect(() => NotificationService.webhook({ name: 'h', url: 'https://x.example.com', urlFromSecret: token })).toThrow(/set exactly one of 'url' and 'urlFromSecret'/);
  });

  test('fails if basic authentication is half given', () => {
    expect(() => NotificationService.webhook({ name: 'h', url: 'https://x.example.com', basicAuthUsername: 'bot' })).toThrow(/set both 'basicAuthUsername' and 'basicAuthPassword', or neither/);
  });

  test('fails if the type is unknown, the name has a dot, the port is out of range, a setting is given twice, or Teams has no URL', () => {
    expect(() => NotificationService.custom({ serviceType: 'hipchat' })).toThrow(/'serviceType' \("hipchat"\) is not a service type the controller knows .*use one of alertmanager, /);
    expect(() => NotificationService.slack({ name: 'slack.team', token })).toThrow(/'name' \("slack.team"\) is not a service name: .*without '\.'/);
    expect(() => NotificationService.email({ host: 'h', port: 0, sender: 'f' })).toThrow(/'port' \(0\) must be an integer between 1 and 65535/);
    expect(() => NotificationService.custom({ serviceType: 'opsgenie', settings: { apiKeys: '$x' }, secretSettings: { apiKeys: token } })).toThrow(/"apiKeys" is in both 'settings' and 'secretSettings'/);
    expect(() => NotificationService.teams({ recipientUrls: {} })).toThrow(/'recipientUrls' is empty/);
  });

  test('to() checks the recipients against the service', () => {
    const slack = NotificationService.slack({ token });
    expect(slack.to('#a', '#b').recipients).toEqual(['#a', '#b']);
    expect(() => slack.to()).toThrow(/no recipient: a slack service sends to recipients/);
    expect(() => slack.to('#a;#b')).toThrow(/the recipient "#a;#b" cannot be written in a subscription/);
    expect(() => slack.to(' #a')).toThrow(/no leading or trailing space/);
    expect(() => slack.to('#a', '#a')).toThrow(/a recipient is listed twice/);
    const hook = NotificationService.webhook({ name: 'hook', url: 'https://x.example.com' });
    expect(hook.to().recipients).toEqual([]);
    expect(() => hook.to('#a')).toThrow(/a webhook service has no recipients \(it calls its URL\), so #a would be ignored/);
    const teams = NotificationService.teams({ recipientUrls: { ops: NotificationSecret.key('teams-ops') } });
    expect(() => teams.to('dev')).toThrow(/dev is not in its 'recipientUrls' \(ops\)/);
  });
});

describe('NotificationSecret, NotificationTemplate, NotificationTrigger', () => {
  test('a secret is referenced as $key', () => {
    expect(NotificationSecret.key('slack_token-2').reference).toEqual('$slack_token-2');
  });

  test('fails if a secret key cannot be referenced', () => {
    expect(() => NotificationSecret.key('slack.token')).toThrow(/NotificationSecret.key\("slack.token"\): .*a '.' cuts it.*Rename the key of argo-rollouts-notification-secret/);
  });

  test('fails if a template is empty, not closed, or calls a webhook with an unknown method', () => {
    expect(() => NotificationTemplate.of({ name: 't', message: ' ' })).toThrow(/'message' is empty/);
    expect(() => NotificationTemplate.of({ name: 't', message: 'Rollout {{.rollout.metadata.name' }))
      .toThrow(/'message' has a '\{\{' without its '\}\}', so the Go template does not parse and the controller would drop the whole notifications configuration/);
    expect(() => NotificationTemplate.of({ name: 't', message: 'm', emailSubject: '{{ {{.x}} }}' })).toThrow(/'emailSubject' has a '\{\{' without/);
    expect(() => NotificationTemplate.of({ name: 't', message: 'm', webhooks: { h: { method: 'post' } } })).toThrow(/'webhooks.h.method' \("post"\) is not one of GET, POST/);
    expect(() => NotificationTemplate.of({ name: 't.x', message: 'm' })).toThrow(/is not a template name/);
    // '}}' outside an action is plain text in a Go template
    expect(() => NotificationTemplate.of({ name: 't', message: 'a }} b {{.x}}' })).not.toThrow();
  });

  test('fails if a trigger sends nothing, never fires, or has oncePer without a condition', () => {
    const t = NotificationTemplate.of({ name: 't', message: 'm' });
    expect(() => NotificationTrigger.of({ name: 'on-x', send: [] })).toThrow(/'send' is empty, so it sends nothing/);
    expect(() => NotificationTrigger.of({ name: 'on-purple', send: [t] }))
      .toThrow(/has no 'when' and its name is no controller event, so it never fires: .*Set 'when', or name it after an event \(on-analysis-run-error, /);
    expect(() => NotificationTrigger.of({ name: 'on-purple', send: [t], when: ' ' })).toThrow(/'when' is empty/);
    expect(() => NotificationTrigger.of({ name: 'on-skip-steps', send: [t], oncePer: 'x' })).toThrow(/'oncePer' needs 'when'/);
  });
});

describe('ExternalNotificationsConfig', () => {
  test('writes nothing, and declares the catalog triggers by default', () => {
    const c = chart();
    const ext = new ExternalNotificationsConfig(c, 'cluster', { services: ['slack', 'pagerduty'] });
    expect(Testing.synth(c)).toEqual([]);
    expect([ext.namespace, ext.controllerLevel, ext.serviceNames]).toEqual(['argo-rollouts', true, ['slack', 'pagerduty']]);
    expect(ext.triggerNames).toEqual(NotificationsConfig.CATALOG_TRIGGERS);
    expect(ext.service('slack').to('#x', 'y').recipients).toEqual(['#x', 'y']);
  });

  test('fails if a declared name is invalid, listed twice, or no service is declared, or service() names an undeclared one', () => {
    const c = chart();
    expect(() => new ExternalNotificationsConfig(c, 'a', { services: [] })).toThrow(/'services' is empty/);
    expect(() => new ExternalNotificationsConfig(c, 'b', { services: ['slack', 'slack'] })).toThrow(/'services' lists a name twice/);
    expect(() => new ExternalNotificationsConfig(c, 'c', { services: ['slack'], triggers: ['on.x'] })).toThrow(/'triggers' has "on.x"/);
    expect(() => new ExternalNotificationsConfig(c, 'd', { services: ['slack'] }).service('teams')).toThrow(/declares no service "teams" \(its services: slack\)/);
  });
});

describe('escape hatches', () => {
  test('a token patched into the ConfigMap fails synth through the rules (CR315)', () => {
    const c = chart();
    const config = new NotificationsConfig(c, 'n', { services: [NotificationService.slack({ token })] });
    new CanaryService(c, 'checkout', { image: 'ghcr.io/acme/checkout:1.0.0', notifications: [RolloutNotification.onRolloutAborted(config.service('slack').to('#r'))] });
    config.configMap.addJsonPatch(JsonPatch.replace('/data/service.slack', 'token: xoxb-1234567890-abcdef\n'));
    expect(() => Testing.synth(c)).toThrow(/\[CR315\] ConfigMap shop\/argo-rollouts-notification-configmap data\['service.slack'\].token: the service "slack" has a credential written inline: it is a Slack token/);
  });
});
