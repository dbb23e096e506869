// Kubernetes names, labels and container images: the validators the constructs share, and the image
// reference parser. Not exported from the package.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * Throws unless `value` is a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters),
 * the rule Kubernetes applies to Service names and Istio to subset and Gateway names.
 */
export function assertDnsLabel(prop: string, value: string, what = 'a DNS-1123 label'): void {
  if (value.length > 63 || !DNS1123_LABEL.test(value)) {
    throw new Error(`'${prop}' ("${value}") must be ${what}: at most 63 lowercase letters, digits or '-', `
      + 'starting and ending with a letter or digit (for example "shop-api")');
  }
}

/** Throws unless `value` is a DNS-1123 subdomain (at most 253 characters). */
export function assertDnsSubdomain(prop: string, value: string): void {
  if (value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(`'${prop}' ("${value}") must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', `
      + 'at most 253 characters, each part starting and ending with a letter or digit (for example "shop.example.com")');
  }
}

/** Throws unless `value` is a valid Kubernetes label value. */
export function assertLabelValue(prop: string, key: string, value: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new Error(`'${prop}' label "${key}" has the value "${value}", which Kubernetes rejects: a label value is at most 63 characters `
      + "of letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
  }
}

/** Throws unless `key` is a valid Kubernetes label key (`[prefix/]name`). */
export function assertLabelKey(prop: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    throw new Error(`'${prop}' has the label key "${key}", which Kubernetes rejects: a key is an optional DNS subdomain prefix and '/', `
      + "then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (for example \"app.kubernetes.io/part-of\")");
  }
}

/** Validates every key and value of a label map. */
export function assertLabels(prop: string, labels: { [key: string]: string }): void {
  for (const [k, v] of Object.entries(labels)) {
    assertLabelKey(prop, k);
    assertLabelValue(prop, k, v);
  }
}

/** The parts of an image reference that matter for release naming. */
export interface ParsedImage {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits `registry:5000/org/name:tag@sha256:abc` into repository, tag and digest.
 * A ':' only starts a tag in the last path segment (a registry port is not a tag).
 */
export function parseImage(image: string): ParsedImage {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  let tag: string | undefined;
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, tag: tag || undefined, digest: digest || undefined };
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/**
 * Throws unless `image` names a repository and is pinned by a tag other than `latest` or by a digest (the
 * same rule as CR306: an unpinned image can start different code from the same manifest).
 */
export function assertPinnedImage(prop: string, image: string): ParsedImage {
  const parsed = parseImage(image);
  if (!parsed.repository || /\s/.test(image)) {
    throw new Error(`'${prop}' ("${image}") is not a container image reference: expected "<repository>:<tag>" or "<repository>@sha256:<digest>"`);
  }
  if (parsed.tag !== undefined && !TAG.test(parsed.tag)) {
    throw new Error(`'${prop}' ("${image}") has an invalid tag "${parsed.tag}": a tag is 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'`);
  }
  if (parsed.digest !== undefined && !DIGEST.test(parsed.digest)) {
    throw new Error(`'${prop}' ("${image}") has an invalid digest "${parsed.digest}": expected "sha256:<64 hex digits>"`);
  }
  if (parsed.tag === undefined && parsed.digest === undefined) {
    throw new Error(`'${prop}' ("${image}") has neither a tag nor a digest, so nothing tells one release from the next: `
      + `pin it (for example "${image}:1.4.2" or "${image}@sha256:<digest>")`);
  }
  if (parsed.tag === 'latest' && parsed.digest === undefined) {
    throw new Error(`'${prop}' ("${image}") uses the tag "latest", which moves: the same manifest could start different code and a rollback `
      + `would not restore the old version. Pin it (for example "${parsed.repository}:1.4.2" or "${parsed.repository}@sha256:<digest>")`);
  }
  return parsed;
}

/**
 * The release name derived from an image: its tag, else a short form of its digest
 * (`sha256-0123456789ab`). Undefined when the image has neither.
 */
export function versionFromImage(parsed: ParsedImage): string | undefined {
  if (parsed.tag) return parsed.tag;
  if (parsed.digest) {
    const [algo, hex] = parsed.digest.split(':');
    return `${algo}-${hex.slice(0, 12)}`;
  }
  return undefined;
}

/** The label Argo Rollouts writes into each DestinationRule subset (and its pods) at runtime. */
const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

/**
 * Label keys whose values change from one release to the next, or that a controller writes itself. None of them may
 * select pods (a Service or Rollout selector, a DestinationRule subset): after a release the selector would point at
 * pods that no longer exist. `CanaryLabels.RELEASE_VARYING` and rule CR303 both use this list.
 */
export const RELEASE_VARYING_LABELS: readonly string[] = Object.freeze([
  'app.kubernetes.io/version',
  'version',
  'service.istio.io/canonical-revision',
  POD_TEMPLATE_HASH_LABEL,
  'pod-template-hash',
  'controller-revision-hash',
  'helm.sh/chart',
]);

/**
 * Validates identity labels: well-formed, non-empty, and none of the keys that vary per release.
 */
export function assertIdentityLabels(prop: string, labels: { [key: string]: string }): void {
  if (Object.keys(labels).length === 0) {
    throw new Error(`'${prop}' is empty: at least one identity label (for example { app: "shop" }) is needed to select the pods`);
  }
  assertLabels(prop, labels);
  for (const key of Object.keys(labels)) {
    if (RELEASE_VARYING_LABELS.includes(key)) {
      throw new Error(`'${prop}' contains the label "${key}", whose value changes with every release: `
        + 'selectors and DestinationRule subsets must use identity labels only. Argo Rollouts tells stable from canary by writing '
        + `"${POD_TEMPLATE_HASH_LABEL}" into each subset at runtime; a subset labelled "${key}" would keep pointing at the `
        + `old pods after promotion. Remove "${key}" from '${prop}' (the library already puts version labels on the pod template)`);
    }
  }
}

/** Whether a label selector (`matchLabels`, `matchExpressions`) selects a label set. */
export function selectorMatches(selector: any, labels: { [k: string]: string }): boolean {
  const matchLabels = selector?.matchLabels ?? {};
  for (const k of Object.keys(matchLabels)) {
    if (labels[k] !== matchLabels[k]) return false;
  }
  for (const e of Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = Array.isArray(e?.values) ? e.values : [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Whether a plain label map (Service selector, subset labels) selects a label set. */
export function mapSelects(selector: { [k: string]: string } | undefined, labels: { [k: string]: string }): boolean {
  const map: any = selector ?? {};
  for (const k of Object.keys(map)) {
    if (labels[k] !== map[k]) return false;
  }
  return true;
}
