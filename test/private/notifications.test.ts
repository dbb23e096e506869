import {
  CATALOG_TRIGGERS, EVENT_TRIGGER_NAMES, inlineCredential, parseRecipients, parseSubscriptionKey, readNotificationsConfig,
  secretKeyProblem, settingStrings, triggerOfReason,
} from '../../src/private/notifications';

describe('triggers of controller events', () => {
  test('the trigger of an event reason is "on-" and the reason in kebab case, as record.go translateReasonToTrigger', () => {
    // expected values worked out by hand from the two Go regular expressions
    expect(triggerOfReason('RolloutAborted')).toEqual('on-rollout-aborted');
    expect(triggerOfReason('ScalingReplicaSet')).toEqual('on-scaling-replica-set');
    expect(triggerOfReason('AnalysisRunError')).toEqual('on-analysis-run-error');
    expect(triggerOfReason('SkipSteps')).toEqual('on-skip-steps');
    expect(triggerOfReason('NewReplicaSetCreated')).toEqual('on-new-replica-set-created');
  });

  test('every catalog trigger is the trigger of its event, and an event trigger', () => {
    for (const t of CATALOG_TRIGGERS) {
      expect(triggerOfReason(t.reason)).toEqual(t.name);
      expect(EVENT_TRIGGER_NAMES).toContain(t.name);
    }
  });
});

describe('subscription annotations', () => {
  test('keys split on dots as the engine does', () => {
    expect(parseSubscriptionKey('notifications.argoproj.io/subscribe.on-rollout-aborted.slack')).toEqual({ trigger: 'on-rollout-aborted', service: 'slack', ignored: [] });
    expect(parseSubscriptionKey('notifications.argoproj.io/subscribe.slack')).toEqual({ trigger: '', service: 'slack', ignored: [] });
    expect(parseSubscriptionKey('notifications.argoproj.io/subscribe.on-x.slack.team')).toEqual({ trigger: 'on-x', service: 'slack', ignored: ['team'] });
    expect(parseSubscriptionKey('notifications.argoproj.io/subscriptions')).toBeUndefined();
  });

  test('recipients are split on ";", trimmed, empty ones dropped', () => {
    expect(parseRecipients(' #a ;; #b;')).toEqual(['#a', '#b']);
    expect(parseRecipients('')).toEqual([]);
  });
});

describe('secrets', () => {
  test('a Secret key can be referenced when it is letters, digits, "-" and "_"', () => {
    expect(secretKeyProblem('slack-token_2')).toBeUndefined();
    expect(secretKeyProblem('slack.token')).toMatch(/a '.' cuts it/);
    expect(secretKeyProblem('')).toBeDefined();
  });

  test.each([
    ['token', 'xoxb-1234567890-abcd', undefined, /a Slack token/],
    ['apiKey', 'abc', undefined, /the setting "apiKey" is a credential/],
    ['basicAuth.password', 'pw', undefined, /the setting "password" is a credential/],
    ['url', 'https://hooks.slack.com/services/T0/B0/abc', undefined, /a Slack incoming-webhook URL/],
    ['url', 'https://discord.com/api/webhooks/123/abc', undefined, /a Discord webhook URL/],
    ['url', 'https://api.telegram.org/bot123:abc/sendMessage', undefined, /a Telegram bot URL/],
    ['url', 'https://chat.googleapis.com/v1/spaces/x/messages?key=abc&token=def', undefined, /a Google Chat webhook URL/],
    ['url', 'https://prod-1.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=abc', undefined, /a Teams workflow URL/],
    ['recipientUrls.ops', 'https://example.com/hook', undefined, /a Teams recipient URL/],
    ['headers[0].value', 'abc', 'Authorization', /the header "Authorization" carries a credential/],
    ['privateKey', '-----BEGIN RSA PRIVATE KEY-----\nabc', undefined, /a private key/],
  ])('%s = %j is a credential', (path, value, header, why) => {
    expect(inlineCredential(path, value, header)).toMatch(why);
  });

  test.each([
    ['token', '$slack-token', undefined],
    ['headers[0].value', 'Bearer $token', 'Authorization'],
    ['url', 'https://hooks.slack.com/services/$slack-hook', undefined],
    ['username', 'releases-bot', undefined],
    ['url', 'https://deploy-log.example.com/events?source=rollouts', undefined],
    ['headers[0].value', 'application/json', 'Content-Type'],
    ['apiURL', 'https://slack.example.com/api/', undefined],
    ['channels[0]', '#releases', undefined],
    ['token', '', undefined],
  ])('%s = %j is no inline credential', (path, value, header) => {
    expect(inlineCredential(path, value, header)).toBeUndefined();
  });

  test('settingStrings walks every string, and gives header values their header name', () => {
    expect(settingStrings({ url: 'u', headers: [{ name: 'Authorization', value: 'v' }], basicAuth: { username: 'a' }, retryMax: 3 })).toEqual([
      { path: 'url', value: 'u' },
      { path: 'headers[0].name', value: 'Authorization' },
      { path: 'headers[0].value', value: 'v', headerName: 'Authorization' },
      { path: 'basicAuth.username', value: 'a' },
    ]);
  });
});

describe('reading a notifications ConfigMap', () => {
  test('services by type and name, triggers with their templates, templates', () => {
    const read = readNotificationsConfig({
      'service.slack': 'token: $t',
      'service.slack.team-a': 'token: $a',
      'service.webhook': null as any,
      'template.a': 'message: x',
      'trigger.on-x': '- send: [a, b]\n- when: "true"\n  send: [c]',
      'defaultTriggers': '- on-x',
      'context': 'argocdUrl: https://x',
    });
    expect(read.services.map(s => [s.key, s.type, s.name])).toEqual([['service.slack', 'slack', 'slack'], ['service.slack.team-a', 'slack', 'team-a'], ['service.webhook', 'webhook', 'webhook']]);
    expect(read.triggers).toEqual([{ key: 'trigger.on-x', name: 'on-x', sends: [['a', 'b'], ['c']] }]);
    expect(read.templates).toEqual(['a']);
    expect(read.problems).toEqual([{ key: 'service.webhook', problem: 'the value is not a string (null)' }]);
  });

  test('an empty service value is an empty mapping; a list is not', () => {
    expect(readNotificationsConfig({ 'service.email': '' }).problems).toEqual([]);
    expect(readNotificationsConfig({ 'service.email': '- a' }).problems).toEqual([{ key: 'service.email', problem: 'the settings of a service are a YAML mapping' }]);
  });

  test('a trigger whose when is not a string, and a template that is a list', () => {
    const read = readNotificationsConfig({ 'trigger.on-x': '- send: [a]\n  when: [1]', 'template.a': '- message: x' });
    expect(read.problems.map(p => p.problem)).toEqual([
      expect.stringMatching(/^a template is a YAML mapping/),
      "the 'when' of condition 0 is not a string (an expression)",
    ]);
  });
});
