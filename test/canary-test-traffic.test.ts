// CanaryTestTraffic: the Jobs it builds, their wiring with the header route, and a real run of their commands. The
// commands run here with sh and curl against a local HTTP server that routes like the Job's sidecar would: curl goes
// through the server as its proxy (http_proxy), as the sidecar intercepts the Job's calls, and the server applies the
// VirtualService as Argo Rollouts leaves it at the step (the controller model of src/private/argocd/controller.ts:
// the header route on top, canary subset only), then answers from a "canary" or a "stable" handler.
import { execFile } from 'child_process';
import * as http from 'http';
import { AddressInfo } from 'net';
import { App, Chart, Duration } from 'cdk8s';
import { AnalysisTemplate, CanaryRules, CanaryService, CanaryStep, CanaryTestTraffic, ConstructRules, MetricProvider, RolloutPlan } from '../src';
import { validateManifests } from './support/schema';
import { istioKey, progress, RolloutTraffic } from '../src/private/argocd/controller';
import { objectKey } from '../src/private/argocd/json';

function shop(options: { route?: boolean; smokePaths?: string[] } = {}) {
  const app = new App();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
  const smoke = new AnalysisTemplate(chart, 'smoke', { metadata: { name: 'shop-smoke' }, metrics: [tests.smokeTest({ paths: options.smokePaths ?? ['/healthz', '/'] })] });
  const load = new AnalysisTemplate(chart, 'load', {
    metadata: { name: 'shop-load' },
    metrics: [tests.loadTest({ requestsPerSecond: 20, duration: Duration.minutes(10) })],
  });
  const service = new CanaryService(chart, 'shop', {
    image: 'registry.example.com/shop:1.4.2',
    defaultAnalysis: false,
    steps: [
      CanaryStep.canaryScale({ replicas: 1 }),
      ...(options.route === false ? [] : [tests.headerRoute()]),
      CanaryStep.analysis({ templates: [smoke] }),
      CanaryStep.weight(10),
      CanaryStep.canaryScale({ matchTrafficWeight: true }),
      CanaryStep.pause(Duration.minutes(10)),
      CanaryStep.weight(100),
      CanaryStep.pause(Duration.minutes(2)),
    ],
    analysis: { templates: [load], startingStep: 3 },
  });
  // without the route the rules fail synth: read the manifests without running them
  return { chart, tests, service, manifests: options.route === false ? ConstructRules.manifestsOf(chart) : chart.toJson() };
}

const find = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
const scriptOf = (template: any) => template.spec.metrics[0].provider.job.spec.template.spec.containers[0].command[2];

