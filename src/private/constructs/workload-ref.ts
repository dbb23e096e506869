// The construct side of `workloadRef` (docs/migration.md): what a Rollout that takes its pod template from a
// cdk8s-plus Deployment may not set itself, the checks on that Deployment, and the labels the library puts on the
// Deployment's pod template. Not exported from the package.
import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryLabels } from '../../canary-labels';
import { WorkloadRef } from '../../workload-ref';
import { SECRET_VERSIONS_ANNOTATION } from '../config';

/** The props of a pod template, which a Rollout with `workloadRef` must not set. */
const POD_TEMPLATE_PROPS = ['containers', 'initContainers', 'volumes', 'restartPolicy', 'serviceAccount', 'securityContext', 'hostAliases',
  'dns', 'dockerRegistryAuth', 'automountServiceAccountToken', 'hostNetwork', 'terminationGracePeriod', 'podMetadata'];
/** The labels the library writes on a migrated Deployment's pod template, per release. */
const RELEASE_LABELS = [CanaryLabels.VERSION, CanaryLabels.ISTIO_VERSION, CanaryLabels.REVISION];
const REFUSED = 'Argo Rollouts refuses a Rollout with both ("template must be empty for workload reference rollout")';

/** What the Rollout gives the Deployment's pod template; called at render time. */
export interface WorkloadTemplateValues {
  readonly version: () => string;
  /** Undefined while the revision itself is being computed. */
  readonly revision: () => string | undefined;
  /** The Secret versions annotation value, undefined without Secret references. */
  readonly secretVersions: () => string | undefined;
}

/**
 * Checks a Rollout with `workloadRef` at construction: no pod template props of its own, the Deployment in the
 * Rollout's namespace, a Deployment selector without the labels the library changes per release.
 */
export function checkWorkloadRef(props: object, ref: WorkloadRef, rolloutName: string, namespace: string): void {
  const deployment = ref.deployment;
  const set = POD_TEMPLATE_PROPS.filter(p => (props as any)[p] !== undefined);
  if (set.length > 0) {
    throw new Error(`'${set[0]}' is set together with 'workloadRef': the pod template of rollout "${rolloutName}" is Deployment `
      + `"${deployment.name}"'s, and ${REFUSED}. Remove '${set.join("', '")}' and set them on the Deployment`);
  }
  const ns = deployment.metadata.namespace ?? Chart.of(deployment).namespace;
  if (ns !== undefined && ns !== namespace) {
    throw new Error(`'workloadRef': Deployment "${deployment.name}" is in namespace "${ns}", rollout "${rolloutName}" in "${namespace}": `
      + 'the controller looks the Deployment up in the Rollout\'s namespace. Put both in the same namespace');
  }
  // the Deployment's selector is immutable and its pod template must keep matching it
  const keys = [...Object.keys(deployment.matchLabels), ...deployment.matchExpressions.map(e => e.key)];
  const bad = keys.find(k => RELEASE_LABELS.includes(k));
  if (bad !== undefined) {
    throw new Error(`'workloadRef': Deployment "${deployment.name}" selects its pods by "${bad}", a label that rollout "${rolloutName}" changes `
      + 'with every release on the pod template; a Deployment\'s selector cannot be changed, and its pod template must keep matching it. '
      + 'Migrate from a Deployment that selects by identity labels only (for example "app"), or convert the Deployment to an ArgoRollout');
  }
}

/** The error of a call that would give a Rollout with `workloadRef` a pod template of its own. */
export function ownTemplateError(call: string, ref: WorkloadRef, rolloutName: string): Error {
  return new Error(`${call}: rollout "${rolloutName}" takes its pod template from Deployment "${ref.deployment.name}" ('workloadRef'), `
    + `and ${REFUSED}: make the change on the Deployment`);
}

/**
 * Puts the version, revision and sidecar labels and the Secret versions on the Deployment's pod template (values
 * produced at render time), and for a finished migration writes the Deployment with 0 replicas.
 */
export function labelWorkloadTemplate(ref: WorkloadRef, values: WorkloadTemplateValues): void {
  const meta = ref.deployment.podMetadata;
  const lazy = (produce: () => string | undefined): string => Lazy.any({ produce }) as unknown as string;
  meta.addLabel(CanaryLabels.VERSION, lazy(values.version));
  meta.addLabel(CanaryLabels.ISTIO_VERSION, lazy(values.version));
  meta.addLabel(CanaryLabels.REVISION, lazy(values.revision));
  if (meta.getLabel(CanaryLabels.SIDECAR_INJECT) === undefined) meta.addLabel(CanaryLabels.SIDECAR_INJECT, 'true');
  meta.addAnnotation(SECRET_VERSIONS_ANNOTATION, lazy(values.secretVersions));
  if (ref.drained) ApiObject.of(ref.deployment).addJsonPatch(JsonPatch.add('/spec/replicas', 0));
}

/** The final pod template of the Deployment (JSON patches applied). */
export function workloadTemplateJson(ref: WorkloadRef): any {
  return ApiObject.of(ref.deployment).toJson().spec?.template;
}

/**
 * The error of a Rollout with `workloadRef` that made pod settings of its own (scheduling, host aliases, pod
 * metadata, ...), or of a Deployment without container; undefined when there is none.
 */
export function workloadTemplateError(rollout: kplus.Workload, ref: WorkloadRef): string | undefined {
  if (ref.deployment.containers.length === 0) return `the Deployment "${ref.deployment.name}" in 'workloadRef' has no container: add one to the Deployment`;
  const scheduling: any = (rollout.scheduling as any)._toKube();
  const set: { [field: string]: unknown } = {
    initContainers: rollout.initContainers.length > 0 || undefined,
    volumes: rollout.volumes.length > 0 || undefined,
    hostAliases: rollout.hostAliases.length > 0 || undefined,
    affinity: scheduling.affinity,
    tolerations: (scheduling.tolerations ?? []).length > 0 || undefined,
    nodeName: scheduling.nodeName,
    imagePullSecrets: rollout.dockerRegistryAuth,
  };
  const found = Object.keys(set).filter(f => set[f] !== undefined).map(f => `'${f}'`);
  const meta = rollout.podMetadata.toJson();
  if (Object.keys(meta.labels ?? {}).some(k => k !== kplus.Pod.ADDRESS_LABEL)) found.push('pod labels');
  if (Object.keys(meta.annotations ?? {}).length > 0) found.push('pod annotations');
  if (found.length === 0) return undefined;
  return `the Rollout sets ${found.join(', ')} of a pod template, but it takes its pod template from Deployment "${ref.deployment.name}" ('workloadRef'), `
    + `and ${REFUSED}: make these changes on the Deployment`;
}
