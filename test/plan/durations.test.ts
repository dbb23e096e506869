import { metricDurationSeconds } from '../../src/plan/_analysis-run';
import { pauseDurationSeconds } from '../../src/plan/_steps';

describe('pauseDurationSeconds', () => {
  test('reads integers and integer strings as seconds, other strings as Go durations truncated to seconds', () => {
    expect(pauseDurationSeconds('p', 'Rollout "r"', 30)).toBe(30);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '45')).toBe(45);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '2m')).toBe(120);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '1500ms')).toBe(1); // truncated, as Argo Rollouts does
    expect(pauseDurationSeconds('p', 'Rollout "r"', '500ms')).toBe(0);
    expect(pauseDurationSeconds('p', 'Rollout "r"', '-500ms')).toBe(0); // int32(-0.5) is 0, which the controller accepts
  });

  test('fails if the duration is negative', () => {
    expect(() => pauseDurationSeconds('steps[1].pause.duration', 'Rollout "r"', -5))
      .toThrow(/'steps\[1\].pause.duration' \(-5\) of Rollout "r" must be a non-negative number of seconds/);
  });

  test('fails if the duration cannot be parsed', () => {
    expect(() => pauseDurationSeconds('steps[1].pause.duration', 'Rollout "r"', 'soon'))
      .toThrow(/\("soon"\) of Rollout "r" must be .* Argo Rollouts rejects it/);
  });
});

describe('metricDurationSeconds', () => {
  test('reads Go durations; unset is undefined', () => {
    expect(metricDurationSeconds('interval', 'AnalysisTemplate "t"', '1m')).toBe(60);
    expect(metricDurationSeconds('interval', 'AnalysisTemplate "t"', undefined)).toBeUndefined();
  });

  test('fails if the value is not a Go duration', () => {
    // Go durations need a unit, except "0"
    expect(() => metricDurationSeconds('spec.metrics[0].interval', 'AnalysisTemplate "t"', '60'))
      .toThrow(/'spec.metrics\[0\].interval' \("60"\) of AnalysisTemplate "t" must be a non-negative Go duration/);
  });
});
