// How Istio merges the DestinationRules of one host, as istiod computes it for the proxies (pilot/pkg/model/
// push_context.go setDestinationRules, pilot/pkg/model/destination_rule.go mergeDestinationRule; Istio 1.22 to 1.29):
// - rules are indexed per namespace: the rules of one namespace for one host merge; rules of different namespaces
//   never do (a proxy first looks in its own namespace, then in the Service's, then in the root namespace);
// - rules with a `workloadSelector` are kept apart (merged only with rules with the same selector);
// - since Istio 1.24 (ENABLE_ENHANCED_DESTINATIONRULE_MERGE, on by default) rules with different `exportTo` are kept
//   apart too;
// - merging concatenates the subsets in creation order; a subset name already present keeps the older rule's
//   subset (the newer one is counted in the `pilot_destrule_subsets` metric and dropped);
// - the top-level `trafficPolicy` is the first one in creation order (subset-level policies are per subset).
// Rules are sorted by creation time first; manifests that are not applied yet have none, so the model takes the
// order it is given. Not exported from the package.
import { fqdn } from './istio';

/** A DestinationRule manifest with the namespace it lands in. */
export interface PlacedRule {
  readonly manifest: any;
  readonly namespace: string;
}

/** The DestinationRules of one host in one namespace, merged. */
export interface MergedRule {
  readonly namespace: string;
  /** The host, resolved to an FQDN in the rules' namespace. */
  readonly host: string;
  /** The rules merged into this one, oldest first. */
  readonly rules: PlacedRule[];
  /** The subsets the proxies see. */
  readonly subsets: any[];
  /** The subsets dropped because an older rule defines one with the same name. */
  readonly dropped: Array<{ readonly subset: any; readonly rule: PlacedRule; readonly keptFrom: PlacedRule }>;
  /** The top-level traffic policy the proxies see, and the rules whose own one is ignored. */
  readonly trafficPolicy?: any;
  readonly ignoredPolicies: PlacedRule[];
}

/**
 * Merges DestinationRules as istiod does, `rules` oldest first. Rules with a workload selector or another `exportTo`
 * than the first rule of their host and namespace make merged rules of their own.
 */
export function mergeDestinationRules(rules: PlacedRule[]): MergedRule[] {
  const merged = new Map<string, MergedRule>();
  for (const rule of rules) {
    const spec = rule.manifest?.spec;
    if (typeof spec?.host !== 'string') continue;
    const host = fqdn(spec.host, rule.namespace);
    const key = JSON.stringify([rule.namespace, host, spec.workloadSelector?.matchLabels ?? null, list(spec.exportTo).map(String).sort()]);
    const into = merged.get(key);
    if (!into) {
      const first = { namespace: rule.namespace, host, rules: [rule], subsets: [...list(spec.subsets)], dropped: [] };
      merged.set(key, { ...first, trafficPolicy: spec.trafficPolicy, ignoredPolicies: [] });
      continue;
    }
    into.rules.push(rule);
    for (const subset of list(spec.subsets)) {
      const kept = into.subsets.find(s => s?.name === subset?.name);
      if (kept) into.dropped.push({ subset, rule, keptFrom: into.rules.find(r => list(r.manifest.spec.subsets).includes(kept))! });
      else into.subsets.push(subset);
    }
    if (spec.trafficPolicy !== undefined && spec.trafficPolicy !== null) {
      if (into.trafficPolicy === undefined || into.trafficPolicy === null) (into as { trafficPolicy?: any }).trafficPolicy = spec.trafficPolicy;
      else into.ignoredPolicies.push(rule);
    }
  }
  return [...merged.values()];
}

function list(value: any): any[] {
  return Array.isArray(value) ? value : [];
}
