// Bad inputs (each a mutation of the valid baseline) and near misses for the rule tests.
import { OPERATIONS_BAD, OPERATIONS_GOOD } from './cases-operations';
import { computeIgnoreDifferences } from '../../src/private/argocd/ignore';
import { analysisTemplate, FQDN, get, NS, REVISION } from '../support/canary-fixture';

export interface BadCase {
  /** Test name after "fails if" / "warns if". */
  readonly name: string;
  readonly code: string;
  readonly mutate: (m: any[]) => void;
  /** Must match the message of a finding with `code`. */
  readonly message: RegExp;
  /** When given, must equal the path of that finding. */
  readonly path?: string;
  /** When given, must equal the object of that finding. */
  readonly object?: string;
  /** Run the rules as `cdk8s-canary lint` does (the set may be partial). */
  readonly partial?: boolean;
}

export interface GoodCase {
  readonly name: string;
  /** Codes that must not be reported. */
  readonly codes: string[];
  readonly mutate: (m: any[]) => void;
  /** Run the rules as `cdk8s-canary lint` does (the set may be partial). */
  readonly partial?: boolean;
}

const ro = (m: any[]) => get(m, 'Rollout');
const canary = (m: any[]) => ro(m).spec.strategy.canary;
const istio = (m: any[]) => canary(m).trafficRouting.istio;
const vs = (m: any[]) => get(m, 'VirtualService');
const dr = (m: any[]) => get(m, 'DestinationRule');
const gw = (m: any[]) => get(m, 'Gateway');
const svc = (m: any[]) => get(m, 'Service');
const at = (m: any[]) => get(m, 'AnalysisTemplate', 'shop-success-rate');
const container = (m: any[]) => ro(m).spec.template.spec.containers[0];
const primary = (m: any[]) => vs(m).spec.http[0];

/** Moves the Rollout's pod template into a Deployment "shop" that the Rollout references (workloadRef), as a migration. */
function migrate(m: any[], scaleDown = 'progressively'): any {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop', namespace: NS },
    spec: { replicas: 4, selector: { matchLabels: { app: 'shop' } }, template: ro(m).spec.template },
  };
  delete ro(m).spec.template;
  ro(m).spec.workloadRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', scaleDown };
  m.push(deployment);
  return deployment;
}

/** A content-hashed ConfigMap "shop-settings-<hash>" as VersionedConfigMap writes it. */
function versionedConfig(m: any[]): any {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'shop-settings-0123456789', namespace: NS, labels: { 'cdk8s-canary/config': 'shop-settings' } },
    immutable: true,
    data: { LOG_LEVEL: 'info' },
  };
  m.push(cm);
  return cm;
}

/** Adds the Argo CD Application that ArgoCdApplication generates for the set (computed ignore rules, its sync options), edited. */
function application(m: any[], edit: (app: any) => void = () => undefined): void {
  const app = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/acme/gitops.git', path: 'apps/shop', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc' },
      ignoreDifferences: computeIgnoreDifferences(m.map(manifest => ({ manifest, namespace: manifest.metadata?.namespace }))),
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ApplyOutOfSyncOnly=true'] },
    },
  };
  edit(app);
  m.push(app);
}

/** Adds the Application with one more ignoreDifferences entry (its index is 2: after the DestinationRule and VirtualService). */
function applicationWith(m: any[], entry: any): void {
  application(m, app => app.spec.ignoreDifferences.push({ group: 'networking.istio.io', kind: 'VirtualService', ...entry }));
}

/** A route without name to the stable subset. */
const unnamedRoute = (prefix: string) => ({ match: [{ uri: { prefix } }], route: [{ destination: { host: FQDN, subset: 'stable', port: { number: 80 } }, weight: 100 }] });

/** A second DestinationRule for the host of the baseline, with the given subsets. */
function secondRule(subsets: any[], extra: any = {}): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'shop-additional', namespace: NS }, spec: { host: FQDN, subsets, ...extra } };
}

/** A Deployment outside the Rollout whose pods are endpoints of the Service, labelled `track: legacy`. */
function legacyDeployment(): any {
  const labels = { app: 'shop', track: 'legacy' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop-legacy', namespace: NS },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'registry.example.com/shop:1.3.0', readinessProbe: { httpGet: { path: '/', port: 8080 } } }] } },
    },
  };
}

function extraTemplate(name: string, metricName: string, args: any[] = []): any {
  const t = analysisTemplate();
  t.metadata.name = name;
  t.spec.args = args;
  t.spec.metrics[0].name = metricName;
  t.spec.metrics[0].provider.prometheus = { address: 'http://prometheus.istio-system:9090', query: 'vector(1)' };
  return t;
}


/** An AnalysisTemplate with one metric of another provider, added to the set. */
function addMetric(m: any[], name: string, metric: any, args: any[] = []): any {
  const t = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: NS }, spec: { args, metrics: [metric] } };
  m.push(t);
  return t;
}

const WEB_OK = {
  name: 'status',
  successCondition: '!isNil(result) && result == "UP"',
  failureCondition: '!isNil(result) && result != "UP"',
  provider: { web: { url: 'https://status.example.com/health', method: 'GET', jsonPath: '{$.status}' } },
};
const DATADOG_OK = {
  name: 'errors',
  successCondition: '!isNil(result) && result <= 0.01',
  failureCondition: '!isNil(result) && result > 0.01',
  provider: { datadog: { apiVersion: 'v2', query: 'sum:trace.http.request.errors{service:shop}.as_count()' } },
};
const JOB_OK = {
  name: 'smoke',
  provider: {
    job: {
      spec: {
        activeDeadlineSeconds: 60,
        backoffLimit: 0,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example.com/smoke:1.0.0' }] } },
      },
    },
  },
};
const clone = (x: any) => JSON.parse(JSON.stringify(x));

/** A canary test Job (as CanaryTestTraffic writes it) run by an analysis step at index 2, with its header route at step 0. */
function addTestTraffic(m: any[], withRoute = true): any {
  const metric = clone(JOB_OK);
  metric.provider.job.metadata = { annotations: { 'cdk8s-canary/test-route': 'canary-tests', 'cdk8s-canary/test-header': 'x-canary-test: canary-tests' } };
  metric.provider.job.spec.template.metadata = { labels: { 'sidecar.istio.io/inject': 'true' } };
  addMetric(m, 'shop-smoke', metric);
  const steps = canary(m).steps;
  canary(m).trafficRouting.managedRoutes = [{ name: 'canary-tests' }];
  steps.unshift(
    withRoute ? { setHeaderRoute: { name: 'canary-tests', match: [{ headerName: 'x-canary-test', headerValue: { exact: 'canary-tests' } }] } } : { setCanaryScale: { replicas: 1 } },
    { setCanaryScale: { replicas: 1 } },
    { analysis: { templates: [{ templateName: 'shop-smoke' }] } },
  );
  canary(m).analysis.startingStep = 3;
  return metric;
}

