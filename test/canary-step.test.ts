import { Chart, Duration, Testing } from 'cdk8s';
import { ArgoRollout } from '../src/argo-rollout';
import { CanaryService } from '../src/canary-service';
import { CanaryStep, CanaryStepKind } from '../src/canary-step';
import { IstioMetrics } from '../src/istio-metrics';
import { IstioSubsets } from '../src/istio-subsets';
import { StringMatch } from '../src/string-match';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

/** A Rollout with the given steps, synthesized and validated. */
function rolloutWith(steps: CanaryStep[]): any {
  const chart = Testing.chart();
  new ArgoRollout(chart, 'rollout', {
    subsets: new IstioSubsets(chart, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } }),
    containers: [{ image: 'shop:1.0.0', portNumber: 8080 }],
    steps,
  });
  return findOne(synth(chart), 'Rollout');
}

describe('CanaryStep.weight', () => {
  test.each([0, 1, 50, 100])('renders setWeight %j', (weight) => {
    const step = CanaryStep.weight(weight);
    expect(step.kind).toEqual(CanaryStepKind.SET_WEIGHT);
    expect(step.trafficWeight).toEqual(weight);
    expect(step._toKube()).toEqual({ setWeight: weight });
  });

  test.each([-1, 101, 12.5, NaN])('fails if setWeight is outside 0-100 or not an integer (%j)', (weight) => {
    expect(() => CanaryStep.weight(weight))
      .toThrow(/^'weight' \(.*\) must be an integer between 0 and 100: it is the percentage of traffic sent to the canary \(Argo Rollouts setWeight\)/);
  });
});

describe('CanaryStep.pause', () => {
  test('without a duration waits for a manual promotion', () => {
    const step = CanaryStep.pause();
    expect(step.kind).toEqual(CanaryStepKind.PAUSE);
    expect(step.isManualPause).toBe(true);
    expect(step.pauseDuration).toBeUndefined();
    expect(step._toKube()).toEqual({ pause: {} });
  });

  test.each([
    [Duration.seconds(1), '1s'],
    [Duration.seconds(30), '30s'],
    [Duration.seconds(90), '90s'],
    [Duration.minutes(5), '5m'],
    [Duration.seconds(120), '2m'],
    [Duration.hours(2), '2h'],
    [Duration.minutes(90), '90m'],
    [Duration.days(1), '24h'],
  ])('renders %s as %j in the largest whole unit', (duration, expected) => {
    const step = CanaryStep.pause(duration);
    expect(step.isManualPause).toBe(false);
    expect(step.pauseDuration).toBe(duration);
    expect(step._toKube()).toEqual({ pause: { duration: expected } });
  });

  test.each([Duration.millis(500), Duration.seconds(0), Duration.seconds(1.5), Duration.millis(61_001)])(
    'fails if the pause duration is not a whole number of seconds of at least 1 second (%s)', (duration) => {
      expect(() => CanaryStep.pause(duration))
        .toThrow(/^'pause' duration \(.*\) must be a whole number of seconds, at least 1 second: .*CanaryStep\.pause\(\) without a duration/);
    });

  test('fails if the pause duration is negative (cdk8s rejects it when it is created)', () => {
    expect(() => CanaryStep.pause(Duration.seconds(-5))).toThrow(/Duration amounts cannot be negative. Received: -5/);
  });

  test('fails if the pause duration is unparseable (cdk8s rejects it when it is parsed)', () => {
    expect(() => CanaryStep.pause(Duration.parse('5 minutes'))).toThrow(/Not a valid ISO duration: 5 minutes/);
  });

  test('a parsed ISO duration works', () => {
    expect(CanaryStep.pause(Duration.parse('PT10M'))._toKube()).toEqual({ pause: { duration: '10m' } });
  });
});

