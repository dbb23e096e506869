// The bundled example app (examples/shop), synthesized as the README's main job does it, checked end to end:
// schema-valid objects, consistent references, secure defaults, header routing and mirroring with managed
// routes that the Argo CD Applications ignore exactly, sync waves, and plans whose numbers match a hand
// computation from the Rollouts and AnalysisTemplates in the output.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { runProgram } from '../scripts/render-docs';
import { CanaryRules, RolloutPlan } from '../src';
import { outputScenarios, scenarioFailures } from './support/argocd-scenarios';
import { findAll, findOne } from './support/manifests';
import { validateManifests } from './support/schema';

const ROOT = path.join(__dirname, '..');
let files: { [name: string]: string } = {};
const objects = (file: string): any[] => YAML.parseAllDocuments(files[file]).map(d => d.toJS());

beforeAll(() => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-app-'));
  try {
    runProgram('examples/shop/main.ts', outdir);
    files = Object.fromEntries(fs.readdirSync(outdir).sort().map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf-8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('writes one manifest file and one plan per environment, the Argo CD Applications, and the ownership record', () => {
  expect(Object.keys(files)).toEqual([
    'argocd.k8s.yaml', 'cdk8s-canary.owned.txt', 'shop-production.k8s.yaml', 'shop-production.plan.md', 'shop-staging.k8s.yaml', 'shop-staging.plan.md',
  ]);
});

test('every object is schema-valid; the rule catalog finds no error, and warns only that the storefront\'s header and mirror routes lack its route policy', () => {
  for (const f of Object.keys(files).filter(n => n.endsWith('.k8s.yaml'))) {
    const manifests = validateManifests(objects(f));
    const findings = CanaryRules.check(manifests);
    expect(CanaryRules.errors(findings)).toEqual([]);
    // the storefront's timeout and retries are not copied to the routes of its header and mirror steps (CR238, CR239):
    // the test traffic's route (canary-tests), the testers' route (canary-by-header) and the mirror route
    expect(findings.map(x => [x.code, x.object, x.path])).toEqual(f === 'argocd.k8s.yaml' ? [] : [
      ['CR238', expect.stringMatching(/^Rollout shop(-staging)?\/storefront$/), 'spec.strategy.canary.steps[1].setHeaderRoute'],
      ['CR238', expect.stringMatching(/^Rollout shop(-staging)?\/storefront$/), 'spec.strategy.canary.steps[3].setHeaderRoute'],
      ['CR239', expect.stringMatching(/^Rollout shop(-staging)?\/storefront$/), 'spec.strategy.canary.steps[4].setMirrorRoute'],
    ]);
    for (const x of findings) expect(x.message).toMatch(/does not copy 'timeout' \("10s"\), 'retries' \(/);
  }
});

test('the storefront\'s weighted route has a timeout and retries that fit in it; the cart\'s routes have no policy', () => {
  for (const env of ['shop-staging', 'shop-production']) {
    const m = objects(`${env}.k8s.yaml`);
    const [storefront] = findOne(m, 'VirtualService', 'storefront').spec.http;
    expect([storefront.timeout, storefront.retries]).toEqual(['10s', { attempts: 2, perTryTimeout: '3s', retryOn: 'connect-failure,refused-stream,reset-before-request' }]);
    // every try fits in the route timeout (CR232 would warn otherwise): 3 tries of 3s within 10s
    expect(3 * (storefront.retries.attempts + 1)).toBeLessThan(10);
    for (const route of findOne(m, 'VirtualService', 'cart').spec.http) expect(Object.keys(route).sort()).toEqual(['match', 'name', 'route']);
  }
});

test('the rule catalog, Argo CD rules included, finds nothing in each Application together with what it deploys but the route policy warnings', () => {
  for (const app of objects('argocd.k8s.yaml')) {
    const deployed = objects(app.spec.source.directory.include);
    // CR238/CR239 (the storefront's header and mirror routes lack its route policy) are pinned by the test above
    const findings = CanaryRules.check([app, ...deployed]).filter(x => x.code !== 'CR238' && x.code !== 'CR239');
    expect(findings.map(x => CanaryRules.format(x))).toEqual([]);
  }
});

test('each Argo CD Application passes S1-S5 of the sync model on both Argo CD version families, for both Rollouts it deploys', () => {
  const apps = outputScenarios(files);
  expect(apps.map(a => [a.application, a.deploys, new Set(a.results.map(r => r.rollout))])).toEqual([
    ['shop-staging', ['shop-staging.k8s.yaml'], new Set(['storefront', 'cart'])],
    ['shop-production', ['shop-production.k8s.yaml'], new Set(['storefront', 'cart'])],
  ]);
  expect(apps.flatMap(a => scenarioFailures(a.results))).toEqual([]);
});

describe.each(['shop-staging', 'shop-production'])('%s', (env) => {
  const manifests = () => objects(`${env}.k8s.yaml`);

  test('the graph of each service is consistent: Service, DestinationRule, VirtualService and Rollout agree', () => {
    for (const name of ['storefront', 'cart']) {
      const m = manifests();
      const svc = findOne(m, 'Service', name);
      const dr = findOne(m, 'DestinationRule', name);
      const vs = findOne(m, 'VirtualService', name);
      const ro = findOne(m, 'Rollout', name);
      const ns = svc.metadata.namespace;
      const host = `${name}.${ns}.svc.cluster.local`;
      expect(dr.spec.host).toEqual(host);
      expect(dr.spec.subsets.map((s: any) => [s.name, s.labels])).toEqual([['stable', svc.spec.selector], ['canary', svc.spec.selector]]);
      expect(ro.spec.selector.matchLabels).toEqual(svc.spec.selector);
      const istio = ro.spec.strategy.canary.trafficRouting.istio;
      expect(istio.destinationRule).toEqual({ name, stableSubsetName: 'stable', canarySubsetName: 'canary' });
      expect(istio.virtualService.name).toEqual(vs.metadata.name);
      for (const route of istio.virtualService.routes) {
        const http = vs.spec.http.find((h: any) => h.name === route);
        expect(http.route.map((d: any) => [d.destination.host, d.destination.subset, d.weight])).toEqual([[host, 'stable', 100], [host, 'canary', 0]]);
      }
      // the revision label on the pods is the value the Rollout passes to the analysis
      const revision = ro.spec.template.metadata.labels['service.istio.io/canonical-revision'];
      expect(ro.spec.strategy.canary.analysis.args).toContainEqual({ name: 'canary-revision', value: revision });
      findOne(m, 'AnalysisTemplate', ro.spec.strategy.canary.analysis.templates[0].templateName);
    }
  });

  test('the output carries the secure defaults', () => {
    const m = manifests();
    for (const ro of findAll(m, 'Rollout')) {
      const pod = ro.spec.template.spec;
      expect(ro.spec.template.metadata.labels['sidecar.istio.io/inject']).toEqual('true');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests).toBeDefined();
        expect(c.resources.limits).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
        expect(c.image).toMatch(/:[\w.-]+$/);
      }
      const name = ro.metadata.name;
      expect(findOne(m, 'PeerAuthentication', name).spec.mtls).toEqual({ mode: 'STRICT' });
      expect(findOne(m, 'PodDisruptionBudget', name).spec.maxUnavailable).toEqual(1);
      expect(findOne(m, 'AuthorizationPolicy', name).spec.action).toEqual('ALLOW');
    }
    expect(findOne(m, 'AuthorizationPolicy', 'cart').spec.rules[0].from[0].source.principals)
      .toEqual([`cluster.local/ns/${findOne(m, 'Service', 'cart').metadata.namespace}/sa/storefront`]);
  });

  test('the storefront release uses header routing and mirroring with managed routes, ignored exactly by Argo CD', () => {
    const ro = findOne(manifests(), 'Rollout', 'storefront');
    const canary = ro.spec.strategy.canary;
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-tests' }, { name: 'canary-by-header' }, { name: 'mirror-reads' }]);
    expect(canary.steps.filter((s: any) => s.setHeaderRoute).map((s: any) => s.setHeaderRoute.name)).toEqual(['canary-tests', 'canary-by-header']);
    expect(canary.steps.filter((s: any) => s.setMirrorRoute).map((s: any) => s.setMirrorRoute.name)).toEqual(['mirror-reads', 'mirror-reads']);
    expect(canary.trafficRouting.istio.virtualService.routes).not.toContain('canary-by-header');

    const app = findOne(objects('argocd.k8s.yaml'), 'Application', env);
    const ns = ro.metadata.namespace;
    const vsIgnore = app.spec.ignoreDifferences.find((d: any) => d.kind === 'VirtualService' && d.name === 'storefront' && d.namespace === ns);
    expect(vsIgnore.jqPathExpressions).toEqual([
      '.spec.http[]?.route[]?.weight',
      '.spec.http[]? | select(.name == "canary-by-header" or .name == "canary-tests" or .name == "mirror-reads")',
    ]);
    const cartIgnore = app.spec.ignoreDifferences.find((d: any) => d.kind === 'VirtualService' && d.name === 'cart' && d.namespace === ns);
    expect(cartIgnore.jqPathExpressions).toEqual(['.spec.http[]?.route[]?.weight']);
    expect(app.spec.syncPolicy.syncOptions).toEqual(['ApplyOutOfSyncOnly=true']);
    expect(app.spec.source.directory.include).toEqual(`${env}.k8s.yaml`);
  });

  test('configuration is part of the revision: the storefront mounts a content-hashed ConfigMap, the cart reads a versioned Secret', () => {
    const m = manifests();
    const storefront = findOne(m, 'Rollout', 'storefront').spec.template;
    const name = storefront.spec.volumes.find((v: any) => v.configMap).configMap.name;
    const cm = findOne(m, 'ConfigMap', name);
    expect(name).toMatch(/^storefront-settings-[0-9a-f]{10}$/);
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false', 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' });
    expect(storefront.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/etc/storefront', name: storefront.spec.volumes[0].name }]);
    const cart = findOne(m, 'Rollout', 'cart').spec.template;
    expect(cart.metadata.annotations['cdk8s-canary/secret-versions']).toMatch(/^cart-db=2026-1\d-\d\d$/);
    expect(findAll(m, 'Secret')).toEqual([]);
    const plans = RolloutPlan.allFromManifests(m);
    expect(plans.map(p => [p.rolloutName, p.configs.map(c => [c.kind, c.name, c.coverage])])).toEqual([
      ['cart', [['Secret', 'cart-db', 'version']]],
      ['storefront', [['ConfigMap', name, 'content-hash']]],
    ]);
    expect(plans.flatMap(p => p.warnings.map(w => w.code)).filter(c => c === 'PLAN023' || c === 'PLAN024')).toEqual([]);
  });

  test('the storefront is verified by a smoke test on the canary alone, a load test, a web check; the cart tries Datadog', () => {
    const m = manifests();
    const canary = findOne(m, 'Rollout', 'storefront').spec.strategy.canary;
    expect(canary.steps.slice(0, 3)).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { setHeaderRoute: { name: 'canary-tests', match: [{ headerName: 'x-canary-test', headerValue: { exact: 'canary-tests' } }] } },
      { analysis: { templates: [{ templateName: 'storefront-smoke' }] } },
    ]);
    expect(canary.analysis.templates).toEqual([{ templateName: 'storefront-verification' }]);
    const providers = (name: string) => findOne(m, 'AnalysisTemplate', name).spec.metrics.map((x: any) => `${x.name}:${Object.keys(x.provider)[0]}`);
    expect(providers('storefront-smoke')).toEqual(['smoke-test:job']);
    expect(providers('storefront-verification')).toEqual(['success-rate:prometheus', 'load-test:job', 'payments-status:web']);
    expect(providers('cart-success-rate')).toEqual(['success-rate:prometheus', 'datadog-success-rate:datadog']);
    expect(findOne(m, 'AnalysisTemplate', 'cart-success-rate').spec.dryRun).toEqual([{ metricName: '^datadog-success-rate$' }]);
  });

  test('each service tells the environment\'s Slack channel about aborts and failed or errored analyses, and rolls back fast', () => {
    const m = manifests();
    const config = findOne(m, 'ConfigMap', 'argo-rollouts-notification-configmap');
    const channel = env === 'shop-production' ? '#shop-releases' : '#shop-staging';
    // the Slack service refers to the token in the notifications Secret, which is not in the output
    expect(config.data['service.slack']).toMatch(/^token: \$slack-token\n/);
    expect(findAll(m, 'Secret')).toEqual([]);
    for (const ro of findAll(m, 'Rollout')) {
      expect(ro.metadata.namespace).toEqual(config.metadata.namespace);
      const subscriptions = Object.entries(ro.metadata.annotations).filter(([k]) => k.startsWith('notifications.argoproj.io/'));
      expect(subscriptions).toEqual(['on-analysis-run-error', 'on-analysis-run-failed', 'on-rollout-aborted']
        .map(t => [`notifications.argoproj.io/subscribe.${t}.slack`, channel]));
      // every subscribed trigger is defined next to the service, and sends a template of the same ConfigMap
      for (const [key] of subscriptions) {
        const trigger = key.split('.')[3]; // notifications.argoproj.io/subscribe.<trigger>.<service>
        const sends = YAML.parse(config.data[`trigger.${trigger}`]).flatMap((c: any) => c.send);
        expect(sends.map((t: string) => config.data[`template.${t}`] !== undefined)).toEqual(sends.map(() => true));
      }
      expect(ro.spec.rollbackWindow).toEqual({ revisions: 3 });
      expect(ro.spec.revisionHistoryLimit).toBeUndefined(); // the default, 10, holds the window
      expect(RolloutPlan.fromManifests(m, ro.metadata.name).rollback.fastRollbackRevisions).toBe(3);
    }
    expect(files[`${env}.plan.md`]).toContain('| one of the last 3 revisions, after a promotion | revert in git (`rollbackWindow`) |');
  });

  test('sync waves: prerequisites before routing before the Rollout, nothing after it', () => {
    const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
    for (const o of manifests()) {
      const expected: { [kind: string]: number } = {
        AnalysisTemplate: -2,
        Service: -2,
        DestinationRule: -2,
        Gateway: -2,
        PeerAuthentication: -2,
        AuthorizationPolicy: -2,
        PodDisruptionBudget: -2,
        ServiceAccount: -2,
        ConfigMap: -2,
        VirtualService: -1,
        Rollout: 0,
      };
      expect([o.kind, wave(o)]).toEqual([o.kind, expected[o.kind]]);
    }
  });

  test('the plan matches a hand computation from the Rollouts and AnalysisTemplates in the output', () => {
    const m = manifests();
    const markdown = files[`${env}.plan.md`];
    for (const ro of findAll(m, 'Rollout')) {
      const steps: any[] = ro.spec.strategy.canary.steps;
      // minimum time to 100% = sum of the timed pauses (no analysis steps, no manual pause)
      const seconds = (d: string) => Number(d.slice(0, -1)) * ({ s: 1, m: 60, h: 3600 } as any)[d.slice(-1)];
      const total = steps.filter(s => s.pause).reduce((sum, s) => sum + seconds(s.pause.duration), 0);
      const plan = RolloutPlan.fromManifests(m, ro.metadata.name);
      expect(plan.minimumTimeToFullPromotion?.toSeconds()).toEqual(total);
      // worst case: the (failureLimit+1)-th failed measurement, initialDelay + failureLimit × interval after the
      // analysis starts, which is when the first weight above 0 is set
      const bg = ro.spec.strategy.canary.analysis;
      const template = findOne(m, 'AnalysisTemplate', bg.templates[0].templateName);
      const metric = template.spec.metrics[0];
      const abortAfter = seconds(metric.initialDelay) + metric.failureLimit * seconds(metric.interval);
      const firstWeight = steps[bg.startingStep ?? 0].setWeight ?? steps.find(s => s.setWeight)?.setWeight;
      const exposure = plan.analyses[0].worstCase!;
      expect(exposure.abortAfter.toSeconds()).toEqual(abortAfter);
      expect(exposure.weightAtAbort).toEqual(firstWeight);
      if (ro.metadata.name === 'storefront') {
        // requests served by the canary until the abort: rate × time × weight (the example declares the rate)
        const rate = env === 'shop-production' ? 400 : 5;
        const expected = rate * abortAfter * firstWeight / 100;
        const withRate = RolloutPlan.fromManifests(m, 'storefront', { requestsPerSecond: rate });
        expect(withRate.analyses[0].worstCase!.canaryRequests).toBeCloseTo(expected, 6);
        expect(markdown).toContain(`| \`success-rate\` | fails every measurement | ${abortAfter / 60}m | ${abortAfter / 60}m | ${firstWeight}% | `
          + `${firstWeight}% | ${expected.toLocaleString('en-US')} |`);
      }
      expect(markdown).toContain(`## Rollout plan: ${ro.metadata.namespace}/${ro.metadata.name}`);
    }
    expect(markdown).toContain('```mermaid');
  });
});

