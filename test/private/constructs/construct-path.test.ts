import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisMetric } from '../../../src/analysis-metric';
import { AnalysisTemplate, AnalysisTemplateArg, ClusterAnalysisTemplate } from '../../../src/analysis-template';
import { ArgoRollout } from '../../../src/argo-rollout';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryService } from '../../../src/canary-service';
import { CanaryStep } from '../../../src/canary-step';
import { ExternalNotificationsConfig } from '../../../src/external-notifications-config';
import { IstioGateway } from '../../../src/istio-gateway';
import { IstioSubsets } from '../../../src/istio-subsets';
import { NotificationSecret } from '../../../src/notification-secret';
import { NotificationService } from '../../../src/notification-service';
import { NotificationTemplate } from '../../../src/notification-template';
import { NotificationTrigger } from '../../../src/notification-trigger';
import { NotificationsConfig } from '../../../src/notifications-config';
import { atConstructPath } from '../../../src/private/constructs/construct-path';
import { VersionedConfigMap } from '../../../src/versioned-config-map';
import { WorkloadRef } from '../../../src/workload-ref';

const IMAGE = 'ghcr.io/acme/shop:1.4.2';

/** The message of the error `build` throws. */
function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e: any) {
    return e.message;
  }
  throw new Error('expected an error');
}