export const BAD: BadCase[] = [
  ...OPERATIONS_BAD,
  // --- CR1xx
  {
    name: 'both virtualService and virtualServices are set',
    code: 'CR101',
    mutate: m => { istio(m).virtualServices = [{ name: 'shop', routes: ['primary'] }]; },
    message: /both 'virtualService' \("shop"\) and 'virtualServices' \("shop"\) are set/,
    path: 'spec.strategy.canary.trafficRouting.istio',
  },
  {
    name: 'neither virtualService nor virtualServices is set',
    code: 'CR101',
    mutate: m => { delete istio(m).virtualService; },
    message: /neither 'virtualService' nor 'virtualServices' is set/,
  },
  {
    name: 'the VirtualService is not in the manifest set',
    code: 'CR102',
    mutate: m => { istio(m).virtualService.name = 'shop-vs'; },
    message: /VirtualService shop\/shop-vs \(from "shop-vs"\) is not in the manifest set/,
  },
  {
    name: 'a route name in the Rollout has a typo',
    code: 'CR103',
    mutate: m => { istio(m).virtualService.routes = ['primry']; },
    message: /route "primry" is not an HTTP route of VirtualService shop\/shop \(its named routes: "primary"\)/,
    path: 'spec.strategy.canary.trafficRouting.istio.virtualService.routes[0]',
    object: 'Rollout shop/shop',
  },
  {
    name: 'the VirtualService route was renamed',
    code: 'CR103',
    mutate: m => { primary(m).name = 'main'; },
    message: /route "primary" is not an HTTP route .*its named routes: "main"/,
  },
  {
    name: 'routes is omitted and the VirtualService has two routes',
    code: 'CR104',
    mutate: m => {
      delete istio(m).virtualService.routes;
      vs(m).spec.http.unshift({ name: 'api', match: [{ uri: { prefix: '/api' } }], route: [{ destination: { host: FQDN, subset: 'stable', port: { number: 80 } } }] });
    },
    message: /'routes' is omitted, but VirtualService shop\/shop has 2 HTTP routes that are not managed routes \("api", "primary"\)/,
  },
  {
    name: 'the canary destination names another subset',
    code: 'CR105',
    mutate: m => { primary(m).route[1].destination.subset = 'canry'; },
    message: /route "primary" has no destination with subset "canary" \(the canary subset of Rollout shop\/shop; subsets in the route: "stable", "canry"\)/,
    path: 'spec.http[0].route',
    object: 'VirtualService shop/shop',
  },
  {
    name: 'the stable destination is missing',
    code: 'CR105',
    mutate: m => { primary(m).route.splice(0, 1); },
    message: /no destination with subset "stable"/,
  },
  {
    name: 'a host-level route lacks the canary Service',
    code: 'CR105',
    mutate: m => {
      delete istio(m).destinationRule;
      Object.assign(canary(m), { canaryService: 'shop-canary', stableService: 'shop' });
    },
    message: /route "primary" has no destination with host "shop-canary" \(the canary Service of Rollout shop\/shop; hosts in the route: "shop", "shop"\); the controller says "Canary Service 'shop-canary' not found in route"/,
  },
  {
    name: 'the DestinationRule is not in the manifest set',
    code: 'CR106',
    mutate: m => { istio(m).destinationRule.name = 'shop-dr'; },
    message: /DestinationRule shop\/shop-dr is not in the manifest set/,
  },
  {
    name: 'the DestinationRule is in another namespace',
    code: 'CR107',
    mutate: m => { dr(m).metadata.namespace = 'istio-system'; },
    message: /DestinationRule "shop" is in "istio-system", not in the Rollout's namespace "shop"/,
  },
  {
    name: 'the canary subset name is not a subset of the DestinationRule',
    code: 'CR108',
    mutate: m => { istio(m).destinationRule.canarySubsetName = 'preview'; },
    message: /'canarySubsetName' \("preview"\) is not a subset of DestinationRule shop\/shop \(its subsets: "stable", "canary"\)/,
    path: 'spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName',
  },
  {
    name: 'a third destination would be deleted by the controller',
    code: 'CR109',
    mutate: m => {
      dr(m).spec.subsets.push({ name: 'legacy', labels: { app: 'shop-legacy' } });
      primary(m).route.push({ destination: { host: FQDN, subset: 'legacy', port: { number: 80 } }, weight: 0 });
    },
    message: /destination \{"host":"shop.shop.svc.cluster.local","subset":"legacy".*\} is neither the stable nor the canary subset/,
    path: 'spec.http[0].route[2]',
  },
  {
    name: 'a step sets both setWeight and pause',
    code: 'CR110',
    mutate: m => { canary(m).steps[0] = { setWeight: 10, pause: { duration: '5m' } }; },
    message: /step 0 sets 'setWeight' and 'pause', but a step may set only one of them/,
    path: 'spec.strategy.canary.steps[0]',
  },
  {
    name: 'a step sets nothing',
    code: 'CR110',
    mutate: m => { canary(m).steps.splice(1, 0, {}); },
    message: /step 1 \(\{\}\) sets none of/,
  },
  {
    name: 'a step weight is 120',
    code: 'CR111',
    mutate: m => { canary(m).steps[4].setWeight = 120; },
    message: /'setWeight' \(120\) must be an integer between 0 and 100/,
    path: 'spec.strategy.canary.steps[4].setWeight',
  },
  {
    name: 'a step weight is negative',
    code: 'CR111',
    mutate: m => { canary(m).steps[0].setWeight = -5; },
    message: /'setWeight' \(-5\) must be an integer between 0 and 100/,
  },
  {
    name: 'a step weight is a fraction',
    code: 'CR111',
    mutate: m => { canary(m).steps[0].setWeight = 12.5; },
    message: /'setWeight' \(12.5\)/,
  },
  {
    name: 'a pause duration does not parse',
    code: 'CR112',
    mutate: m => { canary(m).steps[1].pause.duration = '5 minutes'; },
    message: /'pause.duration' \("5 minutes"\) does not parse as a duration/,
    path: 'spec.strategy.canary.steps[1].pause.duration',
  }, {
    name: 'a pause duration has a space, which Go does not trim',
    code: 'CR112',
    mutate: m => { canary(m).steps[1].pause.duration = ' 5m'; },
    message: /'pause.duration' \(" 5m"\) does not parse as a duration/,
  },

  {
    name: 'a pause duration is negative',
    code: 'CR112',
    mutate: m => { canary(m).steps[1].pause.duration = '-1m'; },
    message: /'pause.duration' \("-1m"\) is negative/,
  },
  {
    name: 'a pause duration in seconds is negative',
    code: 'CR112',
    mutate: m => { canary(m).steps[1].pause.duration = -30; },
    message: /'pause.duration' \(-30\) is negative/,
  },
  {
    name: 'a header route step has no managedRoutes',
    code: 'CR113',
    mutate: m => { canary(m).steps.splice(1, 0, { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } }); },
    message: /step 1 uses 'setHeaderRoute' \(route "beta"\) but 'trafficRouting.managedRoutes' is not set/,
    path: 'spec.strategy.canary.trafficRouting.managedRoutes',
  },
  {
    name: 'a header route step names a route missing from managedRoutes',
    code: 'CR114',
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      canary(m).steps.splice(1, 0, { setHeaderRoute: { name: 'betta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } });
    },
    message: /step 1 'setHeaderRoute' names the route "betta", which is not in 'managedRoutes' \("beta"\)/,
  },
  {
    name: 'a header match sets exact and prefix',
    code: 'CR115',
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      canary(m).steps.splice(1, 0, { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes', prefix: 'y' } }] } });
    },
    message: /'headerValue' \(\{"exact":"yes","prefix":"y"\}\) sets exact and prefix/,
    path: 'spec.strategy.canary.steps[1].setHeaderRoute.match[0].headerValue',
  },
  {
    name: 'a mirror match method sets none of exact, regex, prefix',
    code: 'CR115',
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'mirror' }];
      canary(m).steps.splice(1, 0, { setMirrorRoute: { name: 'mirror', percentage: 10, match: [{ method: {} }] } });
    },
    message: /'method' \(\{\}\) sets none of exact, regex, prefix/,
  },
  {
    name: 'the primary route is listed in managedRoutes',
    code: 'CR116',
    mutate: m => { canary(m).trafficRouting.managedRoutes = [{ name: 'primary' }]; },
    message: /the route "primary" is both the weighted route and listed in 'managedRoutes'/,
  },
  {
    name: 'maxTrafficWeight is set with Istio',
    code: 'CR117',
    mutate: m => { canary(m).trafficRouting.maxTrafficWeight = 1000; },
    message: /'maxTrafficWeight' \(1000\) is set, but the controller supports it only with Nginx and plugins/,
  },
  {
    name: 'scaleDownDelaySeconds is set with dynamicStableScale',
    code: 'CR118',
    mutate: m => { canary(m).scaleDownDelaySeconds = 30; canary(m).dynamicStableScale = true; },
    message: /'dynamicStableScale' \(true\) is set together with 'scaleDownDelaySeconds' \(30\)/,
  },
  {
    name: 'maxSurge and maxUnavailable are both zero',
    code: 'CR119',
    mutate: m => { canary(m).maxSurge = 0; canary(m).maxUnavailable = '0%'; },
    message: /'maxSurge' \(0\) and 'maxUnavailable' \("0%"\) are both zero/,
  },
  {
    name: 'minReadySeconds is above the default progress deadline',
    code: 'CR120',
    mutate: m => { ro(m).spec.minReadySeconds = 700; },
    message: /'progressDeadlineSeconds' \(600, the default\) must be greater than 'minReadySeconds' \(700\)/,
  },
  {
    name: 'progressDeadlineSeconds equals minReadySeconds',
    code: 'CR120',
    mutate: m => { ro(m).spec.minReadySeconds = 30; ro(m).spec.progressDeadlineSeconds = 30; },
    message: /'progressDeadlineSeconds' \(30\) must be greater than 'minReadySeconds' \(30\)/,
  },
  {
    name: 'the selector does not match the template labels',
    code: 'CR121',
    mutate: m => { ro(m).spec.selector.matchLabels.app = 'shopp'; },
    message: /'selector' \(\{"matchLabels":\{"app":"shopp"\}\}\) does not select the pod template labels/,
  },
  {
    name: 'the selector is missing',
    code: 'CR121',
    mutate: m => { delete ro(m).spec.selector; },
    message: /the Rollout has no 'selector'/,
  },
  {
    name: 'an AnalysisTemplate name has a typo',
    code: 'CR122',
    mutate: m => { canary(m).analysis.templates[0].templateName = 'shop-sucess-rate'; },
    message: /AnalysisTemplate shop\/shop-sucess-rate .* is not in the manifest set; the controller marks the Rollout InvalidSpec/,
    path: 'spec.strategy.canary.analysis.templates[0].templateName',
  },
  {
    name: 'a nested AnalysisTemplate is missing',
    code: 'CR122',
    mutate: m => { at(m).spec.templates = [{ templateName: 'shared-latency' }]; },
    message: /AnalysisTemplate shop\/shared-latency \(referenced at AnalysisTemplate shop\/shop-success-rate spec.templates\[0\].templateName\)/,
  },
  {
    name: 'the AnalysisTemplate is not in the linted files',
    code: 'CR335',
    partial: true,
    mutate: m => { m.splice(m.indexOf(at(m)), 1); },
    message: /the AnalysisTemplate shop\/shop-success-rate \(referenced at spec\.strategy\.canary\.analysis\.templates\[0\]\.templateName\) is not in the given files/,
    path: 'spec.strategy.canary.analysis.templates[0].templateName',
  },
  {
    name: 'a ClusterAnalysisTemplate is not in the manifest set',
    code: 'CR123',
    mutate: m => { canary(m).analysis.templates.push({ templateName: 'platform-latency', clusterScope: true }); },
    message: /ClusterAnalysisTemplate "platform-latency" .* is not in the manifest set/,
  },
  {
    name: 'two templates of one analysis define the same metric',
    code: 'CR124',
    mutate: m => {
      m.push(extraTemplate('shop-latency', 'success-rate'));
      canary(m).analysis.templates.push({ templateName: 'shop-latency' });
    },
    message: /metric "success-rate" is defined 2 times in this analysis \(AnalysisTemplate shop\/shop-success-rate spec.metrics\[0\], AnalysisTemplate shop\/shop-latency spec.metrics\[0\]\)/,
  },
  {
    name: 'an analysis argument is not supplied',
    code: 'CR125',
    mutate: m => { delete canary(m).analysis.args; },
    message: /argument "canary-revision" of AnalysisTemplate shop\/shop-success-rate has no value and the Rollout does not supply one \(args supplied here: none\)/,
    path: 'spec.strategy.canary.analysis.args',
  },
  {
    name: 'an analysis argument name has a typo in the Rollout',
    code: 'CR125',
    mutate: m => { canary(m).analysis.args[0].name = 'canary-revison'; },
    message: /argument "canary-revision" .* \(args supplied here: "canary-revison"\)/,
  },
  {
    name: 'two templates give one argument different values',
    code: 'CR126',
    mutate: m => {
      m.push(extraTemplate('shop-latency', 'latency', [{ name: 'prometheus', value: 'http://prometheus.monitoring:9090' }]));
      canary(m).analysis.templates.push({ templateName: 'shop-latency' });
    },
    message: /argument "prometheus" has different values .*"http:\/\/prometheus.istio-system:9090".*"http:\/\/prometheus.monitoring:9090"/,
  },
  {
    name: 'a step analysis metric runs indefinitely',
    code: 'CR127',
    mutate: m => { canary(m).steps.splice(1, 0, { analysis: { templates: [{ templateName: 'shop-success-rate' }], args: [{ name: 'canary-revision', value: REVISION }] } }); },
    message: /metric "success-rate" of AnalysisTemplate shop\/shop-success-rate has 'interval' \("1m"\) but no 'count'/,
    path: 'spec.strategy.canary.steps[1].analysis',
  },
  {
    name: 'a dryRun pattern matches no metric',
    code: 'CR128',
    mutate: m => { canary(m).analysis.dryRun = [{ metricName: 'latency' }]; },
    message: /'dryRun' pattern "latency" matches none of the metrics \("success-rate"\)/,
    path: 'spec.strategy.canary.analysis.dryRun[0].metricName',
  },
  {
    name: 'a measurementRetention pattern in a template matches no metric',
    code: 'CR128',
    mutate: m => { at(m).spec.measurementRetention = [{ metricName: '^error', limit: 20 }]; },
    message: /'measurementRetention' pattern "\^error" matches none/,
    object: 'AnalysisTemplate shop/shop-success-rate',
  },
  {
    name: 'a metric query uses an undeclared argument',
    code: 'CR129',
    mutate: m => { at(m).spec.metrics[0].provider.prometheus.query = 'sum(up{revision="{{ args.revison }}"})'; },
    message: /metric "success-rate" uses \{\{args.revison\}\}, but the template declares no argument "revison"/,
    path: 'spec.metrics[0]',
  }, {
    name: 'a metric uses an empty argument name ({{args.}} is an argument named "")',
    code: 'CR129',
    mutate: m => { at(m).spec.metrics[0].provider.prometheus.query = 'sum(up{a="{{args.}}"})'; },
    message: /metric "success-rate" uses \{\{args.\}\}, but the template declares no argument ""/,
  },
  {
    name: 'a metric uses an argument name with a colon',
    code: 'CR129',
    mutate: m => { at(m).spec.metrics[0].provider.prometheus.query = 'sum(up{a="{{args.service:name}}"})'; },
    message: /uses \{\{args.service:name\}\}, but the template declares no argument "service:name"/,
  },

  {
    name: 'a header route step is used without traffic routing',
    code: 'CR130',
    mutate: m => {
      delete canary(m).trafficRouting;
      canary(m).steps.splice(1, 0, { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } });
    },
    message: /step 1 uses 'setHeaderRoute', but the canary has no Istio traffic routing \("SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix"\)/,
    path: 'spec.strategy.canary.steps[1].setHeaderRoute',
  },
  {
    name: 'setCanaryScale is used without traffic routing',
    code: 'CR130',
    mutate: m => { delete canary(m).trafficRouting; canary(m).steps.unshift({ setCanaryScale: { replicas: 1 } }); },
    message: /step 0 uses 'setCanaryScale', but the canary has no trafficRouting/,
  },
  {
    name: 'an experiment template weight is set without traffic routing',
    code: 'CR130',
    mutate: m => {
      delete canary(m).trafficRouting;
      canary(m).steps.splice(1, 0, { experiment: { duration: '5m', templates: [{ name: 'preview', specRef: 'canary', weight: 10 }] } });
    },
    message: /experiment template "preview" sets 'weight' \(10\), but the canary has no traffic routing/,
  },
  {
    name: 'a metric sets two providers',
    code: 'CR131',
    mutate: m => { at(m).spec.metrics[0].provider.web = { url: 'http://shop/metrics' }; },
    message: /metric "success-rate": 'provider' sets prometheus and web \("multiple providers specified"\)/,
    path: 'spec.metrics[0].provider',
  },
  {
    name: 'a metric interval is not a duration',
    code: 'CR131',
    mutate: m => { at(m).spec.metrics[0].interval = '1 minute'; },
    message: /'interval' \("1 minute"\) is not a duration/,
  },
  {
    name: 'a metric count is below failureLimit',
    code: 'CR131',
    mutate: m => { at(m).spec.metrics[0].count = 2; at(m).spec.metrics[0].failureLimit = 3; },
    message: /'count' \(2\) is lower than 'failureLimit' \+ 'consecutiveSuccessLimit' \(3 \+ 0\)/,
    path: 'spec.metrics[0].count',
  },
  {
    name: 'the Prometheus address is not a URL',
    code: 'CR131',
    mutate: m => { at(m).spec.metrics[0].provider.prometheus.address = 'prometheus.istio-system:9090'; },
    message: /the Prometheus address "prometheus.istio-system:9090" is not a URL with scheme and host/,
  },
  {
    name: 'a template has no metrics',
    code: 'CR131',
    mutate: m => { at(m).spec.metrics = []; },
    message: /the template has no metrics/,
  },

  // --- CR2xx
  {
    name: 'a route goes to a subset the DestinationRule does not define',
    code: 'CR201',
    mutate: m => { vs(m).spec.http.push({ name: 'legacy', route: [{ destination: { host: 'shop', subset: 'v1', port: { number: 80 } } }] }); },
    message: /subset "v1" is not defined in DestinationRule shop\/shop for host "shop.shop.svc.cluster.local" \(its subsets: "stable", "canary"\)/,
    path: 'spec.http[1].route[0].destination.subset',
  },
  {
    name: 'a destination subset has no DestinationRule in the set',
    code: 'CR202',
    mutate: m => { vs(m).spec.http.push({ name: 'reviews', route: [{ destination: { host: 'reviews', subset: 'v1' } }] }); },
    message: /no DestinationRule for host "reviews.shop.svc.cluster.local" is in the manifest set/,
  },
  {
    name: 'a subset name is not a DNS-1123 label',
    code: 'CR203',
    mutate: m => { dr(m).spec.subsets.push({ name: 'Legacy_V1', labels: { app: 'shop' } }); },
    message: /subset name "Legacy_V1" is not a DNS-1123 label/,
    path: 'spec.subsets[2].name',
  },
  {
    name: 'a subset name is used twice',
    code: 'CR203',
    mutate: m => { dr(m).spec.subsets.push({ name: 'stable', labels: { app: 'shop' } }); },
    message: /subset name "stable" is used twice/,
  },
  {
    name: 'a gateway reference is malformed',
    code: 'CR204',
    mutate: m => { vs(m).spec.gateways[0] = 'shop/Shop_Gateway'; },
    message: /gateway reference "shop\/Shop_Gateway" is neither "mesh", "<namespace>\/<name>" nor "<name>"/,
  },
  {
    name: 'no VirtualService host is served by the Gateway',
    code: 'CR205',
    mutate: m => { for (const s of gw(m).spec.servers) s.hosts = ['api.example.com']; },
    message: /none of the hosts \("shop.example.com", "shop.shop.svc.cluster.local"\) is served by Gateway shop\/shop \(server hosts: "api.example.com", "api.example.com"\)/,
  },
  {
    name: 'the Gateway servers are restricted to another namespace',
    code: 'CR205',
    mutate: m => { for (const s of gw(m).spec.servers) s.hosts = ['web/shop.example.com']; },
    message: /is served by Gateway shop\/shop/,
  },
  {
    name: 'the referenced Gateway is not in the set',
    code: 'CR206',
    mutate: m => { vs(m).spec.gateways[0] = 'istio-system/public-gateway'; },
    message: /Gateway istio-system\/public-gateway is not in the manifest set/,
  },
  {
    name: 'two mesh-bound VirtualServices define the same host',
    code: 'CR207',
    mutate: m => {
      m.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'shop-timeouts', namespace: NS },
        spec: { hosts: ['shop'], http: [{ timeout: '5s', route: [{ destination: { host: 'shop', port: { number: 80 } } }] }] },
      });
    },
    message: /host "shop.shop.svc.cluster.local" is also defined by VirtualService shop\/shop, and both apply to the mesh/,
    object: 'VirtualService shop/shop-timeouts',
  },
  {
    name: 'a mesh-bound VirtualService uses the host *',
    code: 'CR208',
    mutate: m => { vs(m).spec.hosts.push('*'); },
    message: /host "\*" is not allowed on a VirtualService bound to the mesh/,
    path: 'spec.hosts[2]',
  },
  {
    name: 'a destination has no port and the Service has two',
    code: 'CR209',
    mutate: m => {
      svc(m).spec.ports.push({ name: 'grpc', port: 9090, targetPort: 9090 });
      for (const d of primary(m).route) delete d.destination.port;
    },
    message: /the destination has no 'port', but Service shop\/shop exposes 2 ports \(80, 9090\)/,
    path: 'spec.http[0].route[0].destination.port',
  },
  {
    name: 'a destination port is the container port',
    code: 'CR210',
    mutate: m => { primary(m).route[1].destination.port.number = 8080; },
    message: /port 8080 is not a port of Service shop\/shop \(its ports: 80\)/,
  },
  {
    name: 'the DestinationRule trafficPolicy is empty',
    code: 'CR211',
    mutate: m => { dr(m).spec.trafficPolicy = {}; },
    message: /'trafficPolicy' is empty/,
    path: 'spec.trafficPolicy',
  },
  {
    name: 'a subset trafficPolicy is empty',
    code: 'CR211',
    mutate: m => { dr(m).spec.subsets[1].trafficPolicy = {}; },
    message: /'trafficPolicy' is empty/,
    path: 'spec.subsets[1].trafficPolicy',
  },
  {
    name: 'a connectionPool sets neither http nor tcp',
    code: 'CR212',
    mutate: m => { dr(m).spec.trafficPolicy.connectionPool = {}; },
    message: /'connectionPool' \(\{\}\) sets neither 'http' nor 'tcp'/,
  },
  {
    name: 'a Service port name does not follow the convention',
    code: 'CR213',
    mutate: m => { svc(m).spec.ports[0].name = 'web'; },
    message: /port 80 is named "web" without 'appProtocol'/,
    path: 'spec.ports[0].name',
  },
  {
    name: 'a route weight is negative',
    code: 'CR214',
    mutate: m => { primary(m).route[1].weight = -10; },
    message: /weight \(-10\) is negative/,
    path: 'spec.http[0].route[1].weight',
  },
  {
    name: 'the route weights total 0',
    code: 'CR214',
    mutate: m => { primary(m).route[0].weight = 0; },
    message: /the 2 destinations of HTTP route "primary" have weights \[0,0\], which total 0/,
  },
  {
    name: 'an HTTP route has neither route nor redirect',
    code: 'CR215',
    mutate: m => { vs(m).spec.http.push({ name: 'health', match: [{ uri: { exact: '/healthz' } }] }); },
    message: /HTTP route "health" has no 'route', 'redirect' or 'directResponse'/,
  },
  {
    name: 'an HTTP route has both route and redirect',
    code: 'CR215',
    mutate: m => { primary(m).redirect = { uri: '/v2' }; },
    message: /HTTP route "primary" sets 'route' and 'redirect'/,
  },
  {
    name: 'two Gateway servers share a port name',
    code: 'CR216',
    mutate: m => { gw(m).spec.servers[1].port.name = 'http'; },
    message: /port name "http" is used by another server of the Gateway/,
    path: 'spec.servers[1].port.name',
  },
  {
    name: 'an HTTPS server has no tls block',
    code: 'CR217',
    mutate: m => { delete gw(m).spec.servers[1].tls; },
    message: /server 1 has protocol HTTPS but no 'tls' block/,
  },
  {
    name: 'a plain HTTP server carries a certificate',
    code: 'CR218',
    mutate: m => { gw(m).spec.servers[0].tls = { mode: 'SIMPLE', credentialName: 'shop-example-com-tls' }; },
    message: /server 0 has protocol HTTP but TLS settings/,
  },
  {
    name: 'the routed Service port is named tcp',
    code: 'CR219',
    mutate: m => { svc(m).spec.ports[0].name = 'tcp-web'; },
    message: /the HTTP route goes to port 80 \("tcp-web"\) of Service shop\/shop, which Istio treats as TCP/,
  },
  {
    name: 'the DestinationRule the Rollout manages defines another subset, with a route to it',
    code: 'CR132',
    mutate: m => {
      dr(m).spec.subsets.push({ name: 'legacy', labels: { track: 'legacy' } });
      primary(m).route.push({ destination: { host: FQDN, subset: 'legacy', port: { number: 80 } }, weight: 10 });
      istio(m).destinationRule.additionalSubsetNames = ['legacy'];
      m.push(legacyDeployment());
    },
    message: /^subset "legacy" is neither the stable nor the canary subset of Rollout shop\/shop, which manages this DestinationRule: the controller removes it at the first reconcile .*, and then the traffic of VirtualService shop\/shop spec\.http\[0\]\.route\[2\] to it fails with 503/,
    path: 'spec.subsets[2]',
    object: 'DestinationRule shop/shop',
  },
  {
    name: 'a subset label contradicts the Service selector',
    code: 'CR220',
    mutate: m => { m.push(secondRule([{ name: 'legacy', labels: { app: 'shop-legacy' } }])); },
    message: /^subset "legacy" selects "app": "shop-legacy", but Service shop\/shop selects its pods with "app": "shop", so no endpoint of the Service is in the subset/,
    path: 'spec.subsets[0].labels',
    object: 'DestinationRule shop/shop-additional',
  },
  {
    name: 'no workload runs the pods of a subset',
    code: 'CR221',
    mutate: m => { m.push(secondRule([{ name: 'legacy', labels: { track: 'legacy' } }])); },
    message: /^no workload in the manifest set runs pods that are in subset "legacy" \(pods labelled \{"app":"shop","track":"legacy"\}/,
    path: 'spec.subsets[0].labels',
  },
  {
    name: 'two DestinationRules of one host define the canary subset',
    code: 'CR222',
    mutate: m => { m.push(secondRule([{ name: 'canary', labels: { app: 'shop' } }])); },
    message: /^subset "canary" is also defined by DestinationRule shop\/shop, a DestinationRule of the same host .*keeps the subsets of the older one/,
    object: 'DestinationRule shop/shop-additional',
  },
  {
    name: 'two DestinationRules of one host both define stable and canary (one report names both subsets)',
    code: 'CR222',
    mutate: m => { m.push(secondRule([{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }])); },
    message: /^subsets "stable", "canary" are also defined by DestinationRule shop\/shop, a DestinationRule of the same host /,
    path: 'spec.subsets[0].name',
    object: 'DestinationRule shop/shop-additional',
  },
  {
    name: 'two DestinationRules of one host both set a top-level trafficPolicy',
    code: 'CR223',
    mutate: m => { m.push(legacyDeployment(), secondRule([{ name: 'legacy', labels: { track: 'legacy' } }], { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })); },
    message: /DestinationRule shop\/shop and DestinationRule shop\/shop-additional are DestinationRules of one host and both set a top-level 'trafficPolicy'/,
    path: 'spec.trafficPolicy',
  },
  {
    name: 'two DestinationRules of one host have different exportTo',
    code: 'CR223',
    mutate: m => { m.push(legacyDeployment(), secondRule([{ name: 'legacy', labels: { track: 'legacy' } }], { exportTo: ['.'] })); },
    message: /with different 'exportTo': Istio \(1\.24 and later\) merges only rules with the same exportTo/,
    path: 'spec.exportTo',
  },
  {
    name: 'a route timeout has a fraction of a millisecond',
    code: 'CR230',
    mutate: m => { primary(m).timeout = '1.5ms'; },
    message: /'timeout' \("1\.5ms"\) is not a whole number of milliseconds \(Istio says "only durations to ms precision are supported"\)/,
    path: 'spec.http[0].timeout',
    object: 'VirtualService shop/shop',
  },
  {
    name: 'a per-try timeout is not a duration',
    code: 'CR230',
    mutate: m => { primary(m).retries = { attempts: 2, perTryTimeout: '2 s' }; },
    message: /'retries\.perTryTimeout' \("2 s"\) is not a duration/,
    path: 'spec.http[0].retries.perTryTimeout',
  },
  {
    name: 'a retry policy sets perTryTimeout without attempts',
    code: 'CR231',
    mutate: m => { primary(m).retries = { perTryTimeout: '2s' }; },
    message: /'retries' sets 'perTryTimeout' while 'retries\.attempts' is unset \(0\); Istio says "http retry policy configured when attempts are set to 0 \(disabled\)"/,
    path: 'spec.http[0].retries',
  },
  {
    name: 'retryOn has a space after a comma',
    code: 'CR231',
    mutate: m => { primary(m).retries = { attempts: 2, retryOn: '5xx, connect-failure' }; },
    message: /'retries\.retryOn' \("5xx, connect-failure"\) contains " connect-failure"/,
    path: 'spec.http[0].retries.retryOn',
  },
  {
    name: 'retry attempts are negative',
    code: 'CR231',
    mutate: m => { primary(m).retries = { attempts: -1 }; },
    message: /'retries\.attempts' \(-1\) is negative/,
  },
  {
    name: 'the per-try timeout is larger than the route timeout',
    code: 'CR232',
    mutate: m => { primary(m).timeout = '10s'; primary(m).retries = { attempts: 3, perTryTimeout: '15s' }; },
    message: /'retries\.perTryTimeout' \("15s"\) is not shorter than 'timeout' \("10s"\)\. Istio accepts it, but the route timeout covers the first try and all retries together/,
    path: 'spec.http[0].retries.perTryTimeout',
  },
  {
    name: 'a rewrite sets both uri and uriRegexRewrite',
    code: 'CR233',
    mutate: m => { primary(m).rewrite = { uri: '/', uriRegexRewrite: { match: '^/shop(.*)$', rewrite: '/\\1' } }; },
    message: /'rewrite' sets both 'uri' \("\/"\) and 'uriRegexRewrite'; Istio says "rewrite may only contain one of URI or UriRegexRewrite"/,
    path: 'spec.http[0].rewrite',
  },
  {
    name: 'the authority is rewritten and set as a header',
    code: 'CR233',
    mutate: m => { primary(m).rewrite = { authority: 'shop.internal' }; primary(m).headers = { request: { set: { host: 'other' } } }; },
    message: /the authority is set 2 times \('rewrite\.authority', 'headers\.request\.set\.host'\); Istio says "authority header cannot be set multiple times"/,
  },
  {
    name: 'a uri match uses a lookahead',
    code: 'CR234',
    mutate: m => { primary(m).match = [{ uri: { regex: '^/(?!admin).*' } }]; },
    message: /'match\[0\]\.uri' \(\{"regex":"\^\/\(\?!admin\)\.\*"\}\) is refused by Istio's webhook: it uses the lookaround "\(\?!"/,
    path: 'spec.http[0].match[0].uri',
  },
  {
    name: 'a header match has an empty prefix',
    code: 'CR234',
    mutate: m => { primary(m).match = [{ headers: { 'x-tenant': { prefix: '' } } }]; },
    message: /'match\[0\]\.headers\.x-tenant' \(\{"prefix":""\}\) has an empty prefix/,
  },
  {
    name: 'a response header operation removes host',
    code: 'CR235',
    mutate: m => { primary(m).headers = { response: { remove: ['host'] } }; },
    message: /header name "host" names Host/,
    path: 'spec.http[0].headers.response.remove[0]',
  },
  {
    name: 'a header value has a single percent sign',
    code: 'CR235',
    mutate: m => { primary(m).headers = { request: { set: { 'x-discount': '10%' } } }; },
    message: /the value "10%" of header "x-discount" is not a valid Envoy header value \(Envoy says "Un-escaped %"\)/,
  },
  {
    name: 'a CORS method is lowercase',
    code: 'CR236',
    mutate: m => { primary(m).corsPolicy = { allowOrigins: [{ exact: 'https://shop.example.com' }], allowMethods: ['get'] }; },
    message: /"get" is not an HTTP method Istio accepts in 'corsPolicy\.allowMethods'/,
    path: 'spec.http[0].corsPolicy.allowMethods[0]',
  },
  {
    name: 'a CORS maxAge has milliseconds',
    code: 'CR236',
    mutate: m => { primary(m).corsPolicy = { allowOrigins: [{ exact: 'https://shop.example.com' }], maxAge: '1500ms' }; },
    message: /'corsPolicy\.maxAge' \("1500ms"\) is not a whole number of seconds/,
  },
  {
    name: 'a fault aborts with status 600',
    code: 'CR237',
    mutate: m => { primary(m).fault = { abort: { httpStatus: 600, percentage: { value: 1 } } }; },
    message: /'fault\.abort\.httpStatus' \(600\) is not between 200 and 599/,
    path: 'spec.http[0].fault.abort.httpStatus',
  },
  {
    name: 'a fault has neither delay nor abort',
    code: 'CR237',
    mutate: m => { primary(m).fault = {}; },
    message: /'fault' \(\{\}\) has neither 'delay' nor 'abort'/,
  },
  {
    name: 'a fault delay percentage is below 0.0001',
    code: 'CR237',
    mutate: m => { primary(m).fault = { delay: { fixedDelay: '1s', percentage: { value: 0.00001 } } }; },
    message: /'fault\.delay\.percentage\.value' \(0\.00001\) is outside what Istio accepts/,
  },
  {
    name: 'a header step on a route with a timeout, retries and a path match',
    code: 'CR238',
    mutate: m => {
      Object.assign(primary(m), { timeout: '10s', retries: { attempts: 2, perTryTimeout: '3s' }, match: [{ uri: { prefix: '/shop' } }] });
      canary(m).trafficRouting.managedRoutes = [{ name: 'testers' }];
      canary(m).steps.unshift({ setHeaderRoute: { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } });
    },
    message: /the header route "testers" that Argo Rollouts adds to VirtualService shop\/shop holds only the header conditions and the canary destination; it does not copy 'timeout' \("10s"\), 'retries' \(\{"attempts":2,"perTryTimeout":"3s"\}\), 'match' \(\[\{"uri":\{"prefix":"\/shop"\}\}\]\) of the weighted route "primary", so requests with the header get no condition but the header: they reach the canary on every path, method and port of the host, ahead of every other route; no timeout; the mesh's default retries instead of the route's/,
    path: 'spec.strategy.canary.steps[0].setHeaderRoute',
    object: 'Rollout shop/shop',
  },
  {
    name: 'a header step on a route with a rewrite',
    code: 'CR238',
    mutate: m => {
      primary(m).rewrite = { uri: '/' };
      canary(m).trafficRouting.managedRoutes = [{ name: 'testers' }];
      canary(m).steps.unshift({ setHeaderRoute: { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } });
    },
    message: /does not copy 'rewrite' of the weighted route "primary", so requests with the header get no rewrite \(the canary receives the original path and authority\)/,
  },
  {
    name: 'a mirror step on a route with retries',
    code: 'CR239',
    mutate: m => {
      primary(m).retries = { attempts: 3, retryOn: '5xx' };
      canary(m).trafficRouting.managedRoutes = [{ name: 'shadow' }];
      canary(m).steps.unshift({ setMirrorRoute: { name: 'shadow', percentage: 20, match: [{ method: { exact: 'GET' } }] } });
    },
    message: /the mirror route "shadow" that Argo Rollouts adds to VirtualService shop\/shop serves every request its match selects, users' requests included, with the weighted route's destinations and weights of the moment the step runs; it does not copy 'retries' \(\{"attempts":3,"retryOn":"5xx"\}\) of the weighted route "primary", so while it exists those requests get the mesh's default retries instead of the route's/,
    path: 'spec.strategy.canary.steps[0].setMirrorRoute',
  },
  {
    name: 'a mirror step matches paths outside the route match',
    code: 'CR239',
    mutate: m => {
      primary(m).match = [{ uri: { prefix: '/shop' } }];
      canary(m).trafficRouting.managedRoutes = [{ name: 'shadow' }];
      canary(m).steps.unshift({ setMirrorRoute: { name: 'shadow', match: [{ method: { exact: 'GET' } }] } });
    },
    message: /requests the weighted route does not take \(the mirror route matches \[\{"method":\{"exact":"GET"\}\}\] only\) are taken too/,
  },

  // --- CR3xx
  {
    name: 'a step weight decreases',
    code: 'CR301',
    mutate: m => { canary(m).steps[4].setWeight = 20; },
    message: /'setWeight' \(20\) is lower than the weight of step 2 \(30\)/,
    path: 'spec.strategy.canary.steps[4].setWeight',
  },
  {
    name: 'the steps end below 100%',
    code: 'CR302',
    mutate: m => { canary(m).steps.splice(6, 2); },
    message: /the last 'setWeight' is 50 \(step 4\), so at the end of the steps the controller switches from 50% to 100% at once/,
  },
  {
    name: 'no step sets a weight',
    code: 'CR302',
    mutate: m => { canary(m).steps = [{ pause: {} }]; },
    message: /no step sets a weight/,
  },
  {
    name: 'a subset is labelled with version',
    code: 'CR303',
    mutate: m => { dr(m).spec.subsets[0].labels.version = 'v1'; dr(m).spec.subsets[1].labels.version = 'v2'; },
    message: /subset "stable" selects the label "version" \("v1"\); its value changes with every release/,
    path: 'spec.subsets[0].labels',
  },
  {
    name: 'the Service selects app.kubernetes.io/version',
    code: 'CR303',
    mutate: m => { svc(m).spec.selector['app.kubernetes.io/version'] = '1.4.2'; },
    message: /the selector uses the label "app.kubernetes.io\/version" \("1.4.2"\)/,
    object: 'Service shop/shop',
  },
  {
    name: 'the Rollout selects the revision label',
    code: 'CR303',
    mutate: m => { ro(m).spec.selector.matchLabels['service.istio.io/canonical-revision'] = REVISION; },
    message: /the selector uses the label "service.istio.io\/canonical-revision"; .*a Rollout selector cannot be changed later/,
  },
  {
    name: 'a subset pins rollouts-pod-template-hash',
    code: 'CR303',
    mutate: m => { dr(m).spec.subsets[1].labels['rollouts-pod-template-hash'] = '5d4f8c7b9'; },
    message: /the controllers write this label themselves/,
  }, {
    name: 'the Service selects helm.sh/chart',
    code: 'CR303',
    mutate: m => { svc(m).spec.selector['helm.sh/chart'] = 'shop-1.4.2'; },
    message: /the selector uses the label "helm.sh\/chart" \("shop-1.4.2"\); its value changes with every release/,
    object: 'Service shop/shop',
  },
  {
    name: 'a subset pins controller-revision-hash',
    code: 'CR303',
    mutate: m => { dr(m).spec.subsets[1].labels['controller-revision-hash'] = 'shop-5d4f8c7b9'; },
    message: /subset "canary" selects the label "controller-revision-hash" .*the controllers write this label themselves/,
  },

  {
    name: 'a weight increase has no analysis and no manual pause',
    code: 'CR304',
    mutate: m => { delete canary(m).analysis; },
    message: /the increase to 10% at step 0 is not watched: no analysis step, background analysis or manual pause follows it/,
    path: 'spec.strategy.canary.steps[0]',
  },
  {
    name: 'two weight increases follow each other directly',
    code: 'CR304',
    mutate: m => { canary(m).steps.splice(1, 1); },
    message: /the increase to 10% at step 0 is not watched: the next step changes the weight right away/,
  },
  {
    name: 'the serving container has no readinessProbe',
    code: 'CR305',
    mutate: m => { delete container(m).readinessProbe; },
    message: /container "main" serves Service shop\/shop port 80 but has no readinessProbe/,
    path: 'spec.template.spec.containers[0].readinessProbe',
  },
  {
    name: 'the image is latest',
    code: 'CR306',
    mutate: m => { container(m).image = 'registry.example.com/shop:latest'; },
    message: /image "registry.example.com\/shop:latest" uses the tag "latest"/,
    path: 'spec.template.spec.containers[0].image',
  },
  {
    name: 'the image has no tag (a registry port is not a tag)',
    code: 'CR306',
    mutate: m => { container(m).image = 'localhost:5000/shop'; },
    message: /image "localhost:5000\/shop" has no tag/,
  },
  {
    name: 'an init container image has no tag',
    code: 'CR306',
    mutate: m => { ro(m).spec.template.spec.initContainers = [{ name: 'migrate', image: 'busybox' }]; },
    message: /image "busybox" has no tag/,
    path: 'spec.template.spec.initContainers[0].image',
  },
  {
    name: 'the pod template was patched after the revision was computed',
    code: 'CR307',
    mutate: m => { container(m).image = 'registry.example.com/shop:1.4.3'; },
    message: /the revision label \("1\.4\.2-[0-9a-f]{10}"\) was computed for another pod template \(the final template hashes to "[0-9a-f]{10}"\)/,
    path: "spec.template.metadata.labels['service.istio.io/canonical-revision']",
  },
  {
    name: 'the analysis gets another revision than the pod template',
    code: 'CR307',
    mutate: m => { canary(m).analysis.args[0].value = '1.4.1-0123456789'; },
    message: /the analysis argument "canary-revision" is "1\.4\.1-0123456789", but the pod template's revision label is "1\.4\.2-[0-9a-f]{10}"/,
    path: 'spec.strategy.canary.analysis.args[0].value',
  },
  {
    name: 'the Service is listed twice',
    code: 'CR308',
    mutate: m => { m.push(JSON.parse(JSON.stringify(svc(m)))); },
    message: /^Service shop\/shop is listed twice in the manifest set; it is one object in the cluster/,
    path: 'metadata.name',
  },
  {
    name: 'a VirtualService bound to the mesh only names an external host',
    code: 'CR224',
    mutate: m => { vs(m).spec.gateways = ['mesh']; },
    message: /^host "shop\.example\.com" is not the name of a Service of the cluster, and the VirtualService is bound to the mesh only \('gateways' \["mesh"\]\): every sidecar/,
    path: 'spec.hosts[0]',
  },
  {
    name: 'a success condition passes a query without data (the guard of the upstream docs)',
    code: 'CR309',
    mutate: m => { at(m).spec.metrics[0].successCondition = 'len(result) == 0 || result[0] >= 0.95'; },
    message: /^metric "success-rate": the success condition "len\(result\) == 0 \|\| result\[0\] >= 0\.95" counts a query without data as a success/,
    path: 'spec.metrics[0].successCondition',
  },
  {
    name: 'the template of the Deployment a Rollout migrates from changed after the revision was computed',
    code: 'CR307',
    mutate: m => { migrate(m).spec.template.spec.containers[0].image = 'registry.example.com/shop:1.4.3'; },
    message: /the revision label \("1\.4\.2-[0-9a-f]{10}"\) was computed for another pod template/,
    object: 'Deployment shop/shop',
  },
  // --- workloadRef (migration from a Deployment)
  {
    name: 'a Rollout has both workloadRef and a pod template',
    code: 'CR160',
    mutate: m => { const t = ro(m).spec.template; migrate(m); ro(m).spec.template = t; },
    message: /the Rollout has both 'workloadRef' \("shop"\) and a pod template; the controller refuses it with "template must be empty for workload reference rollout"/,
    path: 'spec.template',
  },
  {
    name: 'workloadRef names a StatefulSet',
    code: 'CR161',
    mutate: m => { migrate(m); ro(m).spec.workloadRef.kind = 'StatefulSet'; },
    message: /'workloadRef' names "apps\/v1" "StatefulSet"; the controller says "workload of type apps\/StatefulSet is not supported"/,
    path: 'spec.workloadRef',
  },
  {
    name: 'the referenced Deployment is not in the manifest set',
    code: 'CR162',
    mutate: m => { migrate(m); ro(m).spec.workloadRef.name = 'web'; },
    message: /Deployment "web" is not in the manifest set/,
    path: 'spec.workloadRef.name',
  },
  {
    name: 'a Deployment whose pod template does not match the Rollout selector',
    code: 'CR163',
    mutate: m => { migrate(m).spec.template.metadata.labels.app = 'shop-v1'; },
    message: /'selector' \(\{"matchLabels":\{"app":"shop"\}\}\) does not select the pod template labels of Deployment shop\/shop/,
    path: 'spec.selector',
  },
  {
    name: 'scaleDown is misspelled',
    code: 'CR164',
    mutate: m => { migrate(m, 'onSuccess'); },
    message: /'scaleDown' is "onSuccess"; the controller compares it with "never", "onsuccess", "progressively" only/,
    path: 'spec.workloadRef.scaleDown',
  },
  {
    name: 'scaleDown progressively with a ReplicaSet',
    code: 'CR165',
    mutate: m => { migrate(m).kind = 'ReplicaSet'; ro(m).spec.workloadRef.kind = 'ReplicaSet'; },
    message: /'scaleDown' is "progressively" for a "ReplicaSet"; the controller scales down the apps\/v1 Deployment named "shop"/,
  },
  // --- configuration
  {
    name: 'a content-hashed ConfigMap is referenced under its plain name',
    code: 'CR325',
    mutate: m => { versionedConfig(m); container(m).envFrom = [{ configMapRef: { name: 'shop-settings' } }]; },
    message: /the pods read ConfigMap "shop-settings", the base name of the content-hashed ConfigMap "shop-settings-0123456789"/,
    path: 'spec.template.spec.containers[0].envFrom[0].configMapRef.name',
  },
  {
    name: 'a migrated Deployment mounts a content-hashed ConfigMap under its plain name',
    code: 'CR325',
    mutate: m => {
      versionedConfig(m);
      const d = migrate(m);
      d.spec.template.spec.volumes = [{ name: 'settings', configMap: { name: 'shop-settings' } }];
    },
    message: /the base name of the content-hashed ConfigMap/,
    path: 'spec.template.spec.volumes[0].configMap.name',
    object: 'Deployment shop/shop',
  },
  {
    name: 'a canary reads a Secret with inline data',
    code: 'CR326',
    mutate: m => {
      m.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, stringData: { password: 'hunter2' } });
      container(m).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    },
    message: /the pods of canary Rollout shop\/shop read this Secret, whose values are in the manifests/,
    object: 'Secret shop/db',
    path: 'stringData',
  },
  {
    name: 'a canary mounts a Secret with data (and an empty stringData)',
    code: 'CR326',
    mutate: m => {
      m.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: NS }, stringData: {}, data: { 'tls.key': 'a2V5' } });
      ro(m).spec.template.spec.volumes = [{ name: 'tls', secret: { secretName: 'tls' } }];
    },
    message: /read this Secret, whose values are in the manifests/,
    object: 'Secret shop/tls',
    path: 'data',
  },
  {
    name: 'a migrated Deployment selects its pods by version',
    code: 'CR327',
    mutate: m => { migrate(m).spec.selector.matchLabels.version = '1.4.2'; },
    message: /Rollout shop\/shop takes its pod template from this Deployment, whose selector uses "version"/,
    object: 'Deployment shop/shop',
  },
  {
    name: 'the subsets do not select the pods of the Deployment being migrated',
    code: 'CR328',
    mutate: m => {
      migrate(m);
      for (const s of dr(m).spec.subsets) s.labels = { app: 'shop', tier: 'web' };
    },
    message: /subset "stable" \(\{"app":"shop","tier":"web"\}\) does not select the pods of Deployment shop\/shop/,
    path: 'spec.subsets[0].labels',
  },
  // --- metric providers and canary test traffic
  {
    name: 'a web metric\'s jsonPath does not parse',
    code: 'CR140',
    mutate: m => { addMetric(m, 'shop-web', { ...clone(WEB_OK), provider: { web: { ...WEB_OK.provider.web, jsonPath: '{$.data[}' } } }); },
    message: /'jsonPath' "\{\$\.data\[\}" does not parse as Kubernetes JSONPath: unterminated array/,
    path: 'spec.metrics[0].provider.web.jsonPath',
    object: 'AnalysisTemplate shop/shop-web',
  },
  {
    name: 'a web metric\'s jsonPath has no braces',
    code: 'CR140',
    mutate: m => { addMetric(m, 'shop-web', { ...clone(WEB_OK), provider: { web: { ...WEB_OK.provider.web, jsonPath: '$.status' } } }); },
    message: /has no \{\.\.\.\} action, so the result would be the text itself/,
  },
  {
    name: 'a web metric sends a body with GET',
    code: 'CR141',
    mutate: m => { addMetric(m, 'shop-web', { ...clone(WEB_OK), provider: { web: { ...WEB_OK.provider.web, body: '{}' } } }); },
    message: /the request has a body but method "GET"/,
    path: 'spec.metrics[0].provider.web.method',
  },
  {
    name: 'a Datadog metric sets both query and queries',
    code: 'CR142',
    mutate: m => { const d = clone(DATADOG_OK); d.provider.datadog.queries = { a: 'sum:x{*}' }; addMetric(m, 'shop-dd', d); },
    message: /both query and queries are set \("Cannot have both a query and queries"\)/,
    path: 'spec.metrics[0].provider.datadog.queries',
  },
  {
    name: 'a Datadog metric has two queries and no formula',
    code: 'CR142',
    mutate: m => { const d = clone(DATADOG_OK); delete d.provider.datadog.query; d.provider.datadog.queries = { a: 'sum:x{*}', b: 'sum:y{*}' }; addMetric(m, 'shop-dd', d); },
    message: /2 queries without a formula/,
  },
  {
    name: 'a Datadog metric has no apiVersion (v1, the CRD default)',
    code: 'CR143',
    mutate: m => { const d = clone(DATADOG_OK); delete d.provider.datadog.apiVersion; addMetric(m, 'shop-dd', d); },
    message: /uses API v1 \(the CRD default, as apiVersion is not set\)/,
  },
  {
    name: 'a web metric calls an outside host over http',
    code: 'CR318',
    mutate: m => { addMetric(m, 'shop-web', { ...clone(WEB_OK), provider: { web: { ...WEB_OK.provider.web, url: 'http://status.example.com/health' } } }); },
    message: /uses http:\/\/ to "status\.example\.com", a host outside the cluster/,
    path: 'spec.metrics[0].provider.web.url',
  },
  {
    name: 'a web metric has a bearer token in a header',
    code: 'CR319',
    mutate: m => { const w = clone(WEB_OK); w.provider.web.headers = [{ key: 'Authorization', value: 'Bearer abcdef0123456789' }]; addMetric(m, 'shop-web', w); },
    message: /the header "Authorization" has a value written into the manifest \("Bear\*{8}"\)/,
    path: 'spec.metrics[0].provider.web.headers[0].value',
  },
  {
    name: 'a header reads an argument with a literal value',
    code: 'CR319',
    mutate: m => {
      const w = clone(WEB_OK);
      w.provider.web.headers = [{ key: 'X-Api-Key', value: '{{args.key}}' }];
      addMetric(m, 'shop-web', w, [{ name: 'key', value: 'k-0123456789abcdef' }]);
    },
    message: /reads argument\(s\) 'key', which the template gives a literal value/,
  },
  {
    name: 'a Prometheus metric has a token in a header',
    code: 'CR319',
    mutate: m => { at(m).spec.metrics[0].provider.prometheus.headers = [{ key: 'X-Auth-Token', value: 's3cr3t-t0k3n' }]; },
    message: /the header "X-Auth-Token" has a value written into the manifest/,
    object: 'AnalysisTemplate shop/shop-success-rate',
  },
  {
    name: 'a Datadog condition turns no data into success',
    code: 'CR320',
    mutate: m => { const d = clone(DATADOG_OK); d.successCondition = 'default(result, 0) <= 0.01'; delete d.failureCondition; addMetric(m, 'shop-dd', d); },
    message: /with a query without data \(nil\) the conditions .* make the measurement successful/,
    path: 'spec.metrics[0].successCondition',
  },
  {
    name: 'a web metric has no condition',
    code: 'CR320',
    mutate: m => { const w = clone(WEB_OK); delete w.successCondition; delete w.failureCondition; addMetric(m, 'shop-web', w); },
    message: /the web metric has neither successCondition nor failureCondition/,
  },
  {
    name: 'a Job metric has an interval and no count',
    code: 'CR321',
    mutate: m => { addMetric(m, 'shop-job', { ...clone(JOB_OK), interval: '1m' }); },
    message: /has 'interval' \("1m"\) and no 'count'/,
    path: 'spec.metrics[0].count',
  },
  {
    name: 'a Job metric\'s Job has no activeDeadlineSeconds',
    code: 'CR322',
    mutate: m => { const j = clone(JOB_OK); delete j.provider.job.spec.activeDeadlineSeconds; addMetric(m, 'shop-job', j); },
    message: /the Job has no activeDeadlineSeconds/,
  },
  {
    name: 'a Job metric\'s Job can run longer than its interval',
    code: 'CR322',
    mutate: m => { const j = clone(JOB_OK); j.interval = '30s'; j.count = 3; addMetric(m, 'shop-job', j); },
    message: /the Job may run 60s \(activeDeadlineSeconds\), longer than the metric's interval \(30s\)/,
  },
  {
    name: 'a canary test Job runs without its header route',
    code: 'CR323',
    mutate: m => { addTestTraffic(m, false); },
    message: /sends canary test traffic through header route "canary-tests", but no step before step 2 adds that route, so its requests reach the stable pods as well/,
    path: 'spec.strategy.canary.steps[2].analysis',
    object: 'Rollout shop/shop',
  },
  {
    name: 'a canary test Job sends another header than its route matches',
    code: 'CR323',
    mutate: m => { addTestTraffic(m).provider.job.metadata.annotations['cdk8s-canary/test-header'] = 'x-canary-test: other'; },
    message: /sends the header "x-canary-test: other", which header route "canary-tests" does not match/,
  },
  {
    name: 'a canary test Job opts out of the sidecar',
    code: 'CR323',
    mutate: m => { addTestTraffic(m).provider.job.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false'; },
    message: /runs without an Istio sidecar/,
  },
  {
    name: 'a canary test Job relies on a gateway-only VirtualService',
    code: 'CR323',
    mutate: m => { addTestTraffic(m); vs(m).spec.gateways = ['shop']; },
    message: /which are bound to gateways only/,
  },
  // --- CR4xx
  {
    name: 'an Application turns RespectIgnoreDifferences on',
    code: 'CR401',
    mutate: m => application(m, app => app.spec.syncPolicy.syncOptions.push('RespectIgnoreDifferences=true')),
    message: /"RespectIgnoreDifferences=true" makes every sync apply the live copy of each list that holds an ignored field.*argo-cd#17694 and #23283.*strips the subsets' rollouts-pod-template-hash labels/,
    path: 'spec.syncPolicy.syncOptions[1]',
    object: 'Application argocd/shop',
  },
  {
    name: 'an ignore entry lists managedFieldsManagers for VirtualServices',
    code: 'CR402',
    mutate: m => applicationWith(m, { managedFieldsManagers: ['rollouts-controller'] }),
    message: /managedFieldsManagers "rollouts-controller" on VirtualService objects: Istio's lists are atomic.*argo-rollouts#3854/,
    path: 'spec.ignoreDifferences[2].managedFieldsManagers',
  },
  {
    name: 'an ignore entry hides the subsets',
    code: 'CR403',
    mutate: m => application(m, app => app.spec.ignoreDifferences[0].jsonPointers.push('/spec/subsets')),
    message: /the jsonPointer "\/spec\/subsets" selects all subsets \(spec.subsets\) of DestinationRule shop\/shop as committed to git/,
    path: 'spec.ignoreDifferences[0].jsonPointers[1]',
  },
  {
    name: 'a route in git has the name of a managed route, which the computed rule then hides',
    code: 'CR403',
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      vs(m).spec.http.push({ name: 'beta', ...unnamedRoute('/beta') });
      application(m);
    },
    message: /the jq expression ".spec.http\[\]\? \| select\(.name == \\"beta\\"\)" selects the http route "beta" \(spec.http\[1\]\) of VirtualService shop\/shop/,
    path: 'spec.ignoreDifferences[1].jqPathExpressions[1]',
  },
  {
    name: 'a jq rule iterates with [] instead of []?',
    code: 'CR404',
    mutate: m => applicationWith(m, { jqPathExpressions: ['.spec.http[].route[].weight'] }),
    message: /the jq expression ".spec.http\[\].route\[\].weight" iterates with "\[\]".*Cannot iterate over null/,
    path: 'spec.ignoreDifferences[2].jqPathExpressions[0]',
  },
  {
    name: 'a jq rule selects a managed route by a name no step adds',
    code: 'CR405',
    mutate: m => applicationWith(m, { jqPathExpressions: ['.spec.http[]? | select(.name == "canary-header")'] }),
    message: /selects the http route "canary-header", which is neither a route of VirtualService shop\/shop in git nor a managed route .*\(its managed routes: none\)/,
  },
  {
    name: 'two unnamed http routes in a VirtualService whose Rollout sets managedRoutes',
    code: 'CR406',
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      vs(m).spec.http.push(unnamedRoute('/a'), unnamedRoute('/b'));
    },
    message: /2 http routes have no name \(spec.http\[1\], \[2\]\) and Rollout shop\/shop sets managedRoutes.*the 2 routes become 4, then 16/,
    object: 'VirtualService shop/shop',
  },
  {
    name: 'a JSON pointer names a route by position',
    code: 'CR407',
    mutate: m => applicationWith(m, { jsonPointers: ['/spec/http/0/route/1/weight'] }),
    message: /the jsonPointer "\/spec\/http\/0\/route\/1\/weight" names a route by its position.*argo-rollouts#2463/,
  },
  {
    name: 'an Application ignores fields of Istio objects without ApplyOutOfSyncOnly',
    code: 'CR408',
    mutate: m => application(m, app => { app.spec.syncPolicy.syncOptions = ['CreateNamespace=true']; }),
    message: /lack "ApplyOutOfSyncOnly=true": every sync, for example of a new image, then re-applies the VirtualServices/,
    path: 'spec.syncPolicy.syncOptions',
  },
];

