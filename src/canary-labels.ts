import { assertLabels } from './private/k8s';

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
  public static readonly RELEASE_VARYING: string[] = [
    CanaryLabels.VERSION,
    CanaryLabels.ISTIO_VERSION,
    CanaryLabels.REVISION,
    CanaryLabels.POD_TEMPLATE_HASH,
    'pod-template-hash',
    'controller-revision-hash',
    'helm.sh/chart',
  ];

  private constructor() {}
}

/**
 * Validates identity labels: well-formed, non-empty, and none of the keys that vary per release.
 * @internal
 */
export function assertIdentityLabels(prop: string, labels: { [key: string]: string }): void {
  if (Object.keys(labels).length === 0) {
    throw new Error(`'${prop}' is empty: at least one identity label (for example { app: "shop" }) is needed to select the pods`);
  }
  assertLabels(prop, labels);
  for (const key of Object.keys(labels)) {
    if (CanaryLabels.RELEASE_VARYING.includes(key)) {
      throw new Error(`'${prop}' contains the label "${key}", whose value changes with every release: `
        + 'selectors and DestinationRule subsets must use identity labels only. Argo Rollouts tells stable from canary by writing '
        + `"${CanaryLabels.POD_TEMPLATE_HASH}" into each subset at runtime; a subset labelled "${key}" would keep pointing at the `
        + `old pods after promotion. Remove "${key}" from '${prop}' (the library already puts version labels on the pod template)`);
    }
  }
}
