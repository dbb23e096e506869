// The Argo CD sync-wave annotation of each wave (see SyncWave), one definition for every construct. Objects copy one
// (`{ ...PREREQUISITES_ANNOTATIONS }`) before they add their own annotations. Not exported from the package.
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
