import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { ArgoRollout } from '../src/argo-rollout';
import { CanaryService, CanaryServiceProps } from '../src/canary-service';
import { findOne } from './support/manifests';
import { validateManifests } from './support/schema';

function synth(props: Partial<CanaryServiceProps>): { rollout: ArgoRollout; spec: any; chart: Chart } {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const s = new CanaryService(chart, 'checkout', { image: 'ghcr.io/acme/checkout:2.0.0', ...props });
  return { rollout: s.rollout, spec: findOne(validateManifests(Testing.synth(chart)), 'Rollout').spec, chart };
}

describe('rollbackWindow', () => {
  test('is written as spec.rollbackWindow.revisions, with revisionHistoryLimit when given', () => {
    expect(synth({ rollbackWindow: 3 }).spec).toMatchObject({ rollbackWindow: { revisions: 3 } });
    expect(synth({ rollbackWindow: 3 }).spec.revisionHistoryLimit).toBeUndefined();
    expect(synth({ rollbackWindow: 12, revisionHistoryLimit: 12 }).spec)
      .toMatchObject({ rollbackWindow: { revisions: 12 }, revisionHistoryLimit: 12 });
    expect(synth({ revisionHistoryLimit: 0 }).spec).toMatchObject({ revisionHistoryLimit: 0 });
    expect(synth({}).spec.rollbackWindow).toBeUndefined();
  });

  test('fails if the window is larger than the default revision history, with the fix', () => {
    expect(() => synth({ rollbackWindow: 11 })).toThrow(
      "'rollbackWindow' (11) is larger than the revision history ('revisionHistoryLimit' 10, Argo Rollouts' default): the controller deletes all but the "
      + '10 newest old ReplicaSets, so a rollback to an older revision creates a new ReplicaSet and runs the whole release. '
      + "Set 'revisionHistoryLimit' to at least 11, or lower 'rollbackWindow' to 10");
  });

  test('fails if the window is larger than revisionHistoryLimit', () => {
    expect(() => synth({ rollbackWindow: 3, revisionHistoryLimit: 2 })).toThrow(/'rollbackWindow' \(3\) is larger than the revision history \('revisionHistoryLimit' 2\): .*lower 'rollbackWindow' to 2$/);
    expect(() => synth({ rollbackWindow: 1, revisionHistoryLimit: 0 })).toThrow(/Set 'revisionHistoryLimit' to at least 1, or remove 'rollbackWindow'$/);
  });

  test('fails if the window or the history is not a whole number in range', () => {
    expect(() => synth({ rollbackWindow: 0 })).toThrow(/^\[shop\/checkout\/Rollout\] 'rollbackWindow' \(0\) must be an integer between 1 and 2147483647: the number of previous revisions/);
    expect(() => synth({ rollbackWindow: 2.5 })).toThrow(/^\[shop\/checkout\/Rollout\] 'rollbackWindow' \(2.5\) must be an integer/);
    expect(() => synth({ revisionHistoryLimit: -1 })).toThrow(/^\[shop\/checkout\/Rollout\] 'revisionHistoryLimit' \(-1\) must be an integer between 0 and 2147483647/);
  });

  test('a window widened by a patch fails synth through the rules (CR317)', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    const s = new CanaryService(chart, 'checkout', { image: 'ghcr.io/acme/checkout:2.0.0', rollbackWindow: 3 });
    ApiObject.of(s.rollout).addJsonPatch(JsonPatch.replace('/spec/rollbackWindow/revisions', 20));
    expect(() => Testing.synth(chart)).toThrow(/\[CR317\] Rollout shop\/checkout spec.rollbackWindow.revisions: 'rollbackWindow.revisions' \(20\) is larger than the revision history/);
  });
});