describe('CanaryStep.canaryScale', () => {
  test.each([
    [{ replicas: 3 }, { setCanaryScale: { replicas: 3 } }],
    [{ weight: 25 }, { setCanaryScale: { weight: 25 } }],
    [{ matchTrafficWeight: true }, { setCanaryScale: { matchTrafficWeight: true } }],
  ])('renders %j', (options, expected) => {
    const step = CanaryStep.canaryScale(options);
    expect(step.kind).toEqual(CanaryStepKind.SET_CANARY_SCALE);
    expect(step._toKube()).toEqual(expected);
  });

  test.each([{}, { matchTrafficWeight: false }, { replicas: 1, weight: 10 }, { weight: 10, matchTrafficWeight: true }])(
    'fails if not exactly one of replicas, weight or matchTrafficWeight is set (%j)', (options) => {
      expect(() => CanaryStep.canaryScale(options))
        .toThrow(/^'canaryScale' needs exactly one of 'replicas', 'weight' or 'matchTrafficWeight: true' \(received .*\)/);
    });

  test.each([-1, 1.5, 10_001])('fails if canaryScale replicas is out of range (%j)', (replicas) => {
    expect(() => CanaryStep.canaryScale({ replicas })).toThrow(/^'canaryScale.replicas' \(.*\) must be an integer between 0 and 10000/);
  });

  test.each([-1, 101, 2.5])('fails if canaryScale weight is outside 0-100 (%j)', (weight) => {
    expect(() => CanaryStep.canaryScale({ weight })).toThrow(/^'canaryScale.weight' \(.*\) must be an integer between 0 and 100: it is a percentage of the Rollout replicas/);
  });
});

describe('CanaryStep.analysis', () => {
  test('keeps a copy of the templates', () => {
    const chart = Testing.chart();
    const template = IstioMetrics.successRateTemplate(chart, 'sr');
    const templates = [template];
    const step = CanaryStep.analysis({ templates });
    templates.pop();
    expect(step.kind).toEqual(CanaryStepKind.ANALYSIS);
    expect(step.analysisOptions?.templates).toEqual([template]);
  });

  test('fails if an analysis step has no templates', () => {
    expect(() => CanaryStep.analysis({ templates: [] })).toThrow(/^'analysis' step: 'templates' is empty: give at least one AnalysisTemplate$/);
  });
});

