// Internal model of the rule engine: an index over plain manifests (with where each comes from) and the finding
// collector. Rules read synthesized objects as plain JSON (what `ApiObject.toJson()` returns), never L1 classes, so
// that edits made through escape hatches are seen as well. The index answers every lookup the rules make without a
// scan of all objects, so that one run over a whole app grows linearly with its size.
import { ruleInfo } from './_catalog';
import { ManifestInput, ManifestOrigin, RuleFinding, RuleSeverity } from './finding';
import { compareCodeUnits as cmp } from '../private/format';
import { fqdn } from '../private/istio';
import { mapSelects } from '../private/k8s';

/** The namespace Kubernetes uses when a namespaced object has none (the usual `kubectl` context). */
export const DEFAULT_NAMESPACE = 'default';

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set(['ClusterAnalysisTemplate', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/** One manifest with the fields every rule needs. */
export interface Obj {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /**
   * The namespace the object lands in: its own, else the origin's default namespace, else `default`; '' for
   * cluster-scoped kinds.
   */
  readonly namespace: string;
  /** Human label: `Rollout shop/shop`, or `ClusterAnalysisTemplate name`. */
  readonly label: string;
  readonly raw: any;
  /** Where it comes from, when the input said so. */
  readonly origin?: ManifestOrigin;
  /** The cluster it is deployed to ('' when not known). */
  readonly cluster: string;
  /** Its position in the input. */
  readonly index: number;
}

/** A finding before the catalog adds the severity. */
export type RawFinding = Omit<RuleFinding, 'severity'>;

/** Index over the manifest set and collector of findings. */
export class Context {
  public readonly objects: Obj[];
  public readonly findings: RawFinding[] = [];
  /** The subsets (`<DestinationRule index>/<name>`) a Rollout's controller removes (CR132): CR222 leaves them to it. */
  public readonly removedSubsets = new Set<string>();
  /** The objects of each kind, ordered by namespace and name (input order for equal keys). */
  private readonly byKind = new Map<string, Obj[]>();
  /** The objects of each kind, namespace and name, in input order. */
  private readonly byName = new Map<string, Obj[]>();
  /** Services with a selector, by namespace and one of their selector labels (built on first use). */
  private servicesByLabel?: Map<string, Obj[]>;
  /** DestinationRules by the FQDN of their host; those with a wildcard host under '*' (built on first use). */
  private rulesByHost?: Map<string, Obj[]>;
  /** Workloads by namespace and each of their pod template labels (built on first use). */
  private workloadsByLabel?: Map<string, Obj[]>;

  /**
   * @param inputs plain objects with where each comes from (other values are ignored)
   * @param partial the set may be a part of what the cluster holds (lint of some files): an object referenced
   *   but not in the set is never an error, only a "cannot check" warning
   */
  constructor(inputs: ManifestInput[], public readonly partial: boolean = false) {
    this.objects = (inputs ?? [])
      .map((input, index) => ({ m: input?.manifest, origin: input?.origin, index }))
      .filter(({ m }) => m && typeof m === 'object' && typeof m.kind === 'string')
      .map(({ m, origin, index }) => toObj(m, origin, index));
    const sorted = [...this.objects].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
    for (const o of sorted) push(this.byKind, o.kind, o);
    for (const o of this.objects) push(this.byName, nameKey(o.kind, o.namespace, o.name), o);
  }

  /** All objects of a kind, in a stable order (namespace, name). */
  public ofKind(kind: string): readonly Obj[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The workloads (`WORKLOAD_KINDS`, kind by kind, each in `ofKind` order). */
  public workloads(): Obj[] {
    return WORKLOAD_KINDS.flatMap(kind => this.ofKind(kind));
  }

  /**
   * The object of this kind, namespace and name that `from` can refer to: the first one in input order of the
   * same cluster as `from`, else of a cluster that is not known. Without `from`, the first one.
   */
  public find(kind: string, namespace: string, name: string, from?: Obj): Obj | undefined {
    const list = this.byName.get(nameKey(kind, namespace, name));
    if (!list || !from) return list?.[0];
    return list.find(o => o.cluster === from.cluster) ?? list.find(o => mayMeet(o, from));
  }

  /** The objects of a kind, namespace and name, in input order (several when the object is defined more than once). */
  public definitions(kind: string, namespace: string, name: string): readonly Obj[] {
    return this.byName.get(nameKey(kind, namespace, name)) ?? [];
  }

  /** The Services of the cluster of `w` (or of an unknown one) in its namespace whose selector selects `labels`, in `ofKind` order. */
  public servicesSelecting(w: Obj, labels: { [k: string]: string }): Obj[] {
    if (!this.servicesByLabel) {
      this.servicesByLabel = new Map();
      for (const svc of this.ofKind('Service')) {
        const selector = labelMap(svc.raw.spec?.selector);
        const keys = Object.keys(selector).sort(cmp);
        if (keys.length > 0) push(this.servicesByLabel, labelKey(svc.namespace, keys[0], selector[keys[0]]), svc);
      }
    }
    const found = new Set<Obj>();
    for (const k of Object.keys(labels)) {
      for (const svc of this.servicesByLabel.get(labelKey(w.namespace, k, labels[k])) ?? []) {
        if (mayMeet(svc, w) && mapSelects(svc.raw.spec.selector, labels)) found.add(svc);
      }
    }
    return this.ofKind('Service').filter(s => found.has(s));
  }

  /**
   * The workloads of the cluster of `from` (or of an unknown one) in `namespace` whose pod template carries every label
   * of `labels` (at least one), in `workloads()` order.
   */
  public workloadsWithLabels(from: Obj, namespace: string, labels: { [k: string]: string }): Obj[] {
    if (!this.workloadsByLabel) {
      this.workloadsByLabel = new Map();
      for (const w of this.workloads()) {
        const own = podLabels(w);
        for (const k of Object.keys(own)) push(this.workloadsByLabel, labelKey(w.namespace, k, own[k]), w);
      }
    }
    const keys = Object.keys(labels).sort(cmp);
    if (keys.length === 0) return [];
    return (this.workloadsByLabel.get(labelKey(namespace, keys[0], labels[keys[0]])) ?? [])
      .filter(w => mayMeet(w, from) && mapSelects(labels, podLabels(w)));
  }

  /**
   * The DestinationRules of the cluster of `from` (or of an unknown one) whose host, in FQDN form, is `host` or a
   * wildcard, and for which `match` holds, in `ofKind` order.
   */
  public destinationRulesFor(host: string, from: Obj, match: (ruleHost: string) => boolean): Obj[] {
    if (!this.rulesByHost) {
      this.rulesByHost = new Map();
      for (const dr of this.ofKind('DestinationRule')) {
        const h = dr.raw.spec?.host;
        if (typeof h !== 'string') continue;
        const full = fqdn(h, dr.namespace);
        push(this.rulesByHost, full.includes('*') ? '*' : full, dr);
      }
    }
    const candidates = new Set([...(this.rulesByHost.get(host) ?? []), ...(this.rulesByHost.get('*') ?? [])]);
    return this.ofKind('DestinationRule').filter(dr => candidates.has(dr) && mayMeet(dr, from) && match(fqdn(dr.raw.spec.host, dr.namespace)));
  }

  /** Reports a finding about `obj`; `related` are the other objects it is about (their origins go with it). */
  public report(code: string, obj: Obj, path: string, message: string, fix: string, related: Obj[] = []): void {
    const origins = related.map(o => o.origin).filter((o): o is ManifestOrigin => o !== undefined);
    this.findings.push({ code, object: obj.label, path, message, fix, origin: obj.origin, ...(origins.length > 0 ? { related: origins } : {}) });
  }

  /**
   * The findings with their severity, without the skipped codes and without repeats: errors first, then by code,
   * object, path, message and origin (the same input gives the same order).
   */
  public results(skip: ReadonlySet<string> = new Set()): RuleFinding[] {
    const seen = new Set<string>();
    const out: RuleFinding[] = [];
    for (const f of this.findings) {
      if (skip.has(f.code)) continue;
      const key = [f.code, f.object, f.path, f.message, f.origin?.path ?? ''].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      const { code, object, path, message, fix, origin, related } = f;
      out.push({ code, severity: ruleInfo(code).severity, object, path, message, fix, origin, related });
    }
    const rank = (s: RuleSeverity) => s === RuleSeverity.ERROR ? 0 : 1;
    return out.sort((a, b) => rank(a.severity) - rank(b.severity) || cmp(a.code, b.code) || cmp(a.object, b.object)
      || cmp(a.path, b.path) || cmp(a.message, b.message) || cmp(a.origin?.path ?? '', b.origin?.path ?? ''));
  }
}

/** Whether two objects may be in one cluster: the same one, or one of them in a cluster that is not known. */
export function mayMeet(a: Obj, b: Obj): boolean {
  return a.cluster === b.cluster || a.cluster === '' || b.cluster === '';
}

function toObj(m: any, origin: ManifestOrigin | undefined, index: number): Obj {
  const name = String(m.metadata?.name ?? '');
  const namespace = CLUSTER_SCOPED.has(m.kind) ? '' : String(m.metadata?.namespace ?? origin?.defaultNamespace ?? DEFAULT_NAMESPACE);
  return { kind: m.kind, apiVersion: String(m.apiVersion ?? ''), name, namespace, label: objectLabel(m), raw: m, origin, cluster: origin?.cluster ?? '', index };
}

/** How findings name an object: `<kind> <namespace>/<name>`, or `<kind> <name>` when cluster-scoped or without a namespace. */
export function objectLabel(m: any): string {
  const name = String(m.metadata?.name ?? '');
  const rawNs = m.metadata?.namespace;
  return CLUSTER_SCOPED.has(m.kind) || rawNs === undefined ? `${m.kind} ${name}` : `${m.kind} ${rawNs}/${name}`;
}

function nameKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${CLUSTER_SCOPED.has(kind) ? '' : namespace}\u0000${name}`;
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

/** The labels of a workload's pod template (an empty map when there are none). */
export function podLabels(w: Obj): { [k: string]: string } {
  return labelMap(w.raw.spec?.template?.metadata?.labels);
}

/** A label map (a Service selector, subset or pod labels) as a plain object; anything else as an empty map. */
export function labelMap(selector: any): { [k: string]: string } {
  return selector && typeof selector === 'object' && !Array.isArray(selector) ? selector : {};
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The value if it is an array, else an empty array. */
export function arr(value: any): any[] {
  return Array.isArray(value) ? value : [];
}

/** A value for messages: strings quoted, the rest as JSON. */
export function show(value: any): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value);
}

/** A list of values for messages: `"a", "b"` or `none`. */
export function showList(values: any[]): string {
  return values.length === 0 ? 'none' : values.map(show).join(', ');
}

// ---------------------------------------------------------------------------------------------------
// Workloads

/** Kinds whose `spec.template` is a pod template. */
export const WORKLOAD_KINDS = ['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet'];
