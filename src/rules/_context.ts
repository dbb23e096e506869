// Internal model of the rule engine: an index over plain manifests and the finding collector.
// Rules read synthesized objects as plain JSON (what `ApiObject.toJson()` returns), never L1 classes, so
// that edits made through escape hatches are seen as well.
import { compareCodeUnits as cmp } from '../private/format';

/** The namespace Kubernetes uses when a namespaced object has none (the usual `kubectl` context). */
export const DEFAULT_NAMESPACE = 'default';

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set(['ClusterAnalysisTemplate', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/** The objects of a kind that is not in the set. */
const NONE: readonly Obj[] = Object.freeze([]);

/** One manifest with the fields every rule needs. */
export interface Obj {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  /** The namespace the object lands in (`default` when unset; '' for cluster-scoped kinds). */
  readonly namespace: string;
  /** Human label: `Rollout shop/shop`, or `ClusterAnalysisTemplate name`. */
  readonly label: string;
  readonly raw: any;
}

/** A finding before the catalog adds the severity. */
export interface RawFinding {
  readonly code: string;
  readonly object: string;
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** Index over the manifest set and collector of findings. */
export class Context {
  public readonly objects: Obj[];
  public readonly findings: RawFinding[] = [];
  /** The objects of each kind, in input order: rules look objects up by kind many times per check. */
  private readonly byKind = new Map<string, Obj[]>();
  /** `ofKind()` results, sorted once on first use. */
  private readonly sortedByKind = new Map<string, readonly Obj[]>();
  private workloadList?: readonly Obj[];

  constructor(manifests: any[]) {
    const withKind = (manifests ?? []).filter(m => m && typeof m === 'object' && typeof m.kind === 'string');
    // the objects and their index by kind, in one pass
    this.objects = [];
    for (const m of withKind) {
      const o = toObj(m);
      this.objects.push(o);
      const list = this.byKind.get(o.kind);
      if (list) list.push(o);
      else this.byKind.set(o.kind, [o]);
    }
  }

  /** All objects of a kind, in a stable order (namespace, name). The array is shared: do not modify it. */
  public ofKind(kind: string): readonly Obj[] {
    let sorted = this.sortedByKind.get(kind);
    if (!sorted) {
      const list = this.byKind.get(kind);
      // a stable sort of the objects in input order, as a filter over all objects followed by the same sort gives
      sorted = list ? [...list].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name)) : NONE;
      this.sortedByKind.set(kind, sorted);
    }
    return sorted;
  }

  /** The workloads (`WORKLOAD_KINDS`, kind by kind, each in `ofKind` order). The array is shared: do not modify it. */
  public workloads(): readonly Obj[] {
    if (!this.workloadList) {
      const list: Obj[] = [];
      for (const kind of WORKLOAD_KINDS) list.push(...this.ofKind(kind));
      this.workloadList = list;
    }
    return this.workloadList;
  }

  /** The object of this kind, namespace and name, if it is in the set (the first one in input order). */
  public find(kind: string, namespace: string, name: string): Obj | undefined {
    const list = this.byKind.get(kind);
    if (!list) return undefined;
    const clusterScoped = CLUSTER_SCOPED.has(kind);
    for (const o of list) {
      if (o.name === name && (clusterScoped || o.namespace === namespace)) return o;
    }
    return undefined;
  }

  public report(code: string, obj: Obj | string, path: string, message: string, fix: string): void {
    this.findings.push({ code, object: typeof obj === 'string' ? obj : obj.label, path, message, fix });
  }
}

function toObj(m: any): Obj {
  const name = String(m.metadata?.name ?? '');
  const clusterScoped = CLUSTER_SCOPED.has(m.kind);
  const rawNs = m.metadata?.namespace;
  const namespace = clusterScoped ? '' : String(rawNs ?? DEFAULT_NAMESPACE);
  const label = clusterScoped || rawNs === undefined ? `${m.kind} ${name}` : `${m.kind} ${rawNs}/${name}`;
  return { kind: m.kind, apiVersion: String(m.apiVersion ?? ''), name, namespace, label, raw: m };
}

/** The empty array `arr()` returns for anything that is not an array (frozen: callers only read). */
const EMPTY: any[] = Object.freeze([]) as unknown as any[];

/** Array or empty array. The empty array is shared and frozen: callers must not modify the result. */
export function arr(value: any): any[] {
  return Array.isArray(value) ? value : EMPTY;
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
