import { apiGroupOf } from '../../src/private/gvk';
import { drainsDeployment, isWorkloadRefTarget, workloadKindOf, workloadTemplate } from '../../src/private/workload-ref';

test('the kinds the controller takes a pod template from, by group and kind (templateref.go infoByGroupKind)', () => {
  expect(workloadKindOf({ apiVersion: 'apps/v1', kind: 'Deployment' })?.templatePath).toEqual(['spec', 'template']);
  expect(workloadKindOf({ apiVersion: 'apps/v1', kind: 'ReplicaSet' })?.templatePath).toEqual(['spec', 'template']);
  expect(workloadKindOf({ apiVersion: 'v1', kind: 'PodTemplate' })?.templatePath).toEqual(['template']);
  expect(workloadKindOf({ apiVersion: 'apps/v1', kind: 'StatefulSet' })).toBeUndefined();
  expect(workloadKindOf({ apiVersion: 'extensions/v1beta1', kind: 'Deployment' })).toBeUndefined();
  expect(workloadKindOf({ kind: 'Deployment' })).toBeUndefined();
});

test('the target is matched by kind, group, name and the Rollout\'s namespace (an object without one lands there)', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  const d = (ns?: string, name = 'web', apiVersion = 'apps/v1') => ({ apiVersion, kind: 'Deployment', metadata: { name, namespace: ns } });
  expect(isWorkloadRefTarget(ref, 'web', d('web'))).toBe(true);
  expect(isWorkloadRefTarget(ref, 'web', d(undefined))).toBe(true);
  expect(isWorkloadRefTarget(ref, 'web', d('other'))).toBe(false);
  expect(isWorkloadRefTarget(ref, 'web', d('web', 'api'))).toBe(false);
  expect(isWorkloadRefTarget(ref, 'web', d('web', 'web', 'extensions/v1beta1'))).toBe(false);
  expect(workloadTemplate(workloadKindOf(ref)!, { spec: { template: { x: 1 } } })).toEqual({ x: 1 });
  expect(workloadTemplate(workloadKindOf(ref)!, {})).toBeUndefined();
});

test('the controller drains the Deployment with onsuccess and progressively only', () => {
  expect(['never', 'onsuccess', 'progressively', 'onSuccess', undefined].map(scaleDown => drainsDeployment({ scaleDown }))).toEqual([false, true, true, false, false]);
});

test('apiGroupOf', () => {
  expect(['apps/v1', 'v1', 'networking.istio.io/v1', '', undefined, 3].map(apiGroupOf)).toEqual(['apps', '', 'networking.istio.io', '', '', '']);
});
