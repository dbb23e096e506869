// What the plan reads about the pods besides their counts: the ConfigMaps and Secrets they read and whether a
// revision covers them (docs/config-changes.md), and the Deployment a Rollout migrates from with the capacity while
// it is drained (docs/migration.md). Not exported from the package.
import { ManifestIndex } from './_manifests';
import { MConfig, MMigration, MWarning } from './_model';
import { parseSecretVersions, podConfigRefs, SECRET_VERSIONS_ANNOTATION, VERSIONED_CONFIG_LABEL } from '../private/config';
import { workloadKindOf, workloadTemplate } from '../private/workload-ref';

/** The pod template the Rollout's pods are made from: its own, or the referenced workload's (undefined when not found). */
export function podTemplateOf(rollout: any, index: ManifestIndex): any {
  const ref = rollout.spec?.workloadRef;
  if (!ref) return rollout.spec?.template;
  const kind = workloadKindOf(ref);
  const target = kind && typeof ref.name === 'string' ? index.object(kind.kind, rollout.metadata?.namespace, ref.name) : undefined;
  return target ? workloadTemplate(kind!, target) : undefined;
}

/** The ConfigMaps and Secrets the pod template reads, and how a revision covers each. */
export function readConfigs(rollout: any, template: any, index: ManifestIndex): MConfig[] {
  const namespace = rollout.metadata?.namespace;
  const refs = podConfigRefs(template?.spec);
  const versions = parseSecretVersions(template?.metadata?.annotations?.[SECRET_VERSIONS_ANNOTATION]);
  const configMaps = refs.configMaps.map((name): MConfig => {
    const cm = index.object('ConfigMap', namespace, name);
    const hashed = cm !== undefined && typeof cm.metadata?.labels?.[VERSIONED_CONFIG_LABEL] === 'string' && cm.immutable === true;
    return { kind: 'ConfigMap', name, coverage: hashed ? 'content-hash' : 'none', inManifests: cm !== undefined };
  });
  const secrets = refs.secrets.map((name): MConfig => {
    const version = versions.get(name);
    return { kind: 'Secret', name, coverage: version ? 'version' : 'none', version, inManifests: index.object('Secret', namespace, name) !== undefined };
  });
  return [...configMaps, ...secrets];
}

/** The migration from a Deployment (`workloadRef` to an apps/v1 Deployment among the manifests), or undefined. */
export function readMigration(rollout: any, index: ManifestIndex, replicas: number): MMigration | undefined {
  const ref = rollout.spec?.workloadRef;
  if (!ref || ref.kind !== 'Deployment' || typeof ref.name !== 'string') return undefined;
  const deployment = index.object('Deployment', rollout.metadata?.namespace, ref.name);
  if (!deployment) return undefined;
  const deploymentReplicas: number = deployment.spec?.replicas ?? 1; // the API server's default
  const scaleDown: string = ref.scaleDown || 'never';
  // progressively: the controller sets the Deployment to (Rollout replicas - ready Rollout pods) once a pod is ready
  // (rollout/replicaset.go), which may first scale it up to replicas - 1
  const peakPods = replicas + (scaleDown === 'progressively' ? Math.max(deploymentReplicas, replicas - 1) : deploymentReplicas);
  return { deployment: ref.name, scaleDown, deploymentReplicas, drained: deploymentReplicas === 0, peakPods };
}

/** PLAN023, PLAN024: a ConfigMap or Secret the pods read that a new revision does not cover. */
export function uncoveredConfigs(configs: MConfig[]): MWarning[] {
  return configs.filter(c => c.coverage === 'none').map(c => (c.kind === 'ConfigMap'
    ? {
      code: 'PLAN023',
      message: `the pods read ConfigMap "${c.name}", ${c.inManifests ? 'which is not content-hashed' : 'which is not in the manifests'}: `
        + 'a change of it is not a new revision, reaches stable and canary pods alike (mounted files within a minute, environment at the next '
        + 'restart), is not analysed as a canary and is not undone by an abort. Use a VersionedConfigMap (docs/config-changes.md)',
    }
    : {
      code: 'PLAN024',
      message: `the pods read Secret "${c.name}" without a version in the pod template: a rotation is not a new revision and `
        + 'reaches stable and canary pods alike. Reference it with rollout.referenceSecret(name, { version }) and raise the version with each '
        + 'rotation (docs/config-changes.md)',
    }));
}

/** PLAN025, PLAN026: a migration from a Deployment that is not finished. */
export function migrationWarnings(migration: MMigration | undefined): MWarning[] {
  if (!migration || migration.drained) return [];
  const d = `Deployment "${migration.deployment}"`;
  if (migration.scaleDown === 'never') {
    return [{
      code: 'PLAN026',
      message: `the migration from ${d} uses scaleDown "never": its ${migration.deploymentReplicas} pod(s) keep running next to the Rollout's `
        + `(${migration.peakPods} pods in all) until the Deployment is written with 0 replicas. Once the Rollout is healthy, set 'drained: true' `
        + '(docs/migration.md)',
    }];
  }
  return [{
    code: 'PLAN025',
    message: `the migration from ${d} is not finished (scaleDown "${migration.scaleDown}"): up to ${migration.peakPods} pods run until the controller has `
      + 'drained it. Finish the migration (\'drained: true\', docs/migration.md) before the next release: a change of the Deployment makes Argo CD '
      + 'apply it with its replicas (unless the Application sets RespectIgnoreDifferences=true), and the controller never drains it after the '
      + 'Rollout\'s first revision (argo-rollouts#4935)',
  }];
}
