import { Chart, Duration, Testing } from 'cdk8s';
import { CanaryService } from '../../src/canary-service';
import { CanaryStep } from '../../src/canary-step';
import { RolloutPlan } from '../../src/plan/rollout-plan';
import { validateManifests } from '../support/schema';

/** The manifests of a CanaryService with the given rollout props (two 5m pauses: a full release takes at least 10m). */
function manifests(props: { rollbackWindow?: number; revisionHistoryLimit?: number; manual?: boolean }): any[] {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  new CanaryService(chart, 'checkout', {
    image: 'ghcr.io/acme/checkout:2.0.0',
    steps: [
      CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(5)),
      CanaryStep.weight(100), props.manual ? CanaryStep.pause() : CanaryStep.pause(Duration.minutes(5)),
    ],
    rollbackWindow: props.rollbackWindow,
    revisionHistoryLimit: props.revisionHistoryLimit,
  });
  return validateManifests(Testing.synth(chart));
}

/** The "Rollback" section of the plan's Markdown. */
function section(markdown: string): string {
  const start = markdown.indexOf('## Rollback');
  return markdown.slice(start, markdown.indexOf('\n## ', start + 1));
}

describe('rollback section of the plan', () => {
  test('a rollback window within the history: the last revisions are fast, older ones run the release', () => {
    // GIVEN a window of 3 revisions and the default history (10)
    const plan = RolloutPlan.fromManifests(manifests({ rollbackWindow: 3 }));
    // THEN
    expect(plan.rollback).toEqual({ rollbackWindow: 3, revisionHistoryLimit: 10, fastRollbackRevisions: 3 });
    const text = section(plan.toMarkdown());
    expect(text).toContain('| one of the last 3 revisions, after a promotion | revert in git (`rollbackWindow`) | skipped: no steps, no pauses, no analysis | 100% once its pods are available |');
    expect(text).toContain('| an older revision | revert in git | the whole release above (at least 10m) | step by step |');
    expect(text).toContain('the controller keeps the 10 newest old ReplicaSets (`revisionHistoryLimit`). ');
    expect(text).toContain('Argo Rollouts before v1.7.2 still started the background analysis on such a rollback (argo-rollouts#3669, fixed by #3670)');
    expect(text).toContain('`docs/rollback.md`');
    expect(text).toMatchSnapshot();
  });

  test('a window of one revision names the previous revision', () => {
    const plan = RolloutPlan.fromManifests(manifests({ rollbackWindow: 1, revisionHistoryLimit: 1 }));
    expect(plan.rollback.fastRollbackRevisions).toBe(1);
    expect(section(plan.toMarkdown())).toContain('| the previous revision, after a promotion |');
  });

  test('a window larger than the history (written by hand) is cut to the history, and says so', () => {
    // GIVEN manifests whose window exceeds the kept history (the constructs refuse this; a patch could do it)
    const m = manifests({ rollbackWindow: 3, revisionHistoryLimit: 3 });
    m.find(o => o.kind === 'Rollout').spec.rollbackWindow.revisions = 12;
    // WHEN
    const plan = RolloutPlan.fromManifests(m);
    // THEN only the kept ReplicaSets can be reached fast
    expect(plan.rollback).toEqual({ rollbackWindow: 12, revisionHistoryLimit: 3, fastRollbackRevisions: 3 });
    expect(section(plan.toMarkdown())).toContain('the controller keeps the 3 newest old ReplicaSets (`revisionHistoryLimit`), fewer than `rollbackWindow` (12), so the window is 3.');
  });

  test('a window with no kept history is no fast path', () => {
    const m = manifests({});
    Object.assign(m.find(o => o.kind === 'Rollout').spec, { rollbackWindow: { revisions: 2 }, revisionHistoryLimit: 0 });
    const plan = RolloutPlan.fromManifests(m);
    expect(plan.rollback).toEqual({ rollbackWindow: 2, revisionHistoryLimit: 0, fastRollbackRevisions: 0 });
    expect(section(plan.toMarkdown())).toContain('`rollbackWindow` is 2, but `revisionHistoryLimit` is 0: no old ReplicaSet is kept, so every rollback is a new release.');
  });

  test('without a window, going back after a promotion is a new release', () => {
    const plan = RolloutPlan.fromManifests(manifests({}));
    expect(plan.rollback).toEqual({ rollbackWindow: undefined, revisionHistoryLimit: 10, fastRollbackRevisions: 0 });
    const text = section(plan.toMarkdown());
    expect(text).toContain('| the stable version, during a release | abort the release, or revert it in git | skipped | back to stable at once |');
    expect(text).toContain('| an earlier revision, after a promotion | revert in git | the whole release above (at least 10m) | step by step |');
    expect(text).toContain('No `rollbackWindow`: going back to a version that was already promoted is a new release.');
    expect(text).not.toContain('skipped: no steps');
  });

  test('a release with a manual pause has no minimum time', () => {
    const plan = RolloutPlan.fromManifests(manifests({ manual: true }));
    expect(section(plan.toMarkdown())).toContain('the whole release above (with its manual promotions)');
  });

  test('a window that is not a positive integer is no window', () => {
    const m = manifests({});
    m.find(o => o.kind === 'Rollout').spec.rollbackWindow = { revisions: 0 };
    expect(RolloutPlan.fromManifests(m).rollback.rollbackWindow).toBeUndefined();
  });
});