export const GOOD: GoodCase[] = [
  // --- CR4xx
  { name: 'the Application ArgoCdApplication generates', codes: ['CR401', 'CR402', 'CR403', 'CR404', 'CR405', 'CR406', 'CR407', 'CR408'], mutate: m => application(m) },
  {
    name: 'an extra rule with []? on a field inside the primary route, and RespectIgnoreDifferences=false',
    codes: ['CR401', 'CR403', 'CR404', 'CR405'],
    mutate: m => application(m, app => {
      app.spec.syncPolicy.syncOptions.push('RespectIgnoreDifferences=false');
      app.spec.ignoreDifferences.push({ group: 'networking.istio.io', kind: 'VirtualService', jqPathExpressions: ['.spec.http[]? | select(.name == "primary") | .timeout'] });
    }),
  },
  { name: 'one unnamed http route with managedRoutes', codes: ['CR406'], mutate: m => { canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }]; vs(m).spec.http.push(unnamedRoute('/a')); } },
  { name: 'a JSON pointer into a label of the DestinationRule', codes: ['CR407', 'CR403'], mutate: m => application(m, app => app.spec.ignoreDifferences[0].jsonPointers.push('/spec/subsets/0/labels/tier')) },
  { name: 'an Application without Istio rules and without ApplyOutOfSyncOnly', codes: ['CR408', 'CR401'], mutate: m => application(m, app => { app.spec.ignoreDifferences = []; app.spec.syncPolicy.syncOptions = ['RespectIgnoreDifferences=true']; }) },

  ...OPERATIONS_GOOD,
  { name: 'virtualServices with one entry', codes: ['CR101', 'CR102', 'CR103'], mutate: m => { istio(m).virtualServices = [istio(m).virtualService]; delete istio(m).virtualService; } },
  { name: 'the VirtualService named as <name>.<namespace>', codes: ['CR102'], mutate: m => { istio(m).virtualService.name = 'shop.shop'; } },
  {
    name: 'a TLS-only VirtualService (no http section) with routes listed',
    codes: ['CR103', 'CR104'],
    mutate: m => {
      const route = primary(m);
      vs(m).spec.tls = [{ match: [{ port: 443, sniHosts: ['shop.example.com'] }], route: route.route }];
      delete vs(m).spec.http;
      istio(m).virtualService.tlsRoutes = [{ port: 443, sniHosts: ['shop.example.com'] }];
    },
  },
  { name: 'the AnalysisTemplate in the set, linted', codes: ['CR122', 'CR335'], partial: true, mutate: () => undefined },
  { name: 'the AnalysisTemplate not in the set, at synth', codes: ['CR335'], mutate: m => { m.splice(m.indexOf(at(m)), 1); } },
  { name: 'routes omitted with a single route', codes: ['CR103', 'CR104'], mutate: m => { delete istio(m).virtualService.routes; } },
  {
    name: 'routes omitted with one route besides managed routes',
    codes: ['CR104', 'CR116'],
    mutate: m => {
      delete istio(m).virtualService.routes;
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      vs(m).spec.http.unshift({ name: 'beta', match: [{ headers: { 'x-beta': { exact: 'yes' } } }], route: [{ destination: { host: FQDN, subset: 'canary', port: { number: 80 } } }] });
    },
  },
  {
    name: 'an additional subset in a second DestinationRule, listed in additionalSubsetNames, with its pods',
    codes: ['CR109', 'CR201', 'CR132', 'CR220', 'CR221', 'CR222', 'CR223'],
    mutate: m => {
      m.push(secondRule([{ name: 'legacy', labels: { track: 'legacy' } }]), legacyDeployment());
      primary(m).route.push({ destination: { host: FQDN, subset: 'legacy', port: { number: 80 } }, weight: 10 });
      istio(m).destinationRule.additionalSubsetNames = ['legacy'];
    },
  },
  {
    name: 'the same host in another namespace, and a subset labelled with the Service selector',
    codes: ['CR220', 'CR222', 'CR223'],
    mutate: m => {
      const other = secondRule([{ name: 'canary', labels: { app: 'shop' } }], { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, exportTo: ['.'] });
      other.metadata.namespace = 'clients';
      m.push(other);
    },
  },
  {
    name: 'custom subset names used consistently',
    codes: ['CR105', 'CR108', 'CR201'],
    mutate: m => {
      dr(m).spec.subsets[0].name = 'shop-stable';
      dr(m).spec.subsets[1].name = 'shop-canary';
      primary(m).route[0].destination.subset = 'shop-stable';
      primary(m).route[1].destination.subset = 'shop-canary';
      Object.assign(istio(m).destinationRule, { stableSubsetName: 'shop-stable', canarySubsetName: 'shop-canary' });
    },
  },
  {
    name: 'no object has a namespace (all in "default")',
    codes: ['CR102', 'CR106', 'CR107', 'CR122'],
    mutate: m => { for (const o of m) delete o.metadata.namespace; },
  },
  { name: 'maxTrafficWeight with Nginx', codes: ['CR117'], mutate: m => { canary(m).trafficRouting.nginx = { stableIngress: 'shop' }; canary(m).trafficRouting.maxTrafficWeight = 1000; } },
  { name: 'a third subset named canary-2', codes: ['CR203'], mutate: m => { dr(m).spec.subsets.push({ name: 'canary-2', labels: { app: 'shop' } }); } },
  {
    name: 'setCanaryScale, header routes and experiment weights with Istio',
    codes: ['CR130'],
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }];
      canary(m).steps.unshift(
        { setCanaryScale: { replicas: 1 } },
        { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } },
        { experiment: { duration: '5m', templates: [{ name: 'preview', specRef: 'canary', weight: 10 }] } },
      );
    },
  },
  {
    name: 'a counted metric with limits that fit, a placeholder address and a composed template',
    codes: ['CR131'],
    mutate: m => {
      Object.assign(at(m).spec.metrics[0], { count: 5, failureLimit: 2, consecutiveSuccessLimit: 3, inconclusiveLimit: 1, initialDelay: '30s' });
      m.push({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'composed', namespace: NS }, spec: { templates: [{ templateName: 'shop-success-rate' }] } });
    },
  },
  { name: 'setCanaryScale next to setWeight', codes: ['CR110'], mutate: m => { canary(m).steps[0].setCanaryScale = { matchTrafficWeight: true }; } },
  { name: 'weights 0 and 100', codes: ['CR111'], mutate: m => { canary(m).steps.unshift({ setWeight: 0 }); } },
  {
    name: 'pauses written as 1h30m, 300, "300", 500ms, -500ms (0 for the controller), +0 and {}',
    codes: ['CR112'],
    mutate: m => {
      canary(m).steps.push({ pause: { duration: '1h30m' } }, { pause: { duration: 300 } }, { pause: { duration: '300' } }, { pause: { duration: '500ms' } },
        { pause: { duration: '-500ms' } }, { pause: { duration: '+0' } }, { pause: {} });
    },
  },
  {
    name: 'a header route listed in managedRoutes with one match value',
    codes: ['CR113', 'CR114', 'CR115'],
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'beta' }, { name: 'mirror' }];
      canary(m).steps.splice(1, 0,
        { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { regex: '^y' } }] } },
        { setMirrorRoute: { name: 'mirror', percentage: 10, match: [{ method: { exact: 'GET' }, path: { prefix: '/' } }] } });
    },
  },
  { name: 'maxSurge 0 alone', codes: ['CR119'], mutate: m => { canary(m).maxSurge = 0; } },
  { name: 'scaleDownDelaySeconds without dynamicStableScale', codes: ['CR118'], mutate: m => { canary(m).scaleDownDelaySeconds = 30; } },
  { name: 'progressDeadlineSeconds above minReadySeconds', codes: ['CR120'], mutate: m => { ro(m).spec.minReadySeconds = 30; ro(m).spec.progressDeadlineSeconds = 31; } },
  {
    name: 'a selector with matchExpressions',
    codes: ['CR121'],
    mutate: m => { ro(m).spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['shop', 'shop-v2'] }] }; },
  },
  {
    name: 'a ClusterAnalysisTemplate in the set',
    codes: ['CR122', 'CR123'],
    mutate: m => {
      const t = extraTemplate('platform-latency', 'latency');
      t.kind = 'ClusterAnalysisTemplate';
      delete t.metadata.namespace;
      m.push(t);
      canary(m).analysis.templates.push({ templateName: 'platform-latency', clusterScope: true });
    },
  },
  {
    name: 'two templates with distinct metrics and the same argument value',
    codes: ['CR124', 'CR126'],
    mutate: m => {
      m.push(extraTemplate('shop-latency', 'latency', [{ name: 'prometheus', value: 'http://prometheus.istio-system:9090' }]));
      canary(m).analysis.templates.push({ templateName: 'shop-latency' });
    },
  },
  {
    name: 'an argument supplied with podTemplateHashValue',
    codes: ['CR125'],
    mutate: m => { canary(m).analysis.args = [{ name: 'canary-revision', valueFrom: { podTemplateHashValue: 'Latest' } }]; },
  },
  {
    name: 'a step analysis with a counted metric',
    codes: ['CR127', 'CR125'],
    mutate: m => {
      at(m).spec.metrics[0].count = 5;
      canary(m).steps.splice(1, 0, { analysis: { templates: [{ templateName: 'shop-success-rate' }], args: [{ name: 'canary-revision', value: REVISION }] } });
    },
  },
  { name: 'a dryRun pattern .*', codes: ['CR128'], mutate: m => { canary(m).analysis.dryRun = [{ metricName: '.*' }]; } },
  { name: 'placeholders with spaces', codes: ['CR129'], mutate: m => { at(m).spec.metrics[0].provider.prometheus.address = '{{ args.prometheus }}'; } },
  { name: 'a short destination host resolved in the VirtualService namespace', codes: ['CR201', 'CR202', 'CR210'], mutate: m => { primary(m).route[0].destination.host = 'shop'; } },
  { name: 'a DestinationRule with a short host', codes: ['CR201', 'CR202'], mutate: m => { dr(m).spec.host = 'shop'; } },
  { name: 'a bare gateway name in the same namespace', codes: ['CR204', 'CR205', 'CR206'], mutate: m => { vs(m).spec.gateways[0] = 'shop'; } },
  { name: 'a wildcard Gateway server host', codes: ['CR205'], mutate: m => { for (const s of gw(m).spec.servers) s.hosts = ['*/*.example.com']; } },
  { name: 'server hosts restricted to the VirtualService namespace', codes: ['CR205'], mutate: m => { for (const s of gw(m).spec.servers) s.hosts = ['./shop.example.com']; } },
  {
    name: 'a second VirtualService for the same host bound to a gateway only',
    codes: ['CR207', 'CR208'],
    mutate: m => {
      m.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'shop-edge', namespace: NS },
        spec: { hosts: [FQDN], gateways: ['shop/shop'], http: [{ route: [{ destination: { host: FQDN, port: { number: 80 } } }] }] },
      });
    },
  },
  {
    name: 'destinations with ports on a two-port Service',
    codes: ['CR209', 'CR210'],
    mutate: m => { svc(m).spec.ports.push({ name: 'grpc', port: 9090, targetPort: 9090 }); },
  },
  { name: 'a trafficPolicy with a connectionPool', codes: ['CR211', 'CR212'], mutate: m => { dr(m).spec.trafficPolicy = { connectionPool: { http: { http2MaxRequests: 1000 } } }; } },
  { name: 'a port named web with appProtocol http', codes: ['CR213', 'CR219'], mutate: m => { svc(m).spec.ports[0].name = 'web'; svc(m).spec.ports[0].appProtocol = 'http'; } },
  { name: 'a port named http-web', codes: ['CR213', 'CR219'], mutate: m => { svc(m).spec.ports[0].name = 'http-web'; } },
  { name: 'a single destination without weight', codes: ['CR214'], mutate: m => { vs(m).spec.http.push({ name: 'legacy', route: [{ destination: { host: FQDN, subset: 'stable', port: { number: 80 } } }] }); } },
  { name: 'a redirect route', codes: ['CR215'], mutate: m => { vs(m).spec.http.unshift({ name: 'old', match: [{ uri: { prefix: '/old' } }], redirect: { uri: '/' } }); } },
  {
    name: 'a route with every policy field set as Istio accepts it',
    codes: ['CR230', 'CR231', 'CR232', 'CR233', 'CR234', 'CR235', 'CR236', 'CR237'],
    mutate: m => {
      Object.assign(primary(m), {
        timeout: '10s',
        retries: { attempts: 2, perTryTimeout: '3s', retryOn: '5xx,connect-failure,503', backoff: '50ms', retryRemoteLocalities: true },
        rewrite: { uri: '/', authority: 'shop.internal' },
        match: [
          { uri: { prefix: '/shop' }, ignoreUriCase: true, method: { regex: '(?i)get|head' }, headers: { 'x-tenant': { exact: 'acme' } }, queryParams: { v: { prefix: '2' } } },
          { uri: { prefix: '' }, withoutHeaders: { 'x-bot': { regex: '*' } } },
        ],
        headers: { request: { set: { 'x-route': 'primary', ':authority': 'ignored-when-rewritten' }, remove: ['x-debug'] }, response: { add: { 'x-served-by': '%HOSTNAME% 100%%' } } },
        corsPolicy: { allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.example\\.com' }], allowMethods: ['GET', 'POST'], allowHeaders: ['*'], exposeHeaders: ['x-request-id'], maxAge: '24h' },
        fault: { delay: { fixedDelay: '500ms', percentage: { value: 0.5 } }, abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 0 } } },
      });
      delete primary(m).rewrite.authority;
    },
  },
  { name: 'a per-try timeout shorter than the route timeout', codes: ['CR232'], mutate: m => { Object.assign(primary(m), { timeout: '10s', retries: { attempts: 3, perTryTimeout: '2500ms' } }); } },
  { name: 'a per-try timeout without a route timeout', codes: ['CR232'], mutate: m => { primary(m).retries = { attempts: 3, perTryTimeout: '30s' }; } },
  { name: 'retries disabled with attempts 0 alone', codes: ['CR231'], mutate: m => { primary(m).retries = { attempts: 0 }; } },
  {
    name: 'a header step on a route without policy',
    codes: ['CR238'],
    mutate: m => {
      canary(m).trafficRouting.managedRoutes = [{ name: 'testers' }];
      canary(m).steps.unshift({ setHeaderRoute: { name: 'testers', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } });
    },
  },
  {
    name: 'a step that removes a header route from a route with a timeout',
    codes: ['CR238'],
    mutate: m => {
      primary(m).timeout = '10s';
      canary(m).trafficRouting.managedRoutes = [{ name: 'testers' }];
      canary(m).steps.push({ setHeaderRoute: { name: 'testers' } });
    },
  },
  {
    name: 'a mirror step whose match repeats the route path, on a route without other policy',
    codes: ['CR239'],
    mutate: m => {
      primary(m).match = [{ uri: { prefix: '/shop' } }];
      canary(m).trafficRouting.managedRoutes = [{ name: 'shadow' }];
      canary(m).steps.unshift({ setMirrorRoute: { name: 'shadow', match: [{ method: { exact: 'GET' }, path: { prefix: '/shop/items' } }] } });
    },
  },
  { name: 'a TLS passthrough server', codes: ['CR216', 'CR217', 'CR218'], mutate: m => { gw(m).spec.servers.push({ port: { number: 8443, name: 'tls', protocol: 'TLS' }, hosts: ['shop.example.com'], tls: { mode: 'PASSTHROUGH' } }); } },
  { name: 'equal consecutive weights', codes: ['CR301'], mutate: m => { canary(m).steps[2].setWeight = 10; } },
  { name: 'steps ending at 100 without a final pause', codes: ['CR302', 'CR304'], mutate: m => { canary(m).steps.splice(7, 1); } },
  { name: 'subsets labelled with app and tier', codes: ['CR303'], mutate: m => { for (const s of dr(m).spec.subsets) s.labels.tier = 'web'; } },
  {
    name: 'manual pauses instead of analysis',
    codes: ['CR304'],
    mutate: m => { delete canary(m).analysis; for (const s of canary(m).steps) if (s.pause) s.pause = {}; },
  },
  {
    name: 'analysis steps instead of background analysis',
    codes: ['CR304', 'CR127'],
    mutate: m => {
      delete canary(m).analysis;
      at(m).spec.metrics[0].count = 3;
      canary(m).steps = canary(m).steps.map((s: any) => s.pause ? { analysis: { templates: [{ templateName: 'shop-success-rate' }], args: [{ name: 'canary-revision', value: REVISION }] } } : s);
    },
  },
  { name: 'a sidecar container without ports and without probe', codes: ['CR305'], mutate: m => { ro(m).spec.template.spec.containers.push({ name: 'log-shipper', image: 'registry.example.com/shipper:2.0.0' }); } },
  {
    name: 'a revision label set by the user, not in the library form',
    codes: ['CR307'],
    mutate: m => {
      ro(m).spec.template.metadata.labels['service.istio.io/canonical-revision'] = 'v1-4-2';
      canary(m).analysis.args[0].value = 'v1-4-2';
      container(m).image = 'registry.example.com/shop:1.4.3';
    },
  },
  { name: 'an image pinned by digest', codes: ['CR306'], mutate: m => { container(m).image = `registry.example.com/shop@sha256:${'a'.repeat(64)}`; } },
  {
    name: 'mesh-only VirtualServices with cluster names (short, <service>.<namespace> of a Service of the set, .svc) or a ServiceEntry host',
    codes: ['CR224'],
    mutate: m => {
      delete vs(m).spec.gateways;
      vs(m).spec.hosts = ['shop', 'shop.shop', 'shop.shop.svc', FQDN, 'payments.example.com'];
      m.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'payments', namespace: NS },
        spec: { hosts: ['payments.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS', location: 'MESH_INTERNAL' },
      });
    },
  },
  {
    name: 'an external host on a VirtualService bound to a gateway and the mesh',
    codes: ['CR224'],
    mutate: () => undefined,
  },
  {
    name: 'success conditions that require data, or test for no data after another test',
    codes: ['CR309'],
    mutate: m => {
      at(m).spec.metrics[0].successCondition = 'len(result) > 0 && (len(result) == 0 || result[0] >= 0.95)';
      at(m).spec.metrics.push({ ...at(m).spec.metrics[0], name: 'other', successCondition: 'result[0] >= 0.95 || len(result) == 0 && false' });
    },
  },
  {
    name: 'objects of one name in two namespaces, or of two kinds',
    codes: ['CR308'],
    mutate: m => {
      const copy = JSON.parse(JSON.stringify(svc(m)));
      copy.metadata.namespace = 'other';
      const dest = JSON.parse(JSON.stringify(dr(m)));
      dest.kind = 'ServiceEntry';
      m.push(copy, dest);
    },
  },
  {
    name: 'a Rollout migrating from a Deployment that matches it',
    codes: ['CR160', 'CR161', 'CR162', 'CR163', 'CR164', 'CR165', 'CR307', 'CR327', 'CR328'],
    mutate: m => { migrate(m); },
  },
  { name: 'workloadRef with an empty template object', codes: ['CR160'], mutate: m => { migrate(m); ro(m).spec.template = { metadata: {}, spec: {} }; } },
  { name: 'workloadRef to a PodTemplate with scaleDown never', codes: ['CR161', 'CR165'], mutate: m => { const d = migrate(m, 'never'); d.kind = 'PodTemplate'; d.apiVersion = 'v1'; ro(m).spec.workloadRef = { apiVersion: 'v1', kind: 'PodTemplate', name: 'shop', scaleDown: 'never' }; } },
  { name: 'workloadRef without a selector (the controller takes the Deployment\'s)', codes: ['CR163', 'CR121'], mutate: m => { migrate(m); delete ro(m).spec.selector; } },
  { name: 'workloadRef without scaleDown', codes: ['CR164', 'CR165'], mutate: m => { migrate(m); delete ro(m).spec.workloadRef.scaleDown; } },
  {
    name: 'a drained Deployment whose pods the subsets no longer select',
    codes: ['CR328'],
    mutate: m => { migrate(m).spec.replicas = 0; for (const s of dr(m).spec.subsets) s.labels = { app: 'shop', tier: 'web' }; },
  },
  {
    name: 'a content-hashed ConfigMap referenced by its hashed name, and a plain ConfigMap of another name',
    codes: ['CR325'],
    mutate: m => {
      versionedConfig(m);
      container(m).envFrom = [{ configMapRef: { name: 'shop-settings-0123456789' } }, { configMapRef: { name: 'feature-flags' } }];
    },
  },
  {
    name: 'a Secret referenced by name that is not in the manifests, and a Secret without values',
    codes: ['CR326'],
    mutate: m => {
      m.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'empty', namespace: NS }, type: 'Opaque' });
      container(m).env = [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'empty', key: 'x' } } },
      ];
    },
  },
  { name: 'a web metric with guarded conditions over https', codes: ['CR140', 'CR141', 'CR318', 'CR319', 'CR320'], mutate: m => { addMetric(m, 'shop-web', clone(WEB_OK)); } },
  {
    name: 'a web metric with a secret header from a Secret argument, to a cluster-local http host',
    codes: ['CR318', 'CR319'],
    mutate: m => {
      const w = clone(WEB_OK);
      w.provider.web.url = 'http://status.monitoring.svc.cluster.local:8080/health';
      w.provider.web.headers = [{ key: 'Authorization', value: 'Bearer {{args.token}}' }, { key: 'Accept', value: 'application/json' }];
      addMetric(m, 'shop-web', w, [{ name: 'token', valueFrom: { secretKeyRef: { name: 'status', key: 'token' } } }]);
    },
  },
  { name: 'a web metric that POSTs a body', codes: ['CR141'], mutate: m => { addMetric(m, 'shop-web', { ...clone(WEB_OK), provider: { web: { ...WEB_OK.provider.web, method: 'POST', body: '{}' } } }); } },
  { name: 'a Datadog v2 metric with guarded conditions', codes: ['CR142', 'CR143', 'CR320'], mutate: m => { addMetric(m, 'shop-dd', clone(DATADOG_OK)); } },
  {
    name: 'a Datadog metric whose default() makes no data a failure',
    codes: ['CR320'],
    mutate: m => { const d = clone(DATADOG_OK); d.successCondition = 'default(result, 1) <= 0.01'; delete d.failureCondition; addMetric(m, 'shop-dd', d); },
  },
  {
    name: 'a Datadog formula over two queries',
    codes: ['CR142'],
    mutate: m => { const d = clone(DATADOG_OK); delete d.provider.datadog.query; d.provider.datadog.queries = { a: 'sum:x{*}', b: 'sum:y{*}' }; d.provider.datadog.formula = 'a / b'; addMetric(m, 'shop-dd', d); },
  },
  { name: 'a Job metric with a count and a deadline within its interval', codes: ['CR321', 'CR322'], mutate: m => { addMetric(m, 'shop-job', { ...clone(JOB_OK), interval: '2m', count: 3 }); } },
  { name: 'a canary test Job after its header route', codes: ['CR323'], mutate: m => { addTestTraffic(m); } },
];
