// One report per problem: for bad input given through the constructs, the construct's own check and the rules do not
// both report the same problem. Each case has one problem; the synth reports it exactly once (errors and warnings).
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisArg } from '../src/analysis-arg';
import { MetricCondition } from '../src/analysis-condition';
import { AnalysisMetric, PrometheusAuthentication } from '../src/analysis-metric';
import { AnalysisTemplate, AnalysisTemplateArg } from '../src/analysis-template';
import { ArgoRollout } from '../src/argo-rollout';
import { ArgoCdApplication } from '../src/argocd-application';
import { CanaryService, CanaryServiceProps } from '../src/canary-service';
import { CanaryStep } from '../src/canary-step';
import { CanaryTestTraffic } from '../src/canary-test-traffic';
import { ExternalNotificationsConfig } from '../src/external-notifications-config';
import { IstioGateway } from '../src/istio-gateway';
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
import { ServicePortProtocol } from '../src/service-port';
import { StringMatch } from '../src/string-match';
import { VersionedConfigMap } from '../src/versioned-config-map';
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

/** The canary test traffic of "shop" (header route "canary-tests"). */
const testTraffic = (props: { headerValue?: string } = {}) => new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop', ...props });
/** Steps that give the canary a pod, then `middle`, then 10% for 5 minutes and 100%. */
const stepsAround = (...middle: CanaryStep[]) => [
  CanaryStep.canaryScale({ replicas: 1 }), ...middle, CanaryStep.weight(10), CanaryStep.pause(Duration.minutes(5)), CanaryStep.weight(100),
];
/** A header step (the route of testers) and a mirror step (GET requests), each followed by a pause. */
const testersStep = CanaryStep.headerRoute({ name: 'testers', match: [{ headerName: 'x-canary', value: StringMatch.exact('yes') }] });
const shadowStep = CanaryStep.mirrorRoute({ name: 'shadow', percentage: 10, match: [{ method: StringMatch.exact('GET') }] });
/** A chart "shop" with a CanaryService "shop" whose container copies the variables `build` returns (built in the chart). */
function shopReading(build: (c: Chart) => kplus.EnvFrom): App {
  const app = Testing.app();
  const c = new Chart(app, 'shop', { namespace: 'shop' });
  const env = build(c);
  new CanaryService(c, 'shop', { image: IMAGE }).rollout.containers[0].env.copyFrom(env);
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
    ['a secret header read from an argument that is not from a Secret', () => shop({}, c => ({
      analysis: {
        templates: [new AnalysisTemplate(c, 't', {
          args: [AnalysisTemplateArg.withDefault('token', 'hunter2')],
          metrics: [AnalysisMetric.web({
            name: 'status',
            url: 'https://status.example.com/api',
            condition: MetricCondition.atLeast(1),
            secretHeaders: { Authorization: 'Bearer {{args.token}}' },
          })],
        })],
      },
    })), /^\[shop\/t\] metric 'status' reads the header Authorization from argument 'token'/],
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
    // additional subsets
    ['an additional subset whose pods no workload of the app runs', () => shop({ additionalSubsets: [{ name: 'legacy', labels: { track: 'legacy' }, weight: 10 }] }),
      /\[CR221\] DestinationRule shop\/shop-additional spec\.subsets\[0\]\.labels: no workload in the manifest set runs pods that are in subset "legacy"/],
    // canary test traffic
    ['a smoke test without its header route', () => shop({}, c => {
      const smoke = new AnalysisTemplate(c, 'smoke', { metrics: [testTraffic().smokeTest()] });
      return { steps: stepsAround(CanaryStep.analysis({ templates: [smoke] })) };
    }), /\[CR323\] .*metric "smoke-test" .*no step before step 1 adds that route/],
    ['a smoke test and a background load test without their header route', () => shop({}, c => {
      const tests = testTraffic();
      const smoke = new AnalysisTemplate(c, 'smoke', { metrics: [tests.smokeTest()] });
      const load = new AnalysisTemplate(c, 'load', { metrics: [tests.loadTest({ requestsPerSecond: 5, duration: Duration.minutes(5) })] });
      return { steps: stepsAround(CanaryStep.analysis({ templates: [smoke] })), analysis: { templates: [load], startingStep: 2 } };
    }), /\[CR323\] .*steps\[1\]\.analysis: metric "smoke-test" .*no step before step 1 adds that route \(and so does metric "load-test" .*\), so their requests/],
    ['a smoke test behind the header route of other test traffic', () => shop({}, c => {
      const smoke = new AnalysisTemplate(c, 'smoke', { metrics: [testTraffic().smokeTest()] });
      return { steps: stepsAround(testTraffic({ headerValue: 'other' }).headerRoute(), CanaryStep.analysis({ templates: [smoke] })) };
    }), /\[CR323\] .*sends the header "x-canary-test: canary-tests", which header route "canary-tests" does not match/],
    ['a background load test whose header route a later step removes', () => shop({}, c => {
      const tests = testTraffic();
      const load = new AnalysisTemplate(c, 'load', { metrics: [tests.loadTest({ requestsPerSecond: 5, duration: Duration.minutes(5) })] });
      return {
        steps: stepsAround(tests.headerRoute(), CanaryStep.removeHeaderRoute(tests.routeName)),
        analysis: { templates: [load], startingStep: 2 },
      };
    }), /\[CR323\] .*metric "load-test" .*runs in the background analysis, but step 2 removes header route "canary-tests"/],
    ['a smoke test through a VirtualService bound to a gateway only', () => shop({ mesh: false }, c => {
      const tests = testTraffic();
      const smoke = new AnalysisTemplate(c, 'smoke', { metrics: [tests.smokeTest()] });
      return {
        gateway: new IstioGateway(c, 'public', { hosts: ['shop.example.com'] }),
        steps: stepsAround(tests.headerRoute(), CanaryStep.analysis({ templates: [smoke] })),
      };
    }), /\[CR323\] .*metric "smoke-test" .*which are bound to gateways only/],
    ['a smoke test and a background load test through a VirtualService bound to a gateway only', () => shop({ mesh: false }, c => {
      const tests = testTraffic();
      const smoke = new AnalysisTemplate(c, 'smoke', { metrics: [tests.smokeTest()] });
      const load = new AnalysisTemplate(c, 'load', { metrics: [tests.loadTest({ requestsPerSecond: 5, duration: Duration.minutes(5) })] });
      return {
        gateway: new IstioGateway(c, 'public', { hosts: ['shop.example.com'] }),
        steps: stepsAround(tests.headerRoute(), CanaryStep.analysis({ templates: [smoke] })),
        analysis: { templates: [load], startingStep: 3 },
      };
    }), /\[CR323\] .*metric "smoke-test" .*which are bound to gateways only.*\(and so does metric "load-test"/],
    ['a Job metric that may run longer than its interval', () => shop({}, c => ({
      analysis: {
        templates: [new AnalysisTemplate(c, 't', {
          metrics: [AnalysisMetric.job({ name: 'j', interval: Duration.minutes(1), count: 3, activeDeadline: Duration.minutes(5), container: { image: IMAGE } })],
        })],
      },
    })), /warning \[CR322\] .*metric "j": the Job may run 300s/],
    // route policy
    ['a per-try timeout not shorter than the route timeout', () => shop({ routePolicy: { timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.seconds(15) } } }),
      /warning \[CR232\] VirtualService shop\/shop spec\.http\[0\]\.retries\.perTryTimeout/],
    ['a header step on a route with a timeout', () => shop({ routePolicy: { timeout: Duration.seconds(10) }, steps: stepsAround(testersStep, CanaryStep.pause()) }),
      /warning \[CR238\] .*the header route "testers" that Argo Rollouts adds to VirtualService shop\/shop .*'timeout' \("10s"\)/],
    ['a mirror step on a route with retries', () => shop({ routePolicy: { retries: { attempts: 2 } }, steps: stepsAround(shadowStep, CanaryStep.pause()) }),
      /warning \[CR239\] .*the mirror route "shadow" that Argo Rollouts adds to VirtualService shop\/shop .*'retries' \(\{"attempts":2\}\)/],
    ['a per-try timeout not shorter than the route timeout, on the routes of two HTTP ports', () => shop({
      ports: [{ port: 80, targetPort: 8080 }, { port: 9000, protocol: ServicePortProtocol.GRPC }],
      routePolicy: { timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.seconds(15) } },
    }), /warning \[CR232\] VirtualService shop\/shop spec\.http\[0\]\.retries\.perTryTimeout: .* \(the same at VirtualService shop\/shop spec\.http\[1\]\.retries\.perTryTimeout: one construct made them all\)/],
    ['a per-try timeout not shorter than the route timeout, with an ingress and a mesh VirtualService', () => shop({}, c => ({
      gateway: new IstioGateway(c, 'public', { hosts: ['shop.example.com'] }),
      separateIngressVirtualService: true,
      routePolicy: { timeout: Duration.seconds(10), retries: { attempts: 3, perTryTimeout: Duration.seconds(15) } },
    })), /warning \[CR232\] VirtualService shop\/shop spec\.http\[0\]\.retries\.perTryTimeout: .* \(the same at VirtualService shop\/shop-ingress spec\.http\[0\]\.retries\.perTryTimeout: one construct made them all\)/],
    ['a header step on a route with a timeout, with an ingress and a mesh VirtualService', () => shop({}, c => ({
      gateway: new IstioGateway(c, 'public', { hosts: ['shop.example.com'] }),
      separateIngressVirtualService: true,
      routePolicy: { timeout: Duration.seconds(10) },
      steps: stepsAround(testersStep, CanaryStep.pause()),
    })), /warning \[CR238\] .*the header route "testers" that Argo Rollouts adds to VirtualService shop\/shop-ingress and VirtualService shop\/shop holds/],
    ['a mirror step on a route with retries, with an ingress and a mesh VirtualService', () => shop({}, c => ({
      gateway: new IstioGateway(c, 'public', { hosts: ['shop.example.com'] }),
      separateIngressVirtualService: true,
      routePolicy: { retries: { attempts: 2 } },
      steps: stepsAround(shadowStep, CanaryStep.pause()),
    })), /warning \[CR239\] .*the mirror route "shadow" that Argo Rollouts adds to VirtualService shop\/shop-ingress and VirtualService shop\/shop serves/],
    // versioned configuration
    ['pods that read a VersionedConfigMap by its base name', () => shopReading(c => {
      new VersionedConfigMap(c, 'settings', { name: 'shop-settings', data: { mode: 'fast' } });
      return kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(c, 'plain', 'shop-settings'));
    }), /\[CR325\] .*the pods read ConfigMap "shop-settings", the base name of the content-hashed ConfigMap/],
    ['canary pods that read a Secret with its values in the manifests', () => shopReading(c => kplus.Env.fromSecret(
      new kplus.Secret(c, 'db', { metadata: { name: 'db' }, stringData: { password: 'hunter2' } }),
    )), /\[CR326\] Secret shop\/db stringData: the pods of canary Rollout shop\/shop read this Secret/],
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

