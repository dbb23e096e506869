import { Chart, Testing } from 'cdk8s';
import { ArgoRollout } from '../src/argo-rollout';
import { CanaryApp } from '../src/canary-app';
import { CanaryService } from '../src/canary-service';
import { ExternalNotificationsConfig } from '../src/external-notifications-config';
import { NotificationSecret } from '../src/notification-secret';
import { NotificationService } from '../src/notification-service';
import { NotificationTemplate } from '../src/notification-template';
import { NotificationTrigger } from '../src/notification-trigger';
import { NotificationsConfig } from '../src/notifications-config';
import { RolloutNotification } from '../src/rollout-notification';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';
import { ConstructRules } from '../src/construct-rules';
import { CanaryRules } from '../src/rules/canary-rules';

const slack = NotificationService.slack({ token: NotificationSecret.key('slack-token') });
const hook = NotificationService.webhook({ name: 'deploy-log', url: 'https://deploy-log.example.com/events' });

function chart(namespace = 'shop'): Chart {
  return new Chart(Testing.app(), 'shop', { namespace });
}

function service(c: Chart, notifications: RolloutNotification[], id = 'checkout'): CanaryService {
  return new CanaryService(c, id, { image: 'ghcr.io/acme/checkout:2.0.0', notifications });
}

function annotations(c: Chart): { [k: string]: string } {
  return findOne(validateManifests(Testing.synth(c)), 'Rollout').metadata.annotations;
}

