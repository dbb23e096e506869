// End to end against a real Prometheus: two releases of a real CanaryService (the second changes only
// configuration, so the image tag and the version labels stay the same). The pods' Istio series carry the
// labels the library puts on the pod templates; the default analysis query comes from the synthesized
// AnalysisTemplate and its arguments from the synthesized Rollout, substituted as Argo Rollouts does.
// A canary with 5% errors fails; a healthy one succeeds; a query by version alone could not tell them apart.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryService } from '../src';
import { Outcome, outcome } from './support/expr-eval';
import { findOne } from './support/manifests';
import { istioOpenMetrics, PodsTraffic, prometheusAvailable, PrometheusServer } from './support/prometheus';
import { validateManifests } from './support/schema';

const END = 1_700_000_000;
const FAST = [{ ms: 20, share: 1 }];

/** Synthesizes one release of the service; only the LOG_LEVEL setting differs between releases. */
function release(namespace: string, logLevel: string) {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', {
    image: 'ghcr.io/acme/shop:1.4.2',
    namespace,
    envVariables: { LOG_LEVEL: kplus.EnvValue.fromValue(logLevel) },
  });
  const manifests = validateManifests(Testing.synth(chart));
  const rollout = findOne(manifests, 'Rollout', 'shop');
  const analysis = rollout.spec.strategy.canary.analysis;
  const template = findOne(manifests, 'AnalysisTemplate', analysis.templates[0].templateName);
  const args: { name: string; value: string }[] = analysis.args;
  return { labels: rollout.spec.template.metadata.labels, args, metric: template.spec.metrics[0] };
}

/** Argo Rollouts' substitution of `{{args.x}}` with the Rollout's argument values. */
function resolve(query: string, args: { name: string; value: string }[]): string {
  return query.replace(/\{\{\s*args\.([^}\s]+)\s*\}\}/g, (_, name) => {
    const arg = args.find(a => a.name === name);
    if (!arg) throw new Error(`argument ${name} not supplied by the Rollout`);
    return arg.value;
  });
}

function pods(namespace: string, labels: any, role: 'stable' | 'canary', errorRatio: number): PodsTraffic {
  return {
    namespace,
    service: 'shop',
    workload: 'shop',
    version: labels.version,
    revision: labels['service.istio.io/canonical-revision'],
    podTemplateHash: role === 'stable' ? '6d4f8c7b9' : '85b7d9f6c',
    pods: role === 'stable' ? 2 : 1,
    rps: role === 'stable' ? 9 : 1,
    errorRatio,
    latency: FAST,
  };
}

const available = prometheusAvailable();
if (!available && process.env.CI) {
  test('Prometheus is installed (required in CI)', () => {
    throw new Error('/usr/bin/prometheus or /usr/bin/promtool is missing and CI is set: apt-get install -y prometheus');
  });
} else if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`${'#'.repeat(100)}\nSKIPPED: canary-service.prometheus.test.ts needs /usr/bin/prometheus and /usr/bin/promtool `
    + `(apt-get install -y prometheus). The end-to-end analysis check did NOT run.\n${'#'.repeat(100)}`);
}

(available ? describe : describe.skip)('CanaryService default analysis against a real Prometheus', () => {
  const releases = {
    bad: { stable: release('bad', 'info'), canary: release('bad', 'debug') },
    good: { stable: release('good', 'info'), canary: release('good', 'debug') },
  };
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    const traffic = [
      pods('bad', releases.bad.stable.labels, 'stable', 0.001),
      pods('bad', releases.bad.canary.labels, 'canary', 0.05),
      pods('good', releases.good.stable.labels, 'stable', 0.001),
      pods('good', releases.good.canary.labels, 'canary', 0.001),
    ];
    prometheus = await PrometheusServer.start(istioOpenMetrics(traffic, { end: END, duration: 600, scrape: 15 }));
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  }, 30_000);

  test('a configuration-only change keeps the version labels but changes the revision label', () => {
    const { stable, canary } = releases.bad;
    expect(canary.labels.version).toEqual(stable.labels.version);
    expect(canary.labels['app.kubernetes.io/version']).toEqual(stable.labels['app.kubernetes.io/version']);
    expect(canary.labels['service.istio.io/canonical-revision']).not.toEqual(stable.labels['service.istio.io/canonical-revision']);
    expect(canary.args).toContainEqual({ name: 'canary-revision', value: canary.labels['service.istio.io/canonical-revision'] });
  });

  test.each([['bad', Outcome.FAILED, 0.95], ['good', Outcome.SUCCESSFUL, 0.999]] as const)(
    '%s canary: the default analysis gives %s', async (ns, expected, ratio) => {
      const { metric, args } = releases[ns].canary;
      const res = await prometheus.query(resolve(metric.provider.prometheus.query, args), END);
      const result = res.vector.map(v => v.value);
      expect(result[0]).toBeCloseTo(ratio, 3);
      expect(outcome(metric.successCondition, metric.failureCondition, result)).toEqual(expected);
    });

  test('a query by version alone would mix stable and canary and pass the bad canary', async () => {
    const sel = 'reporter="destination",destination_service_namespace="bad",destination_service_name="shop",destination_version="1.4.2"';
    const res = await prometheus.query(
      `sum(rate(istio_requests_total{${sel},response_code!~"5.."}[2m])) / sum(rate(istio_requests_total{${sel}}[2m]))`, END);
    expect(res.vector[0].value).toBeGreaterThan(0.99);
  });
});
