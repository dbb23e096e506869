// What the plan reads from the manifests besides the Rollout: the Rollout to plan, its autoscaler, and the analysis
// templates an analysis block refers to (nested ones included), with the argument values and dry-run rules that apply
// to their metrics. Not exported from the package.
import { compareCodeUnits } from '../private/format';

/** All canary Rollouts of a manifest set, ordered by namespace and name. */
export function canaryRollouts(manifests: any[]): any[] {
  const key = (m: any) => `${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}`;
  return manifests.filter(m => m && m.kind === 'Rollout' && m.spec?.strategy?.canary).sort((a, b) => compareCodeUnits(key(a), key(b)));
}

/** The Rollout the plan is for: the named one, or the only one. */
export function selectRollout(manifests: any[], rolloutName?: string): any {
  if (!Array.isArray(manifests)) {
    throw new Error(`'manifests' (${typeof manifests}) must be an array of manifests, as Chart.toJson() returns them`);
  }
  const rollouts = manifests.filter(m => m && m.kind === 'Rollout');
  const names = rollouts.map(r => `"${r.metadata?.name}"`).join(', ');
  if (rolloutName !== undefined) {
    const found = rollouts.filter(r => r.metadata?.name === rolloutName);
    if (found.length !== 1) {
      throw new Error(`'rolloutName' ("${rolloutName}") must name one Rollout of the manifests; found ${found.length} with that name `
        + `among ${rollouts.length} Rollout(s)${names ? ` (${names})` : ''}: pass the name of the Rollout to plan`);
    }
    return found[0];
  }
  if (rollouts.length !== 1) {
    throw new Error(`'rolloutName' is not set and the manifests contain ${rollouts.length} Rollouts${names ? ` (${names})` : ''}: `
      + 'pass the name of the Rollout to plan, or use RolloutPlan.allFromManifests() for all of them');
  }
  return rollouts[0];
}

type TemplateKind = 'AnalysisTemplate' | 'ClusterAnalysisTemplate';

/**
 * The analysis templates and autoscalers of a manifest set, indexed once for all the Rollouts planned from it.
 * Lookups give what `manifests.find` with the same condition gives: the first match in manifest order.
 */
export class ManifestIndex {
  private readonly templates = new Map<string, any[]>();
  private readonly autoscalers: any[];
  /** ConfigMaps, Secrets and workloads by `<kind>/<namespace>/<name>` (the first of each key). */
  private readonly objects = new Map<string, any>();

  constructor(manifests: any[]) {
    for (const m of manifests) {
      if (m && INDEXED_KINDS.has(m.kind) && typeof m.metadata?.name === 'string') {
        const key = objectKey(m.kind, m.metadata.namespace, m.metadata.name);
        if (!this.objects.has(key)) this.objects.set(key, m);
      }
      if (!m || (m.kind !== 'AnalysisTemplate' && m.kind !== 'ClusterAnalysisTemplate') || typeof m.metadata?.name !== 'string') continue;
      const key = `${m.kind}/${m.metadata.name}`;
      const list = this.templates.get(key);
      if (list) list.push(m);
      else this.templates.set(key, [m]);
    }
    this.autoscalers = manifests.filter(m => m && m.kind === 'HorizontalPodAutoscaler');
  }

  /** The first template of this kind and name that `accept` accepts. */
  public template(kind: TemplateKind, name: unknown, accept: (m: any) => boolean): any {
    return typeof name === 'string' ? this.templates.get(`${kind}/${name}`)?.find(accept) : undefined;
  }

  /** The first HorizontalPodAutoscaler that `accept` accepts. */
  public autoscaler(accept: (m: any) => boolean): any {
    return this.autoscalers.find(accept);
  }

  /** The first ConfigMap, Secret, Deployment, ReplicaSet or PodTemplate of this kind, namespace and name. */
  public object(kind: string, namespace: string | undefined, name: string): any {
    return this.objects.get(objectKey(kind, namespace, name));
  }
}

/** The kinds `ManifestIndex.object()` finds. */
const INDEXED_KINDS = new Set(['ConfigMap', 'Secret', 'Deployment', 'ReplicaSet', 'PodTemplate']);

function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return JSON.stringify([kind, namespace ?? '', name]);
}

/** A metric of an analysis template, with what applies to it in one analysis run. */
export interface RawMetric {
  /** Index in the template's `spec.metrics`. */
  readonly index: number;
  readonly template: string;
  /** The template, for messages: `AnalysisTemplate "shop-success-rate"`. */
  readonly owner: string;
  readonly spec: any;
  /** Literal argument values: the templates' defaults, overridden by the Rollout's. */
  readonly args: { readonly [name: string]: string };
  readonly dryRun: boolean;
}

/** An analysis block of the Rollout with its templates resolved. */
export interface ResolvedAnalysis {
  /** The template names the block refers to, sorted. */
  readonly templates: string[];
  readonly metrics: RawMetric[];
  /** References to templates that are not among the manifests (PLAN007). */
  readonly missing: Array<{ readonly kind: TemplateKind; readonly name: string }>;
}

/** Resolves an analysis block (`canary.analysis` or `steps[i].analysis`) of a Rollout in namespace `namespace`. */
export function resolveAnalysis(index: ManifestIndex, namespace: string | undefined, block: any): ResolvedAnalysis {
  const collected: Array<{ template: string; owner: string; tspec: any }> = [];
  const missing: ResolvedAnalysis['missing'] = [];
  const visit = (ref: any, seen: string[]) => {
    const name: string = ref?.templateName ?? '';
    const cluster = !!ref?.clusterScope;
    const kind: TemplateKind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const id = `${kind}/${name}`;
    if (seen.includes(id)) return;
    const found = index.template(kind, name, m => cluster || m.metadata?.namespace === undefined || m.metadata?.namespace === namespace);
    if (!found) {
      missing.push({ kind, name });
      return;
    }
    collected.push({ template: name, owner: `${kind} "${name}"`, tspec: found.spec ?? {} });
    for (const nested of found.spec?.templates ?? []) visit(nested, [...seen, id]);
  };
  const refs: any[] = block?.templates ?? [];
  refs.forEach(ref => visit(ref, []));

  const args = argumentValues(collected.map(c => c.tspec), block);
  const dryRunRules = [block, ...collected.map(c => c.tspec)]
    .flatMap(spec => (spec?.dryRun ?? []).map((d: any) => d?.metricName))
    .filter((x: unknown): x is string => typeof x === 'string')
    .map(regExpOf);
  const metrics = collected.flatMap(c => (c.tspec.metrics ?? []).map((m: any, i: number): RawMetric => ({
    index: i,
    template: c.template,
    owner: c.owner,
    spec: m ?? {},
    args,
    dryRun: dryRunRules.some(rule => rule?.test(String(m?.name ?? `metric-${i}`)) ?? false),
  })));
  return { templates: refs.map(ref => ref?.templateName ?? '').sort(), metrics, missing };
}

/** The literal argument values of a run: the templates' defaults (the first template that gives one), then the Rollout's. */
function argumentValues(templateSpecs: any[], block: any): { [name: string]: string } {
  const args: { [name: string]: string } = {};
  for (const tspec of templateSpecs) {
    for (const a of tspec.args ?? []) {
      if (a?.value !== undefined && args[a.name] === undefined) args[a.name] = String(a.value);
    }
  }
  for (const a of block?.args ?? []) {
    if (a?.value !== undefined) args[a.name] = String(a.value);
  }
  return args;
}

/** A dryRun rule's `metricName`, an unanchored regular expression; undefined when it does not compile. */
function regExpOf(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}