test('a settings-only change in staging: its own hashed ConfigMap, and the previous version kept unreferenced, identical to production\'s current one', () => {
  const staging = objects('shop-staging.k8s.yaml');
  const production = objects('shop-production.k8s.yaml');
  const current = (m: any[]) => findOne(m, 'Rollout', 'storefront').spec.template.spec.volumes.find((v: any) => v.configMap).configMap.name;
  const versions = findAll(staging, 'ConfigMap').filter(c => c.metadata.labels?.['cdk8s-canary/config'] === 'storefront-settings');
  expect(versions.map(c => c.metadata.name)).toEqual([current(staging), current(production)]);
  const previous = versions[1];
  const productionCurrent = findOne(production, 'ConfigMap', current(production));
  // the same content gives the same name and object in any namespace: the previous version is what the previous synth wrote
  expect({ ...previous, metadata: { ...previous.metadata, namespace: 'x' } }).toEqual({ ...productionCurrent, metadata: { ...productionCurrent.metadata, namespace: 'x' } });
  expect(previous.data['settings.yaml']).toContain('pageSize: 12');
  expect(findOne(staging, 'ConfigMap', current(staging)).data['settings.yaml']).toContain('pageSize: 24');
});

test('the committed example output (examples/shop/manifests) is what the program synthesizes', () => {
  const dir = path.join(ROOT, 'examples', 'shop', 'manifests');
  const committed = Object.fromEntries(fs.readdirSync(dir).sort().map(f => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
  expect(committed).toEqual(files);
});