describe('header and mirror routes', () => {
  test('header route, mirror route and their removal render as Argo Rollouts reads them, with managedRoutes', () => {
    // GIVEN
    const steps = [
      CanaryStep.headerRoute({ name: 'canary-by-header', match: [{ headerName: 'x-canary', value: StringMatch.exact('yes') }] }),
      CanaryStep.mirrorRoute({ name: 'mirror-get', percentage: 20, match: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/api') }] }),
      CanaryStep.weight(20),
      CanaryStep.removeMirrorRoute('mirror-get'),
      CanaryStep.removeHeaderRoute('canary-by-header'),
    ];
    // WHEN
    const rollout = rolloutWith(steps);
    // THEN
    expect(steps.map(s => [s.kind, s.routeName])).toEqual([
      ['setHeaderRoute', 'canary-by-header'], ['setMirrorRoute', 'mirror-get'], ['setWeight', undefined],
      ['setMirrorRoute', 'mirror-get'], ['setHeaderRoute', 'canary-by-header'],
    ]);
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setHeaderRoute: { name: 'canary-by-header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] } },
      { setMirrorRoute: { name: 'mirror-get', percentage: 20, match: [{ method: { exact: 'GET' }, path: { prefix: '/api' } }] } },
      { setWeight: 20 },
      { setMirrorRoute: { name: 'mirror-get' } },
      { setHeaderRoute: { name: 'canary-by-header' } },
    ]);
    expect(rollout.spec.strategy.canary.trafficRouting.managedRoutes).toEqual([{ name: 'canary-by-header' }, { name: 'mirror-get' }]);
    expect(rollout).toMatchSnapshot();
  });

  test('a mirror route without match mirrors every request (path prefix "/"), 100% by default', () => {
    expect(CanaryStep.mirrorRoute({ name: 'mirror-all' })._toKube())
      .toEqual({ setMirrorRoute: { name: 'mirror-all', percentage: 100, match: [{ path: { prefix: '/' } }] } });
  });

  test('mirror route header conditions render', () => {
    expect(CanaryStep.mirrorRoute({ name: 'm', match: [{ headers: { 'x-user': StringMatch.regex('^test-.*') } }] })._toKube())
      .toEqual({ setMirrorRoute: { name: 'm', percentage: 100, match: [{ headers: { 'x-user': { regex: '^test-.*' } } }] } });
  });

  test.each([
    ['headerRoute', () => CanaryStep.headerRoute({ name: 'Canary', match: [{ headerName: 'x-canary', value: StringMatch.exact('1') }] })],
    ['removeHeaderRoute', () => CanaryStep.removeHeaderRoute('canary_route')],
    ['mirrorRoute', () => CanaryStep.mirrorRoute({ name: '-mirror' })],
    ['removeMirrorRoute', () => CanaryStep.removeMirrorRoute('')],
  ])('fails if the %s route name is not a DNS-1123 label', (method, make) => {
    expect(make).toThrow(new RegExp(`^'${method}' route name \\(".*"\\) must be a DNS-1123 label \\(lowercase letters, digits and '-'\\), for example "canary-by-header"$`));
  });

  test('fails if a header route has no header condition', () => {
    expect(() => CanaryStep.headerRoute({ name: 'by-header', match: [] }))
      .toThrow(/^'headerRoute' "by-header": 'match' is empty: give at least one header condition, or use CanaryStep.removeHeaderRoute\('by-header'\)/);
  });

  test('fails if a header route header name is not lowercase', () => {
    expect(() => CanaryStep.headerRoute({ name: 'by-header', match: [{ headerName: 'X-Canary', value: StringMatch.exact('1') }] }))
      .toThrow(/^headerRoute "by-header": header name "X-Canary" must be lowercase letters, digits or '-' \(Istio matches lowercase header keys\), for example "x-canary"$/);
  });

  test('fails if a mirror route header name is not lowercase', () => {
    expect(() => CanaryStep.mirrorRoute({ name: 'm', match: [{ headers: { 'X User': StringMatch.exact('1') } }] }))
      .toThrow(/^mirrorRoute "m": header name "X User" must be lowercase letters.*for example "x-user"$/);
  });

  test.each([-1, 101, NaN])('fails if the mirror percentage is outside 0-100 (%j)', (percentage) => {
    expect(() => CanaryStep.mirrorRoute({ name: 'm', percentage }))
      .toThrow(/^'mirrorRoute' "m": 'percentage' \(.*\) must be between 0 and 100: it is the share of matching requests copied to the canary$/);
  });

  test('fails if a mirror route match is empty', () => {
    expect(() => CanaryStep.mirrorRoute({ name: 'm', match: [{ method: StringMatch.exact('GET') }, {}] }))
      .toThrow(/^'mirrorRoute' "m": match\[1\] is empty: set 'method', 'path' or 'headers', or leave 'match' out to mirror every request$/);
  });
});

describe('steps in a Rollout', () => {
  test('every kind of step renders into a schema-valid Rollout, in order', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new CanaryService(chart, 'shop', {
      image: 'shop:1.0.0',
      defaultAnalysis: false,
      steps: [
        CanaryStep.canaryScale({ replicas: 1 }),
        CanaryStep.weight(0),
        CanaryStep.pause(Duration.seconds(45)),
        CanaryStep.weight(20),
        CanaryStep.canaryScale({ weight: 50 }),
        CanaryStep.pause(),
        CanaryStep.canaryScale({ matchTrafficWeight: true }),
        CanaryStep.weight(100),
      ],
    });
    const manifests = synth(chart);
    // THEN
    expect(findOne(manifests, 'Rollout').spec.strategy.canary.steps).toEqual([
      { setCanaryScale: { replicas: 1 } },
      { setWeight: 0 },
      { pause: { duration: '45s' } },
      { setWeight: 20 },
      { setCanaryScale: { weight: 50 } },
      { pause: {} },
      { setCanaryScale: { matchTrafficWeight: true } },
      { setWeight: 100 },
    ]);
    expect(manifests).toMatchSnapshot();
  });

  test('fails if setWeight is not increasing', () => {
    const chart = Testing.chart();
    expect(() => new CanaryService(chart, 'shop', {
      image: 'shop:1.0.0',
      steps: [CanaryStep.weight(50), CanaryStep.pause(), CanaryStep.weight(30)],
    })).toThrow(/^\[test\/shop\/Rollout\] canary step 2: weight 30 must be greater than the previous weight \(50\): weights only grow during a release/);
  });
});