describe('one report per problem: a migration from a Deployment (workloadRef)', () => {
  /** The Deployment "web" (pods labelled `podLabels`, selected by app: web) migrated by a Rollout whose subsets select `subsetLabels`. */
  type Labels = { [k: string]: string };
  const migration = (options: { podLabels?: Labels; subsetLabels?: Labels; selectLater?: Labels } = {}) => {
    const app = Testing.app();
    const c = new Chart(app, 'web', { namespace: 'web' });
    const deployment = new kplus.Deployment(c, 'web', {
      metadata: { name: 'web' },
      select: false,
      podMetadata: { labels: options.podLabels ?? { app: 'web' } },
      containers: [{ name: 'main', image: IMAGE, portNumber: 8080, readiness: kplus.Probe.fromHttpGet('/healthz') }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    const subsets = new IstioSubsets(c, 'subsets', { serviceName: 'web', servicePort: 80, subsetLabels: options.subsetLabels ?? { app: 'web' } });
    new ArgoRollout(c, 'rollout', { subsets, workloadRef: WorkloadRef.fromDeployment(deployment) });
    // a selector the Rollout's construct-time check cannot see yet
    if (options.selectLater) deployment.select(kplus.LabelSelector.of({ labels: options.selectLater }));
    return app;
  };
  const baseline = () => reports(migration());

  test('fails if the Deployment\'s pods lack an identity label of the subsets (CR163, not also CR328), reported once', () => {
    expect(reports(migration({ subsetLabels: { app: 'web', tier: 'front' } })))
      .toEqual([expect.stringMatching(/\[CR163\] Rollout web\/web spec\.selector: 'selector' \(\{"matchLabels":\{"app":"web","tier":"front"\}\}\) does not select/), ...baseline()]);
  });

  test('fails if the Deployment selects its pods by a label that changes per release, added after the Rollout, reported once', () => {
    expect(reports(migration({ podLabels: { app: 'web', version: 'v1' }, selectLater: { version: 'v1' } })))
      .toEqual([expect.stringMatching(/\[CR327\] Deployment web\/web spec\.selector: Rollout web\/web takes its pod template from this Deployment, whose selector uses "version"/), ...baseline()]);
  });
});