describe('construct-time errors name the construct path', () => {
  const chart = () => new Chart(Testing.app(), 'apps', { namespace: 'shop' });
  const subsets = (c: Chart) => new IstioSubsets(c, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } });

  test.each([
    ['CanaryService', (c: Chart) => new CanaryService(c, 'shop', { name: 'Shop', image: IMAGE }), /^\[apps\/shop\] 'name' \("Shop"\)/],
    ['IstioSubsets', (c: Chart) => new IstioSubsets(c, 'subsets', { serviceName: 'Shop', servicePort: 80, subsetLabels: { app: 'shop' } }),
      /^\[apps\/subsets\] 'serviceName' \("Shop"\)/],
    ['ArgoRollout', (c: Chart) => new ArgoRollout(c, 'rollout', { subsets: subsets(c), replicas: 1.5, containers: [{ image: IMAGE, portNumber: 8080 }] }),
      /^\[apps\/rollout\] 'replicas' \(1.5\)/],
    ['IstioGateway', (c: Chart) => new IstioGateway(c, 'gw', { name: 'pub.lic', hosts: ['shop.example.com'] }), /^\[apps\/gw\] 'name' \("pub.lic"\)/],
    ['AnalysisTemplate', (c: Chart) => new AnalysisTemplate(c, 't', { args: [AnalysisTemplateArg.required('a'), AnalysisTemplateArg.required('a')] }),
      /^\[apps\/t\] argument 'a' is declared twice/],
    ['ArgoCdApplication', (c: Chart) => new ArgoCdApplication(c, 'app', { name: 'shop', repoUrl: 'not a url', path: 'apps/shop' } as any), /^\[apps\/app\] /],
  ])('fails if %s gets a bad prop, naming its path', (_kind, build, expected) => {
    expect(messageOf(() => build(chart()))).toMatch(expected);
  });

  test.each([
    ['ClusterAnalysisTemplate', (c: Chart) => new ClusterAnalysisTemplate(c, 'ct', { metadata: { namespace: 'shop' } }),
      /^\[apps\/ct\] 'metadata.namespace' \("shop"\) cannot be set/],
    ['NotificationsConfig', (c: Chart) => new NotificationsConfig(c, 'notes', { controllerNamespace: 'Argo' }), /^\[apps\/notes\] 'controllerNamespace' \("Argo"\)/],
    ['ExternalNotificationsConfig', (c: Chart) => new ExternalNotificationsConfig(c, 'ext', { services: [] }), /^\[apps\/ext\] ExternalNotificationsConfig: 'services' is empty/],
    ['VersionedConfigMap', (c: Chart) => new VersionedConfigMap(c, 'config', { data: { 'a b': 'x' } }), /^\[apps\/config\] 'data' has the key "a b"/],
  ])('fails if %s gets a bad prop, naming its path (also checks made before the construct exists)', (_kind, build, expected) => {
    expect(messageOf(() => build(chart()))).toMatch(expected);
  });

  const rollout = (c: Chart) => new ArgoRollout(c, 'rollout', { subsets: subsets(c), containers: [{ image: IMAGE, portNumber: 8080 }] });
  const application = (c: Chart) => new ArgoCdApplication(c, 'app', { sourceRepoUrl: 'https://github.com/acme/gitops.git', sourcePath: 'apps/shop', destinationServer: 'https://kubernetes.default.svc' });
  const slack = () => NotificationService.slack({ token: NotificationSecret.key('slack-token') });
  test.each([
    ['ArgoRollout.addStep', (c: Chart) => rollout(c).addStep(CanaryStep.weight(5)), /^\[apps\/rollout\] canary step \d+: weight 5 must be greater/],
    ['ArgoRollout.addContainer', (c: Chart) => rollout(c).addContainer({ image: 'shop:latest' }), /^\[apps\/rollout\] 'image'/],
    ['ArgoRollout.referenceSecret', (c: Chart) => rollout(c).referenceSecret('db', { version: 'not a version' }), /^\[apps\/rollout\] 'version' \("not a version"\)/],
    ['ArgoRollout.autoscale', (c: Chart) => new ArgoRollout(c, 'rollout', { subsets: subsets(c), replicas: 3, containers: [{ image: IMAGE, portNumber: 8080 }] }).autoscale({ maxReplicas: 5 }),
      /^\[apps\/rollout\] 'replicas' \(3\) is set, but an autoscaler/],
    ['ArgoRollout.addVolume', (c: Chart) => {
      const deployment = new kplus.Deployment(c, 'web', { containers: [{ image: IMAGE, portNumber: 8080 }] });
      const r = new ArgoRollout(c, 'rollout', { subsets: subsets(c), workloadRef: WorkloadRef.fromDeployment(deployment) });
      r.addVolume(kplus.Volume.fromEmptyDir(c, 'v', 'scratch'));
    }, /^\[apps\/rollout\] addVolume\(\)/],
    ['ArgoCdApplication.addChart', (c: Chart) => application(c).addChart(c), /^\[apps\/app\] 'charts' contains the chart "apps"/],
    ['ArgoCdApplication.addSyncOption', (c: Chart) => application(c).addSyncOption('no form'), /^\[apps\/app\] 'syncOptions' entry "no form"/],
    ['ArgoCdApplication.addIgnoreDifference', (c: Chart) => application(c).addIgnoreDifference({ kind: 'Deployment' }), /^\[apps\/app\] 'ignoreDifferences' entry for kind "Deployment"/],
    ['AnalysisTemplate.addMetric', (c: Chart) => new AnalysisTemplate(c, 't').addMetric({} as AnalysisMetric), /^\[apps\/t\] 'metrics' contains something/],
    ['AnalysisTemplate.addArg', (c: Chart) => {
      const t = new AnalysisTemplate(c, 't', { args: [AnalysisTemplateArg.required('a')] });
      t.addArg(AnalysisTemplateArg.required('a'));
    }, /^\[apps\/t\] argument 'a' is declared twice/],
    ['AnalysisTemplate.addDryRunMetric', (c: Chart) => new AnalysisTemplate(c, 't').addDryRunMetric(''), /^\[apps\/t\] 'dryRunMetrics' contains ""/],
    ['AnalysisTemplate.addMeasurementRetention', (c: Chart) => new AnalysisTemplate(c, 't').addMeasurementRetention({ metricName: 'm', limit: 0 }),
      /^\[apps\/t\] 'measurementRetention' limit for metric 'm' \(0\)/],
    ['NotificationsConfig.addService', (c: Chart) => new NotificationsConfig(c, 'notes').addService(NotificationService.named('slack')),
      /^\[apps\/notes\] NotificationsConfig: the service "slack" is known by name only/],
    ['NotificationsConfig.addTrigger', (c: Chart) => new NotificationsConfig(c, 'notes').addTrigger(
      NotificationTrigger.of({ name: 'on-rollout-aborted', send: [NotificationTemplate.of({ name: 'x', message: 'x' })] })),
    /^\[apps\/notes\] NotificationsConfig: the trigger "on-rollout-aborted" is defined twice/],
    ['NotificationsConfig.service', (c: Chart) => new NotificationsConfig(c, 'notes', { services: [slack()] }).service('teams'),
      /^\[apps\/notes\] NotificationsConfig has no service "teams"/],
    ['ExternalNotificationsConfig.service', (c: Chart) => new ExternalNotificationsConfig(c, 'ext', { services: ['slack'] }).service('teams'),
      /^\[apps\/ext\] ExternalNotificationsConfig declares no service "teams"/],
    ['VersionedConfigMap.addData', (c: Chart) => new VersionedConfigMap(c, 'config', { data: { a: 'x' } }).addData('b', 'y'),
      /^\[apps\/config\] VersionedConfigMap "config-[0-9a-z]+": addData\("b"\) after construction/],
  ])('fails if %s gets bad input after construction, naming the path of its construct', (_method, call, expected) => {
    expect(messageOf(() => call(chart()))).toMatch(expected);
  });

  test('an error of a construct inside another names the innermost construct, once', () => {
    const message = messageOf(() => new CanaryService(chart(), 'shop', { image: IMAGE, hosts: ['shop.example.com'], gateway: IstioGateway.fromGatewayRef('a/b'), mesh: false, separateIngressVirtualService: true } as any));
    expect(message).toMatch(/^\[apps\/shop\/Subsets\] [^[]/);
  });

  test('an error that already names a path is left as it is; other values are passed through', () => {
    const c = chart();
    const inner = atConstructPath(c, new Error('boom')) as Error;
    expect((atConstructPath(c.node.root, inner) as Error).message).toBe('[apps] boom');
    expect(atConstructPath(c, 'not an error')).toBe('not an error');
    expect((atConstructPath(c, new Error('[apps/routes] written by the check')) as Error).message).toBe('[apps/routes] written by the check');
  });
});
