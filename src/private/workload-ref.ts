// `spec.workloadRef` of a Rollout, as the Argo Rollouts controller reads it (rollout/templateref.go,
// rollout/replicaset.go, rollout/sync.go, rollout/scale_utils.go, v1.9.1): the kinds it can take a pod template
// from, the scaleDown modes, and where the template of a referenced workload is. One definition for the ArgoRollout
// construct, the rules (CR160-CR165, CR327, CR328), the rollout plan and the Argo CD ignore computation. Plain JSON;
// not exported from the package.
import { apiGroupOf } from './gvk';

/** The scaleDown values the controller acts on (types.go ScaleDownNever / OnSuccess / Progressively). */
export const SCALE_DOWN_MODES: readonly string[] = Object.freeze(['never', 'onsuccess', 'progressively']);

/** A kind the controller takes a pod template from (templateref.go infoByGroupKind). */
export interface WorkloadKind {
  readonly group: string;
  readonly kind: string;
  /** Where the pod template is in the object. */
  readonly templatePath: readonly string[];
}

export const WORKLOAD_REF_KINDS: readonly WorkloadKind[] = Object.freeze([
  { group: '', kind: 'PodTemplate', templatePath: ['template'] },
  { group: 'apps', kind: 'Deployment', templatePath: ['spec', 'template'] },
  { group: 'apps', kind: 'ReplicaSet', templatePath: ['spec', 'template'] },
]);

/** The supported kind a `workloadRef` names, or undefined (the controller says "workload of type g/k is not supported"). */
export function workloadKindOf(ref: any): WorkloadKind | undefined {
  const group = apiGroupOf(ref?.apiVersion);
  return WORKLOAD_REF_KINDS.find(k => k.group === group && k.kind === ref?.kind);
}

/** Whether the controller scales the referenced Deployment down by itself (scaleDown onsuccess or progressively). */
export function drainsDeployment(ref: any): boolean {
  return ref?.scaleDown === 'onsuccess' || ref?.scaleDown === 'progressively';
}

/** Whether a manifest is the object a `workloadRef` of a Rollout in `namespace` names (same kind, group, name, namespace). */
export function isWorkloadRefTarget(ref: any, namespace: string | undefined, manifest: any): boolean {
  const kind = workloadKindOf(ref);
  return !!kind && manifest?.kind === kind.kind && apiGroupOf(manifest?.apiVersion) === kind.group
    && manifest?.metadata?.name === ref?.name && (manifest?.metadata?.namespace ?? namespace) === namespace;
}

/** The pod template of a workload manifest (at the path of its kind), or undefined. */
export function workloadTemplate(kind: WorkloadKind, manifest: any): any {
  let node = manifest;
  for (const key of kind.templatePath) node = node?.[key];
  return node;
}
