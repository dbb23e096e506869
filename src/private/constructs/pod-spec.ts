// Internal: the JSON of a pod spec built by cdk8s-plus (`Workload._toPodSpec()`), without the generated
// `k8s.toJson_PodSpec` mapping on the common path.
//
// The generated mapping renames a few properties (`setHostnameAsFqdn` → `setHostnameAsFQDN`, …), reads the
// value of IntOrString and Quantity objects and drops undefined values, rebuilding every object key by key
// (`{ ...r, [k]: v }` per key), which makes it one of the larger costs of rendering a Rollout. A pod spec is
// plain data apart from those three things, so `podSpecJson` converts it in one pass: it renames the
// properties of the pod spec itself, reads `.value` of IntOrString/Quantity objects and drops undefined
// values. Deeper in the tree, a renamed property can only be told from a map key (a node selector may
// have any key) by the generated mapping, so when any property that the mapping renames appears below the
// pod spec (rare volume sources, `downwardAPI` volumes), the generated mapping is used.
import * as kplus from 'cdk8s-plus-28';

/** The properties of `k8s.PodSpec` whose JSON name differs. */
const POD_SPEC_RENAMES: { readonly [prop: string]: string } = {
  hostIpc: 'hostIPC',
  hostPid: 'hostPID',
  setHostnameAsFqdn: 'setHostnameAsFQDN',
};

/** The JSON names of POD_SPEC_RENAMES, back to the property names. */
const POD_SPEC_PROPS: { readonly [json: string]: string } = Object.fromEntries(Object.entries(POD_SPEC_RENAMES).map(([k, v]) => [v, k]));

/**
 * Every property that a `toJson_*` function of cdk8s-plus-28's Kubernetes bindings renames (a test reads the
 * bindings to keep this list complete).
 */
export const RENAMED_PROPERTIES: ReadonlySet<string> = new Set([
  'clientIp', 'clusterIp', 'datasetUuid', 'diskUri', 'downwardApi', 'externalId', 'hostIp', 'hostIpc', 'hostPid',
  'insecureSkipTlsVerify', 'loadBalancerIp', 'nodeId', 'nonResourceUrLs', 'openApiv3Schema', 'pdId', 'podCidRs',
  'podCidr', 'providerId', 'ref', 'scaleIo', 'schema', 'setHostnameAsFqdn', 'storagePolicyId',
  'targetCpuUtilizationPercentage', 'targetWwNs', 'volumeId', 'xKubernetesEmbeddedResource', 'xKubernetesIntOrString',
  'xKubernetesListMapKeys', 'xKubernetesListType', 'xKubernetesMapType', 'xKubernetesPreserveUnknownFields',
  'xKubernetesValidations',
]);

/** Thrown by `plain` when the generated mapping must be used. */
const NEEDS_MAPPING = Symbol('needs the generated mapping');

/**
 * The JSON of a cdk8s-plus pod spec: the same value as `k8s.toJson_PodSpec(spec)` with IntOrString/Quantity values read,
 * keys sorted.
 */
export function podSpecJson(spec: kplus.k8s.PodSpec): any {
  try {
    const out: any = {};
    for (const key of Object.keys(spec).map(k => POD_SPEC_RENAMES[k] ?? k).sort()) {
      const v = (spec as any)[POD_SPEC_PROPS[key] ?? key];
      if (v === undefined) continue;
      out[key] = plain(v, true);
    }
    return out;
  } catch (e) {
    if (e !== NEEDS_MAPPING) throw e;
    return plain(kplus.k8s.toJson_PodSpec(spec));
  }
}

/**
 * Converts cdk8s-plus values (IntOrString, Quantity) into plain JSON with the keys of every object in sorted
 * order (so that hashing it needs no sorted copy) and drops undefined values. With `check`, throws
 * NEEDS_MAPPING at a property that the generated mapping would rename.
 */
export function plain(value: any, check = false): any {
  if (Array.isArray(value)) return value.map(v => plain(v, check));
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && 'value' in value
    && (typeof value.value === 'string' || typeof value.value === 'number')) {
    return value.value;
  }
  const out: any = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v === undefined) continue;
    if (check && RENAMED_PROPERTIES.has(key)) throw NEEDS_MAPPING;
    out[key] = plain(v, check);
  }
  return out;
}
