import { Chart, Duration, Testing } from 'cdk8s';
import { CanaryService } from '../src/canary-service';
import { CanaryStep, CanaryStepKind } from '../src/canary-step';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(chart: Chart): any[] {
  return validateManifests(Testing.synth(chart));
}

describe('CanaryStep.setWeight', () => {
  test.each([0, 1, 50, 100])('renders setWeight %j', (weight) => {
    const step = CanaryStep.setWeight(weight);
    expect(step.kind).toEqual(CanaryStepKind.SET_WEIGHT);
    expect(step.weight).toEqual(weight);
    expect(step._toKube()).toEqual({ setWeight: weight });
  });

  test.each([-1, 101, 12.5, NaN])('fails if setWeight is outside 0-100 or not an integer (%j)', (weight) => {
    expect(() => CanaryStep.setWeight(weight)).toThrow(/^'setWeight' \(.*\) must be an integer between 0 and 100: it is the percentage of traffic sent to the canary/);
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
      expect(() => CanaryStep.pause(duration)).toThrow(/^'pause' duration \(.*\) must be a whole number of seconds, at least 1 second: .*CanaryStep\.pause\(\) without a duration/);
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

describe('CanaryStep.setCanaryScale', () => {
  test.each([
    [{ replicas: 3 }, { setCanaryScale: { replicas: 3 } }],
    [{ weight: 25 }, { setCanaryScale: { weight: 25 } }],
    [{ matchTrafficWeight: true }, { setCanaryScale: { matchTrafficWeight: true } }],
  ])('renders %j', (options, expected) => {
    const step = CanaryStep.setCanaryScale(options);
    expect(step.kind).toEqual(CanaryStepKind.SET_CANARY_SCALE);
    expect(step._toKube()).toEqual(expected);
  });

  test.each([{}, { matchTrafficWeight: false }, { replicas: 1, weight: 10 }, { weight: 10, matchTrafficWeight: true }])(
    'fails if not exactly one of replicas, weight or matchTrafficWeight is set (%j)', (options) => {
      expect(() => CanaryStep.setCanaryScale(options))
        .toThrow(/^'setCanaryScale' needs exactly one of 'replicas', 'weight' or 'matchTrafficWeight: true' \(received .*\)/);
    });

  test.each([-1, 1.5, 10_001])('fails if setCanaryScale replicas is out of range (%j)', (replicas) => {
    expect(() => CanaryStep.setCanaryScale({ replicas })).toThrow(/^'setCanaryScale.replicas' \(.*\) must be an integer between 0 and 10000/);
  });

  test.each([-1, 101, 2.5])('fails if setCanaryScale weight is outside 0-100 (%j)', (weight) => {
    expect(() => CanaryStep.setCanaryScale({ weight })).toThrow(/^'setCanaryScale.weight' \(.*\) must be an integer between 0 and 100: it is a percentage of the Rollout replicas/);
  });
});

describe('CanaryStep.analysis', () => {
  test('fails if an analysis step has no templates', () => {
    expect(() => CanaryStep.analysis({ templates: [] })).toThrow(/^'analysis' step: 'templates' is empty: give at least one AnalysisTemplate$/);
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
        CanaryStep.setCanaryScale({ replicas: 1 }),
        CanaryStep.setWeight(0),
        CanaryStep.pause(Duration.seconds(45)),
        CanaryStep.setWeight(20),
        CanaryStep.setCanaryScale({ weight: 50 }),
        CanaryStep.pause(),
        CanaryStep.setCanaryScale({ matchTrafficWeight: true }),
        CanaryStep.setWeight(100),
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
      steps: [CanaryStep.setWeight(50), CanaryStep.pause(), CanaryStep.setWeight(30)],
    })).toThrow(/^canary step 3: 'setWeight' \(30\) must be greater than the previous weight \(50\): weights only grow during a release/);
  });
});