describe('CanaryTestTraffic', () => {
  test('the smoke and load Jobs are schema-valid Job metrics that pass the rules', () => {
    const { manifests } = shop();
    validateManifests(manifests);
    expect(CanaryRules.errors(CanaryRules.check(manifests))).toEqual([]);
    const smoke = find(manifests, 'AnalysisTemplate', 'shop-smoke').spec.metrics[0];
    expect(smoke.provider.job.metadata.annotations).toEqual({
      'cdk8s-canary/test-route': 'canary-tests',
      'cdk8s-canary/test-header': 'x-canary-test: canary-tests',
    });
    const pod = smoke.provider.job.spec.template;
    expect(pod.metadata.labels).toEqual({ 'sidecar.istio.io/inject': 'true' });
    expect(pod.metadata.annotations).toEqual({ 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' });
    expect(pod.spec.restartPolicy).toEqual('Never');
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.containers[0]).toMatchObject({
      image: CanaryTestTraffic.DEFAULT_IMAGE,
      securityContext: { runAsNonRoot: true, runAsUser: 100, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '50m', memory: '32Mi' } },
    });
    expect(smoke.provider.job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 180 });
    const load = find(manifests, 'AnalysisTemplate', 'shop-load').spec.metrics[0];
    expect(load.provider.job.metadata.annotations).toMatchObject({ 'cdk8s-canary/load-requests-per-second': '20', 'cdk8s-canary/load-duration': '10m' });
    expect(load.provider.job.spec.activeDeadlineSeconds).toEqual(600 + 120);
    const rollout = find(manifests, 'Rollout', 'shop');
    expect(rollout.spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-tests' }]);
    expect(rollout.spec.strategy.canary.steps[1]).toEqual({
      setHeaderRoute: { name: 'canary-tests', match: [{ headerName: 'x-canary-test', headerValue: { exact: 'canary-tests' } }] },
    });
  });

  test('the metrics are Job metrics measured once, without conditions', () => {
    const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop', port: 8080 });
    const m = tests.smokeTest();
    expect(m.provider).toEqual(MetricProvider.JOB);
    expect(m.successCondition).toBeUndefined();
    expect(m.count).toBeUndefined();
    expect(tests.baseUrl).toEqual('http://shop.shop.svc.cluster.local:8080');
  });

  test('fails if the smoke test runs without the header route (rule CR323)', () => {
    const { manifests } = shop({ route: false });
    const errors = CanaryRules.errors(CanaryRules.check(manifests));
    // one problem (no step adds the route), reported once at the earliest analysis, naming the background load test too
    expect(errors.map(e => `${e.code} ${e.path}`)).toEqual(['CR323 spec.strategy.canary.steps[1].analysis']);
    expect(errors[0].message).toMatch(/metric "smoke-test" of AnalysisTemplate shop\/shop-smoke sends canary test traffic through header route "canary-tests", but no step before step 1 adds that route \(and so does metric "load-test" of AnalysisTemplate shop\/shop-load\), so their requests reach the stable pods as well/);
    expect(errors[0].fix).toMatch(/as a step before step 1$/);
  });

  test('the plan shows the load window and the requests it guarantees per query window', () => {
    const { manifests } = shop();
    const plan = RolloutPlan.fromManifests(manifests, 'shop');
    const bg = plan.analyses.find(a => a.kind === 'background')!;
    expect(bg.metrics[0].load).toEqual({ requestsPerSecond: 20, duration: Duration.seconds(600), route: 'canary-tests' });
    // the Job's measurement lasts its duration: the metric completes 10m after the run starts
    expect(bg.metrics[0].completesAfter?.toSeconds()).toEqual(600);
    const md = plan.toMarkdown();
    expect(md).toMatch(/`load-test`: load test of 20 requests\/s to the canary through header route `canary-tests` for 10m/);
  });

  test.each([
    ['a path with a quote', { paths: ["/it's"] }, /'paths' \("\/it's"\) must start with '\/' and hold no quotes/],
    ['a path without a slash', { paths: ['healthz'] }, /must start with '\/'/],
    ['no path', { paths: [] }, /'paths' is empty/],
  ])('fails if a smoke test has %s', (_, options, message) => {
    const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
    expect(() => tests.smokeTest(options)).toThrow(message);
  });

  test.each([
    ['a fractional rate', { requestsPerSecond: 2.5, duration: Duration.minutes(1) }, /requestsPerSecond' \(2.5\) must be an integer between 1 and 1000/],
    ['a duration below a second', { requestsPerSecond: 5, duration: Duration.millis(500) }, /'duration' \(500 millis\) must be whole seconds/],
    ['more workers than it has requests', { requestsPerSecond: 1, duration: Duration.minutes(1), workers: 200 }, /workers' \(200\) must be an integer between 1 and 60/],
  ])('fails if a load test has %s', (_, options, message) => {
    const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
    expect(() => tests.loadTest(options)).toThrow(message);
  });

  test.each([
    ['an uppercase header name', { headerName: 'X-Canary' }, /'headerName' \("X-Canary"\) must be lowercase/],
    ['a header value with a space', { headerValue: 'a b' }, /'headerValue' \("a b"\) must be letters/],
    ['an unpinned image', { image: 'curlimages/curl' }, /'image' \("curlimages\/curl"\)/],
  ])('fails if the test traffic has %s', (_, props, message) => {
    expect(() => new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop', ...props })).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------------
// A real run of the generated commands against a server that routes like the Job's sidecar.

/**
 * The VirtualService as Argo Rollouts leaves it at step `index`: the controller model of the Argo CD sync model
 * (src/private/argocd/controller.ts, after rollout/trafficrouting/istio/istio.go) run from rest through steps
 * 0..index. Each setHeaderRoute step adds its route (the DestinationRule's host, the canary subset only), managed
 * routes are ordered first, and the weights are the last setWeight at or before the step.
 */
function virtualServiceAt(manifests: any[], index: number): any {
  const rt = new RolloutTraffic(find(manifests, 'Rollout', 'shop'));
  const istio = manifests.filter(m => m.apiVersion.startsWith('networking.istio.io/'));
  const live = progress(rt, new Map(istio.map(o => [objectKey(o), o])), index);
  return live.get(istioKey('VirtualService', 'shop', 'shop'));
}

/** The subset a request goes to: the first http route whose match holds, a destination by weight (0 never chosen). */
function routeRequest(vs: any, host: string, headers: http.IncomingHttpHeaders): string | undefined {
  const shortHost = host.replace(/:\d+$/, '');
  if (!vs.spec.hosts.some((h: string) => h === shortHost || `${h}.shop.svc.cluster.local` === shortHost)) return undefined;
  const holds = (cond: any, value: string | undefined) => value !== undefined
    && (cond.exact !== undefined ? value === cond.exact : cond.prefix !== undefined ? value.startsWith(cond.prefix) : new RegExp(`^${cond.regex}$`).test(value));
  for (const h of vs.spec.http) {
    const matches = !h.match
      || h.match.some((m: any) => Object.entries(m.headers ?? {}).every(([k, c]) => holds(c, headers[k] as string | undefined)));
    if (!matches) continue;
    const candidates = h.route.filter((d: any) => (d.weight ?? 100) > 0);
    return candidates[Math.floor(Math.random() * candidates.length)]?.destination.subset;
  }
  return undefined;
}

interface Mesh {
  readonly hits: { canary: number; stable: number; unrouted: number; quit: number };
  readonly proxy: string;
  close(): Promise<void>;
}

async function mesh(vs: any, canaryStatus = 200): Promise<Mesh> {
  const hits = { canary: 0, stable: 0, unrouted: 0, quit: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/');
    if (url.host === '127.0.0.1:15020' && url.pathname === '/quitquitquit' && req.method === 'POST') {
      hits.quit++;
      res.end('OK');
      return;
    }
    const subset = routeRequest(vs, req.headers.host ?? url.host, req.headers);
    if (subset === 'canary') {
      hits.canary++;
      res.statusCode = canaryStatus;
      res.end('canary');
    } else if (subset === 'stable') {
      hits.stable++;
      res.end('stable');
    } else {
      hits.unrouted++;
      res.statusCode = 404;
      res.end('no route');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { hits, proxy: `http://127.0.0.1:${port}`, close: () => new Promise(resolve => server.close(() => resolve())) };
}

function run(script: string, proxy: string): Promise<{ code: number; stdout: string }> {
  return new Promise(resolve => {
    const env = { PATH: process.env.PATH, http_proxy: proxy, HTTP_PROXY: proxy };
    execFile('sh', ['-c', script], { env, timeout: 60_000 }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout) });
    });
  });
}

describe('the generated commands, run against a mesh-like server', () => {
  test('the smoke test reaches only the canary, then stops the sidecar', async () => {
    const { manifests } = shop();
    const m = await mesh(virtualServiceAt(manifests, 2));
    try {
      const r = await run(scriptOf(find(manifests, 'AnalysisTemplate', 'shop-smoke')), m.proxy);
      expect(r.stdout).toContain('smoke /healthz: HTTP 200');
      expect(r.code).toBe(0);
      expect(m.hits).toEqual({ canary: 2, stable: 0, unrouted: 0, quit: 1 });
    } finally {
      await m.close();
    }
  });

  test('without the header route the same requests reach stable (what CR323 prevents)', async () => {
    const { manifests } = shop({ route: false });
    const m = await mesh(virtualServiceAt(manifests, 1));
    try {
      const r = await run(scriptOf(find(manifests, 'AnalysisTemplate', 'shop-smoke')), m.proxy);
      expect(r.code).toBe(0);
      expect(m.hits).toMatchObject({ canary: 0, stable: 2 });
    } finally {
      await m.close();
    }
  });

  test('the smoke test fails when the canary answers 500', async () => {
    const { manifests } = shop();
    const m = await mesh(virtualServiceAt(manifests, 2), 500);
    try {
      const r = await run(scriptOf(find(manifests, 'AnalysisTemplate', 'shop-smoke')), m.proxy);
      expect(r.stdout).toContain('smoke /: HTTP 500');
      expect(r.code).toBe(1);
      expect(m.hits.quit).toBe(1);
    } finally {
      await m.close();
    }
  });

  test('the load test sends its rate to the canary only, at 10% user weight', async () => {
    const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
    const metric = tests.loadTest({ requestsPerSecond: 10, duration: Duration.seconds(3), workers: 2 });
    const script = metric._toKube().provider.job.spec.template.spec.containers[0].command[2];
    const { manifests } = shop();
    const m = await mesh(virtualServiceAt(manifests, 3));
    try {
      const started = Date.now();
      const r = await run(script, m.proxy);
      const seconds = (Date.now() - started) / 1000;
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/load: 2 worker\(s\) x 300\/min for 3s/);
      expect(m.hits.stable).toBe(0);
      expect(m.hits.unrouted).toBe(0);
      // 2 workers x 300/min for 3 s: 15 requests each, the first at once; the fixed rate bounds it from above
      expect(m.hits.canary).toBeGreaterThanOrEqual(20);
      expect(m.hits.canary).toBeLessThanOrEqual(32);
      expect(seconds).toBeLessThan(8);
      expect(m.hits.quit).toBe(1);
    } finally {
      await m.close();
    }
  });
});
