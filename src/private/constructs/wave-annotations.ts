// The Argo CD sync-wave annotation of each wave (see SyncWave), one definition for every construct. Objects copy one
// (`{ ...PREREQUISITES_ANNOTATIONS }`) before they add their own annotations. Not exported from the package.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SyncWave } from '../../sync-wave';

function annotations(wave: number): Readonly<{ [key: string]: string }> {
  return Object.freeze({ [SyncWave.ANNOTATION]: String(wave) });
}

/** AnalysisTemplates, Service, DestinationRule, Gateway, security policies, PDB. */
export const PREREQUISITES_ANNOTATIONS = annotations(SyncWave.PREREQUISITES);
/** VirtualServices. */
export const ROUTING_ANNOTATIONS = annotations(SyncWave.ROUTING);
/** The Rollout and its autoscaler. */
export const WORKLOAD_ANNOTATIONS = annotations(SyncWave.WORKLOAD);

/**
 * Gives a ServiceAccount of the app that a workload runs as the wave of the prerequisites, so that Argo CD creates it
 * before the pods that need it (a ServiceAccount imported by name, or one with a wave of its own, is left alone).
 */
export function givePrerequisiteWave(serviceAccount: unknown): void {
  const resource = serviceAccount instanceof Construct ? serviceAccount.node.tryFindChild('Resource') : undefined;
  if (!ApiObject.isApiObject(resource) || resource.kind !== 'ServiceAccount') return;
  if (resource.metadata.toJson().annotations?.[SyncWave.ANNOTATION] !== undefined) return;
  resource.metadata.addAnnotation(SyncWave.ANNOTATION, String(SyncWave.PREREQUISITES));
}
