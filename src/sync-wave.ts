/**
 * Argo CD sync waves used by the objects this library synthesizes.
 *
 * Argo CD applies lower waves first and waits for every object of a wave to be healthy before the
 * next one. The order makes a release "make before break" and keeps the Rollout valid on first sync:
 *
 * 1. `PREREQUISITES` (-2): AnalysisTemplates, the Service, the DestinationRule (subsets must exist before
 *    a VirtualService routes to them), Istio Gateway and security policies, ServiceAccount, PDB.
 * 2. `ROUTING` (-1): the VirtualService(s), which reference the DestinationRule subsets.
 * 3. `WORKLOAD` (0): the Rollout (and its autoscaler). It references all of the above; created earlier it
 *    would be `InvalidSpec` ("AnalysisTemplate not found", "VirtualService not found") until they appear.
 *
 * Nothing is placed after the Rollout: a paused Rollout reports `Suspended`, and Argo CD would keep a
 * later wave (or a PostSync hook) waiting until the release is promoted.
 */
export class SyncWave {
  /** Annotation key Argo CD reads. */
  public static readonly ANNOTATION = 'argocd.argoproj.io/sync-wave';
  /** AnalysisTemplates, Service, DestinationRule, Gateway, security policies. */
  public static readonly PREREQUISITES = -2;
  /** VirtualServices. */
  public static readonly ROUTING = -1;
  /** The Rollout and its autoscaler. */
  public static readonly WORKLOAD = 0;

  private constructor() {}
}
