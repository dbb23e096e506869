// Internal model of the rule engine: an index over plain manifests and the finding collector.
// Rules read synthesized objects as plain JSON (what `ApiObject.toJson()` returns), never L1 classes, so
// that edits made through escape hatches are seen as well.
import { ruleInfo } from './_catalog';
import { RuleFinding, RuleSeverity } from './finding';
import { compareCodeUnits as cmp } from '../private/format';

/** The namespace Kubernetes uses when a namespaced object has none (the usual `kubectl` context). */
export const DEFAULT_NAMESPACE = 'default';

/** Kinds that have no namespace. */
const CLUSTER_SCOPED = new Set(['ClusterAnalysisTemplate', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

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
  /** The objects of each kind, ordered by namespace and name (input order for equal keys). */
  private readonly byKind = new Map<string, Obj[]>();

  /**
   * @param manifests plain objects (other values are ignored)
   * @param partial the set may be a part of what the cluster holds (lint of some files): an object referenced
   *   but not in the set is never an error, only a "cannot check" warning
   */
  constructor(manifests: any[], public readonly partial: boolean = false) {
    this.objects = (manifests ?? []).filter(m => m && typeof m === 'object' && typeof m.kind === 'string').map(toObj);
    const sorted = [...this.objects].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
    for (const o of sorted) {
      const list = this.byKind.get(o.kind);
      if (list) list.push(o);
      else this.byKind.set(o.kind, [o]);
    }
  }

  /** All objects of a kind, in a stable order (namespace, name). */
  public ofKind(kind: string): readonly Obj[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The workloads (`WORKLOAD_KINDS`, kind by kind, each in `ofKind` order). */
  public workloads(): Obj[] {
    return WORKLOAD_KINDS.flatMap(kind => this.ofKind(kind));
  }

  /** The object of this kind, namespace and name, if it is in the set (the first one in input order). */
  public find(kind: string, namespace: string, name: string): Obj | undefined {
    const clusterScoped = CLUSTER_SCOPED.has(kind);
    return this.objects.find(o => o.kind === kind && o.name === name && (clusterScoped || o.namespace === namespace));
  }

  public report(code: string, obj: Obj | string, path: string, message: string, fix: string): void {
    this.findings.push({ code, object: typeof obj === 'string' ? obj : obj.label, path, message, fix });
  }

  /**
   * The findings with their severity, without the skipped codes and without repeats: errors first, then by code,
   * object, path and message (the same input gives the same order).
   */
  public results(skip: ReadonlySet<string> = new Set()): RuleFinding[] {
    const seen = new Set<string>();
    const out: RuleFinding[] = [];
    for (const f of this.findings) {
      if (skip.has(f.code)) continue;
      const key = [f.code, f.object, f.path, f.message].join('\u0000');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ code: f.code, severity: ruleInfo(f.code).severity, object: f.object, path: f.path, message: f.message, fix: f.fix });
    }
    const rank = (s: RuleSeverity) => s === RuleSeverity.ERROR ? 0 : 1;
    return out.sort((a, b) => rank(a.severity) - rank(b.severity) || cmp(a.code, b.code) || cmp(a.object, b.object)
      || cmp(a.path, b.path) || cmp(a.message, b.message));
  }
}

function toObj(m: any): Obj {
  const name = String(m.metadata?.name ?? '');
  const namespace = CLUSTER_SCOPED.has(m.kind) ? '' : String(m.metadata?.namespace ?? DEFAULT_NAMESPACE);
  return { kind: m.kind, apiVersion: String(m.apiVersion ?? ''), name, namespace, label: objectLabel(m), raw: m };
}

/** How findings name an object: `<kind> <namespace>/<name>`, or `<kind> <name>` when cluster-scoped or without a namespace. */
export function objectLabel(m: any): string {
  const name = String(m.metadata?.name ?? '');
  const rawNs = m.metadata?.namespace;
  return CLUSTER_SCOPED.has(m.kind) || rawNs === undefined ? `${m.kind} ${name}` : `${m.kind} ${rawNs}/${name}`;
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