describe('subscriptions', () => {
  test('become annotations on the Rollout, one per trigger and service, recipients merged in order', () => {
    // GIVEN
    const c = chart();
    const config = new NotificationsConfig(c, 'notifications', { services: [slack, hook] });
    const s = service(c, [
      RolloutNotification.onRolloutAborted(config.service('slack').to('#shop-releases', '#oncall'), config.service('deploy-log').to()),
      RolloutNotification.onAnalysisRunFailed(config.service('slack').to('#shop-releases')),
    ]);
    s.rollout.addNotification(RolloutNotification.onRolloutAborted(config.service('slack').to('#oncall', '#checkout')));

    // WHEN
    const a = annotations(c);

    // THEN
    expect(a).toEqual({
      'argocd.argoproj.io/sync-wave': '0',
      'notifications.argoproj.io/subscribe.on-analysis-run-failed.slack': '#shop-releases',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.deploy-log': '',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': '#shop-releases;#oncall;#checkout',
    });
    expect(s.rollout.notifications.map(n => n.trigger)).toEqual(['on-rollout-aborted', 'on-analysis-run-failed', 'on-rollout-aborted']);
    // the rules see the same thing, and find nothing
    expect(CanaryRules.check(ConstructRules.manifestsOf(c)).filter(f => f.code.startsWith('CR15') || f.code === 'CR315')).toEqual([]);
  });

  test('every catalog helper names its trigger', () => {
    const d = slack.to('#x');
    expect([
      RolloutNotification.onRolloutAborted(d), RolloutNotification.onAnalysisRunFailed(d), RolloutNotification.onAnalysisRunError(d),
      RolloutNotification.onAnalysisRunRunning(d), RolloutNotification.onRolloutCompleted(d), RolloutNotification.onRolloutPaused(d),
      RolloutNotification.onRolloutStepCompleted(d), RolloutNotification.onRolloutUpdated(d), RolloutNotification.onScalingReplicaSet(d),
    ].map(n => n.trigger).sort()).toEqual(NotificationsConfig.CATALOG_TRIGGERS);
  });

  test('a custom trigger of the configuration, and a service of the controller\'s configuration declared as external', () => {
    const c = chart();
    const t = NotificationTrigger.of({ name: 'on-analysis-run-inconclusive', send: [NotificationTemplate.of({ name: 'inconclusive', message: 'decide' })] });
    const config = new NotificationsConfig(c, 'n', { services: [slack], triggers: [t] });
    const cluster = new ExternalNotificationsConfig(c, 'cluster', { services: ['pagerduty'] });
    service(c, [RolloutNotification.on(t.name, config.service('slack').to('#x')), RolloutNotification.onRolloutAborted(cluster.service('pagerduty').to('checkout'))]);
    expect(annotations(c)).toMatchObject({
      'notifications.argoproj.io/subscribe.on-analysis-run-inconclusive.slack': '#x',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.pagerduty': 'checkout',
    });
  });

  test('a controller-level configuration of another chart serves Rollouts of every namespace', () => {
    const app = Testing.app();
    const platform = new Chart(app, 'platform');
    const config = new NotificationsConfig(platform, 'n', { namespace: 'argo-rollouts', services: [slack] });
    const team = new Chart(app, 'team', { namespace: 'payments' });
    service(team, [RolloutNotification.onRolloutAborted(config.service('slack').to('#payments'))]);
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('fails if the trigger is not defined', () => {
    const c = chart();
    const config = new NotificationsConfig(c, 'n', { services: [slack] });
    service(c, [RolloutNotification.on('on-rollout-resumed', config.service('slack').to('#x'))]);
    expect(() => Testing.synth(c)).toThrow(new RegExp(
      '\\[shop/checkout/Rollout\\] \'notifications\': the subscription to "on-rollout-resumed" through "slack" cannot be sent: '
      + 'the trigger "on-rollout-resumed" is not defined \\(the controller logs "trigger \'on-rollout-resumed\' is not configured" and sends nothing\\)\\. '
      + 'The configurations read for this Rollout: NotificationsConfig shop/argo-rollouts-notification-configmap \\(shop/n\\) defines the triggers "on-analysis-run-error", .* and the services "slack"\\. '
      + 'Fix: define the trigger in NotificationsConfig shop/argo-rollouts-notification-configmap \\(shop/n\\), next to the service'));
  });

  test('fails if the service is not defined', () => {
    const c = chart();
    new NotificationsConfig(c, 'n', { services: [slack] });
    service(c, [RolloutNotification.onRolloutAborted(NotificationService.slack({ name: 'team-a', token: NotificationSecret.key('t') }).to('#x'))]);
    expect(() => Testing.synth(c)).toThrow(/the service "team-a" is not defined \(the controller logs "notification service 'team-a' is not supported"\).*Fix: add the service to NotificationsConfig/);
  });

  test('fails if neither is defined', () => {
    const c = chart();
    new NotificationsConfig(c, 'n', { services: [slack] });
    service(c, [RolloutNotification.on('on-skip-steps', hook.to())]);
    expect(() => Testing.synth(c)).toThrow(/neither the trigger "on-skip-steps" nor the service "deploy-log" is defined/);
  });

  test('fails if the trigger and the service are in different configurations', () => {
    // GIVEN the service in the namespace's configuration, the custom trigger only in the controller's
    const app = Testing.app();
    const t = NotificationTrigger.of({ name: 'on-skip-steps', send: [NotificationTemplate.of({ name: 'skip', message: 'fast rollback' })] });
    const platform = new Chart(app, 'platform');
    new NotificationsConfig(platform, 'n', { namespace: 'argo-rollouts', services: [NotificationService.webhook({ name: 'audit', url: 'https://audit.example.com' })], triggers: [t] });
    const team = new Chart(app, 'team', { namespace: 'shop' });
    const own = new NotificationsConfig(team, 'n', { services: [slack] });
    service(team, [RolloutNotification.on('on-skip-steps', own.service('slack').to('#x'))]);
    // THEN
    expect(() => app.synthYaml()).toThrow(/the trigger "on-skip-steps" and the service "slack" are defined, but not in the same configuration, .*Fix: define both in NotificationsConfig shop\//);
  });

  test('fails if no configuration is read for the Rollout\'s namespace', () => {
    const c = chart();
    service(c, [RolloutNotification.onRolloutAborted(slack.to('#x'))]);
    expect(() => Testing.synth(c)).toThrow(/the Rollout subscribes to notifications, but no notifications configuration is read for namespace "shop" \(the app defines none\)/);
    const other = chart();
    new NotificationsConfig(other, 'n', { namespace: 'payments', services: [slack] });
    service(other, [RolloutNotification.onRolloutAborted(slack.to('#x'))]);
    expect(() => Testing.synth(other)).toThrow(/no notifications configuration is read for namespace "shop" \(the app's \(NotificationsConfig payments\/.*\) are for other namespaces\)/);
  });

  test('fails if a subscription is given as a raw annotation', () => {
    const c = chart();
    const subsets = new CanaryService(c, 'x', { image: 'ghcr.io/acme/x:1.0.0' }).subsets;
    expect(() => new ArgoRollout(c, 'r', { subsets, metadata: { name: 'r', annotations: { 'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': '#x' } } }))
      .toThrow(/'metadata.annotations' has the notification subscription "notifications.argoproj.io\/subscribe.on-rollout-aborted.slack": subscribe with 'notifications'/);
    expect(() => new ArgoRollout(c, 'r2', { subsets, metadata: { name: 'r2', annotations: { 'notifications.argoproj.io/subscriptions': '- trigger: [x]' } } }))
      .toThrow(/the notification subscription "notifications.argoproj.io\/subscriptions"/);
  });

  test('fails if a subscription has no destination, a bad trigger name, or a key too long for Kubernetes', () => {
    expect(() => RolloutNotification.onRolloutAborted()).toThrow(/RolloutNotification "on-rollout-aborted": no destination, so nobody is notified/);
    expect(() => RolloutNotification.on('on.x', slack.to('#x'))).toThrow(/the trigger "on.x" is not a trigger name/);
    const long = NotificationService.slack({ name: 'a-very-long-service-name-for-the-releases-team', token: NotificationSecret.key('t') });
    expect(() => RolloutNotification.onRolloutStepCompleted(long.to('#x')))
      .toThrow(/has a name part of 82 characters; Kubernetes allows 63\. Shorten the trigger or the service name/);
  });
});

describe('in a CanaryApp synth', () => {
  test('several subscribing Rollouts pass; a configuration added after a synth counts in the next one', () => {
    // GIVEN 3 services subscribed through one configuration
    const app = new CanaryApp({ plans: false }); // renderFiles() writes nothing
    const c = new Chart(app, 'shop', { namespace: 'shop' });
    const config = new NotificationsConfig(c, 'n', { services: [slack] });
    for (const id of ['a', 'b', 'c']) service(c, [RolloutNotification.onRolloutAborted(config.service('slack').to(`#${id}`))], id);
    expect(Object.keys(app.renderFiles())).toEqual(['shop.k8s.yaml']);
    // WHEN a subscription to a trigger that only a configuration added after the first synth defines
    const t = NotificationTrigger.of({ name: 'on-skip-steps', send: [NotificationTemplate.of({ name: 'skip', message: 'fast rollback' })] });
    const platform = new Chart(app, 'platform');
    service(c, [RolloutNotification.on('on-skip-steps', NotificationService.named('audit').to())], 'd');
    expect(() => app.renderFiles()).toThrow(/\[shop\/d\/Rollout\] 'notifications': .*neither the trigger "on-skip-steps" nor the service "audit" is defined/);
    new NotificationsConfig(platform, 'n', { namespace: 'argo-rollouts', services: [NotificationService.webhook({ name: 'audit', url: 'https://audit.example.com' })], triggers: [t] });
    // THEN the next synth sees it
    expect(Object.keys(app.renderFiles()).sort()).toEqual(['platform.k8s.yaml', 'shop.k8s.yaml']);
  });
});
