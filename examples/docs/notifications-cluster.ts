import { Chart } from 'cdk8s';
import { CanaryApp, CanaryService, ExternalNotificationsConfig, RolloutNotification } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'payments', { namespace: 'payments' });

// What the controller's ConfigMap (argo-rollouts namespace) defines: the catalog triggers, installed from
// notifications-install.yaml, and the services the platform team configured. Nothing is written for it.
const cluster = new ExternalNotificationsConfig(chart, 'cluster-notifications', { services: ['slack', 'pagerduty'] });

new CanaryService(chart, 'payments', {
  image: 'ghcr.io/acme/payments:3.2.0',
  notifications: [
    RolloutNotification.onRolloutAborted(cluster.service('slack').to('#payments'), cluster.service('pagerduty').to('payments')),
    RolloutNotification.onAnalysisRunError(cluster.service('slack').to('#payments')),
  ],
});

app.synth();
