// One report per problem: for bad input given through the constructs, the construct's own check and the rules do not
// both report the same problem. Each case has one problem; the synth reports it exactly once (errors and warnings).
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArg } from '../src/analysis-arg';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric, PrometheusAuthentication } from '../src/analysis-metric';
import { AnalysisTemplate, AnalysisTemplateArg } from '../src/analysis-template';
import { ArgoRollout } from '../src/argo-rollout';
import { ArgoCdApplication } from '../src/argocd-application';
import { CanaryService, CanaryServiceProps } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { ExternalNotificationsConfig } from '../src/external-notifications-config';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { NotificationSecret } from '../src/notification-secret';
import { NotificationService } from '../src/notification-service';
import { NotificationTemplate } from '../src/notification-template';
import { NotificationTrigger } from '../src/notification-trigger';
import { NotificationsConfig } from '../src/notifications-config';
import { chartWarnings } from '../src/private/synth/app-rules';
import { RolloutNotification } from '../src/rollout-notification';
import { CanaryRules } from '../src/rules/canary-rules';
import { StringMatch } from '../src/string-match';
import { WorkloadRef } from '../src/workload-ref';

const IMAGE = 'ghcr.io/acme/shop:1.4.2';
const APPLICATION = { sourceRepoUrl: 'https://github.com/acme/gitops.git', destinationServer: 'https://kubernetes.default.svc' };
const slack = NotificationService.slack({ token: NotificationSecret.key('slack-token') });

/** Every report of a synth of `app`: the lines of its validation error, then the rule warnings of each chart. */
function reports(app: App): string[] {
  let errors: string[] = [];
  try {
    app.synthYaml();
  } catch (e: any) {
    errors = e.message.split('\n').slice(1).map((l: string) => l.trim());
  }
  const charts = app.node.findAll().filter((c): c is Chart => c instanceof Chart);
  return [...errors, ...charts.flatMap(c => chartWarnings(c).map(f => `[${c.node.path}] ${CanaryRules.format(f)}`))];
}

/** A chart "shop" (namespace shop) with a CanaryService "shop" given `props` (steps that end at 100% by default). */
function shop(props: Partial<CanaryServiceProps> = {}, build?: (c: Chart) => Partial<CanaryServiceProps>): App {
  const app = Testing.app();
  const c = new Chart(app, 'shop', { namespace: 'shop' });
  new CanaryService(c, 'shop', { image: IMAGE, ...props, ...build?.(c) });
  return app;
}

const header = (name: string) => CanaryStep.headerRoute({ name, match: [{ headerName: 'x-canary', value: StringMatch.exact('1') }] });

