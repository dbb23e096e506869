import { RELEASE_VARYING_LABELS } from './private/k8s';

/**
 * The label keys the library reads and writes on pods, Services and DestinationRule subsets.
 *
 * - **Identity labels** (the Service selector, the Rollout selector and the DestinationRule subsets) never
 *   change between releases.
 * - **Version labels** on the pod template carry the human release name. Istio reports `version` as
 *   `destination_version`.
 * - The **revision label** changes whenever the pod template changes, also when only configuration
 *   changed: Istio reports it as `destination_canonical_revision`, which is how analysis queries tell the
 *   canary's traffic from the stable pods' traffic (both share the Service and the workload name).
 */
export class CanaryLabels {
  /** Identity label that Istio reports as `destination_app`; also the default selector. */
  public static readonly APP = 'app';
  /** Recommended Kubernetes name label. */
  public static readonly NAME = 'app.kubernetes.io/name';
  /** Recommended Kubernetes version label: the release name (version prop or image tag). */
  public static readonly VERSION = 'app.kubernetes.io/version';
  /** Istio's version label, reported as `destination_version`. */
  public static readonly ISTIO_VERSION = 'version';
  /** Istio's canonical service name label. */
  public static readonly CANONICAL_NAME = 'service.istio.io/canonical-name';
  /**
   * Istio's canonical revision label, reported as `destination_canonical_revision`. The library sets it to
   * `<version>-<content hash of the pod template>`.
   */
  public static readonly REVISION = 'service.istio.io/canonical-revision';
  /** The label Argo Rollouts adds to pods and writes into the DestinationRule subsets at runtime. */
  public static readonly POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';
  /** Pod label that requests Istio sidecar injection. */
  public static readonly SIDECAR_INJECT = 'sidecar.istio.io/inject';

  /**
   * Label keys whose values change from one release to the next. None of them may appear in a
   * selector or in a DestinationRule subset.
   */
  public static readonly RELEASE_VARYING: string[] = [...RELEASE_VARYING_LABELS];

  private constructor() {}
}
