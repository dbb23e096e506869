// Internal: the Argo CD sync-wave annotation of each wave (see SyncWave), built once. Objects copy one
// (`{ ...PREREQUISITES_ANNOTATIONS }`): cheaper than an object literal with a computed key
// (`{ [SyncWave.ANNOTATION]: ... }`), which V8 cannot create from a boilerplate.
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