describe('one report per problem', () => {
  test('the baseline has no report at all (so each case below counts only its own problem)', () => {
    expect(reports(shop())).toEqual([]);
  });

  test.each<[string, () => App, RegExp]>([
    ['a step route used by header and mirror steps', () => shop({ steps: [header('preview'), CanaryStep.mirrorRoute({ name: 'preview' }), CanaryStep.weight(100)] }),
      /route "preview" is used both by setHeaderRoute and setMirrorRoute steps/],
    ['a step that removes a route no step adds', () => shop({ steps: [CanaryStep.weight(10), CanaryStep.pause(), CanaryStep.removeHeaderRoute('never-added'), CanaryStep.weight(100)] }),
      /removes route "never-added", which no earlier step adds/],
    ['a header route with the name of the weighted route', () => shop({ steps: [header('primary'), CanaryStep.weight(100)] }), /\[CR116\]/],
    ['a background analysis starting at a step that does not exist', () => shop({ steps: [CanaryStep.weight(10), CanaryStep.pause(), CanaryStep.weight(100)] }, c => ({
      analysis: { templates: [new AnalysisTemplate(c, 't', { metrics: [IstioMetrics.successRate()] })], startingStep: 9 },
    })), /'analysis.startingStep' \(9\) must be the index of a step/],
    ['an analysis argument supplied twice with different values', () => shop({}, c => ({
      analysis: {
        templates: [new AnalysisTemplate(c, 't', { args: [AnalysisTemplateArg.required('job')], metrics: [IstioMetrics.successRate()] })],
        args: [AnalysisArg.fromValue('job', 'a'), AnalysisArg.fromValue('job', 'b')],
      },
    })), /argument 'job' is supplied twice with different values/],
    ['an analysis argument no template declares', () => shop({}, c => ({
      analysis: { templates: [new AnalysisTemplate(c, 't', { metrics: [IstioMetrics.successRate()] })], args: [AnalysisArg.fromValue('jbo', 'a')] },
    })), /argument 'jbo' is supplied but no template declares it/],
    ['an argument a template needs and no one supplies', () => shop({}, c => ({
      analysis: { templates: [new AnalysisTemplate(c, 't', { args: [AnalysisTemplateArg.required('job')], metrics: [IstioMetrics.successRate()] })] },
    })), /\[CR125\]/],
    ['a dry-run metric that is no metric of the template', () => shop({}, c => ({
      analysis: { templates: [new AnalysisTemplate(c, 't', { metrics: [IstioMetrics.successRate()], dryRunMetrics: ['nope'] })] },
    })), /'dryRunMetrics' names 'nope'/],
    ['an OAuth2 client secret read from an argument that is not from a Secret', () => shop({}, c => ({
      analysis: {
        templates: [new AnalysisTemplate(c, 't', {
          args: [AnalysisTemplateArg.withDefault('oauth-secret', 'hunter2')],
          metrics: [AnalysisMetric.prometheus({
            name: 'm',
            query: 'sum(x)',
            condition: MetricCondition.atLeast(0.95),
            authentication: PrometheusAuthentication.oauth2({ tokenUrl: 'https://auth.example.com/token', clientId: 'argo', clientSecretArg: 'oauth-secret' }),
          })],
        })],
      },
    })), /reads its OAuth2 client secret from argument 'oauth-secret'/],
    ['a subscription to a trigger no configuration defines', () => shop({}, c => {
      const config = new NotificationsConfig(c, 'n', { services: [slack] });
      return { notifications: [RolloutNotification.on('on-rollout-resumed', config.service('slack').to('#x'))] };
    }), /the subscription to "on-rollout-resumed" through "slack" cannot be sent/],
    ['a subscription with no configuration for the namespace', () => shop({ notifications: [RolloutNotification.onRolloutAborted(slack.to('#x'))] }),
      /no notifications configuration is read for namespace "shop"/],
    ['two notifications configurations in one namespace', () => {
      const app = shop();
      new NotificationsConfig(Chart.of(app.node.findChild('shop')), 'n1', { services: [slack] });
      new NotificationsConfig(new Chart(app, 'more', { namespace: 'shop' }), 'n2', { services: [slack] });
      return app;
    }, /^\[shop\/n1\] 2 notifications configurations are in namespace "shop"/],
    ['an object defined in two charts', () => {
      const app = shop();
      new kplus.ConfigMap(app.node.findChild('shop') as Chart, 'cm1', { metadata: { name: 'settings' } });
      new kplus.ConfigMap(new Chart(app, 'more', { namespace: 'shop' }), 'cm2', { metadata: { name: 'settings' } });
      return app;
    }, /\[CR308\]/],
    ['two Applications that deploy the same object', () => {
      const app = shop();
      const more = new Chart(app, 'more', { namespace: 'shop' });
      new kplus.ConfigMap(app.node.findChild('shop') as Chart, 'cm1', { metadata: { name: 'settings' } });
      new kplus.ConfigMap(more, 'cm2', { metadata: { name: 'settings' } });
      const argocd = new Chart(app, 'argocd');
      new ArgoCdApplication(argocd, 'a', { ...APPLICATION, sourcePath: 'shop', charts: [app.node.findChild('shop') as Chart] });
      new ArgoCdApplication(argocd, 'b', { ...APPLICATION, sourcePath: 'more', charts: [more] });
      return app;
    }, /settings/],
    ['an analysis without templates', () => shop({ steps: [CanaryStep.weight(10), CanaryStep.pause(), CanaryStep.weight(100)], analysis: { templates: [] } }), /background analysis: 'templates' is empty/],
    ['a notifications configuration without services', () => shop({}, c => {
      new NotificationsConfig(c, 'n');
      return {};
    }), /the configuration defines no service/],
    ['a template that calls a webhook service the configuration does not define', () => shop({}, c => {
      const send = [NotificationTemplate.of({ name: 'x', message: 'x', webhooks: { 'deploy-lg': { method: 'POST', body: '{}' } } })];
      new NotificationsConfig(c, 'n', { services: [slack], triggers: [NotificationTrigger.of({ name: 'on-rollout-resumed', send })] });
      return {};
    }), /the template "x" has a request for the webhook service "deploy-lg"/],
    ['a subscription to a service the external configuration does not declare', () => shop({}, c => {
      new ExternalNotificationsConfig(c, 'cluster', { services: ['slack'] });
      return { notifications: [RolloutNotification.onRolloutAborted(NotificationService.named('teams').to('#x'))] };
    }), /the subscription to "on-rollout-aborted" through "teams" cannot be sent/],
    ['an Application that deploys no chart', () => {
      const app = shop();
      new ArgoCdApplication(new Chart(app, 'argocd'), 'a', { ...APPLICATION, sourcePath: 'shop' });
      return app;
    }, /the Application "\S+" deploys no chart/],
    ['a chart deployed by two Applications', () => {
      const app = shop();
      const argocd = new Chart(app, 'argocd');
      const charts = [app.node.findChild('shop') as Chart];
      new ArgoCdApplication(argocd, 'a', { ...APPLICATION, sourcePath: 'shop', charts });
      new ArgoCdApplication(argocd, 'b', { ...APPLICATION, sourcePath: 'shop-again', charts });
      return app;
    }, /^\[argocd\/a\] the chart "shop" is deployed by both Application/],
  ])('fails if %s, reported once', (_case, build, expected) => {
    const found = reports(build());
    expect(found).toEqual([expect.stringMatching(expected)]);
  });

  test('fails if a Rollout with workloadRef sets pod settings of its own, reported once', () => {
    // GIVEN a migration from a Deployment, without and with pod settings on the Rollout
    const migration = (ownPodSettings: boolean) => {
      const app = Testing.app();
      const c = new Chart(app, 'web', { namespace: 'web' });
      const deployment = new kplus.Deployment(c, 'web', {
        metadata: { name: 'web' },
        select: false,
        podMetadata: { labels: { app: 'web' } },
        containers: [{ name: 'main', image: IMAGE, portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
      });
      deployment.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
      const subsets = new IstioSubsets(c, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: { app: 'web' } });
      const rollout = new ArgoRollout(c, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) });
      if (ownPodSettings) rollout.podMetadata.addLabel('team', 'payments');
      return app;
    };
    // THEN the problem adds one report to those of the migration without it
    const baseline = reports(migration(false));
    expect(reports(migration(true))).toEqual([expect.stringMatching(/the Rollout sets pod labels of a pod template, but it takes its pod template from Deployment "web"/), ...baseline]);
  });
});
