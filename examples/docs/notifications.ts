import { Chart } from 'cdk8s';
import {
  CanaryApp, CanaryService, NotificationSecret, NotificationService, NotificationsConfig, NotificationTemplate, NotificationTrigger,
  RolloutNotification,
} from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

// The namespace's own notifications configuration (read by a controller started with
// --self-service-notification-enabled). The token is a key of the Secret argo-rollouts-notification-secret,
// which is created outside git; only the reference "$slack-token" is written.
const notifications = new NotificationsConfig(chart, 'notifications', {
  services: [NotificationService.slack({ token: NotificationSecret.key('slack-token'), username: 'releases' })],
  // besides the catalog triggers: a message when an analysis is inconclusive and the release waits for a person
  triggers: [NotificationTrigger.of({
    name: 'on-analysis-run-inconclusive',
    send: [NotificationTemplate.of({
      name: 'analysis-inconclusive',
      message: 'Rollout {{.rollout.metadata.name}} paused: an analysis was inconclusive. Promote or abort it.',
    })],
  })],
});
const slack = notifications.service('slack');

new CanaryService(chart, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  notifications: [
    RolloutNotification.onRolloutAborted(slack.to('#shop-releases', '#shop-oncall')),
    RolloutNotification.onAnalysisRunFailed(slack.to('#shop-releases')),
    RolloutNotification.onRolloutCompleted(slack.to('#shop-releases')),
    RolloutNotification.on('on-analysis-run-inconclusive', slack.to('#shop-releases')),
  ],
});

app.synth();
