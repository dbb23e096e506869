// The rule catalog (src/rules) over the whole app, at every synth, whichever App class runs it: `CanaryApp`, a plain
// cdk8s `App` (also under the `cdk8s synth` CLI) or `Testing.synth()`. Every API object of the app is one input of
// one rule run, with its origin (construct path, chart, and the cluster and namespace of the Argo CD Application that
// deploys its chart), so references across charts resolve. The charts that hold a construct of the library are
// checked: each one's validation reports the findings about its own objects (and an object defined twice, CR308, is
// reported at a checked chart of one of its definitions). Objects of other charts are read, not checked.
//
// The rule run is shared: for one synth through the SynthContext (`CanaryApp`, and the synth() and synthYaml() of any
// other App, which app-synth.ts runs inside one context); otherwise for one validation pass over the app (a
// validation on the app root starts it; each checked chart and Argo CD Application takes the shared result once; the
// pass ends when all have taken theirs, or at the end of the current job). A validation called on its own computes
// alone. Not exported from the package.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { joinSynths } from './app-synth';
import { findAll, SynthContext, toJson } from './context';
import { CanaryRules } from '../../rules/canary-rules';
import { ManifestInput, ManifestOrigin, RuleFinding } from '../../rules/finding';

/** What a construct that deploys charts (an Argo CD Application) tells the rules: `_chartDeployment()`. */
export interface ChartDeployment {
  readonly charts: readonly Chart[];
  /** The target cluster, as written (`server <url>` or `cluster <name>`). */
  readonly cluster: string;
  /** The namespace of objects without one. */
  readonly namespace?: string;
}

/** The result of one rule run over an app: the findings about each chart's objects. */
interface AppRun {
  readonly byChart: Map<Chart, RuleFinding[]>;
}

/** A validation pass over an app outside a synth: the consumers that have not taken the shared results yet. */
class ValidationPass {
  public readonly values = new Map<string, unknown>();
  constructor(public readonly pending: Set<IConstruct>) {}
}

/** What the library keeps for one app (tree root). */
class AppState {
  public pass?: ValidationPass;
  /** The charts the rules check, in the order they were registered. */
  public readonly checkedCharts = new Set<Chart>();
  /** Warnings of the last validation, per chart: those of the chart's objects, then those of each construct that recorded some. */
  public readonly warnings = new WeakMap<Chart, Map<IConstruct, RuleFinding[]>>();
}

const STATES = new WeakMap<IConstruct, AppState>();

/**
 * Makes the validations of the app of `scope` share their results over the whole app (idempotent): a validation on
 * the app root starts each pass, and the app's `synth()` and `synthYaml()` run in one SynthContext.
 */
export function joinAppValidation(scope: IConstruct): AppState {
  const root = scope.node.root;
  let state = STATES.get(root);
  if (!state) {
    const created = new AppState();
    STATES.set(root, created);
    root.node.addValidation({ validate: () => beginPass(root, created) });
    joinSynths(root);
    state = created;
  }
  return state;
}

/** Makes the chart of `scope` checked by the rules over the whole app, at every validation (idempotent). */
export function attachAppRules(scope: IConstruct): void {
  LIBRARY_CONSTRUCTS.add(scope);
  const state = joinAppValidation(scope);
  const chart = Chart.of(scope);
  if (state.checkedCharts.has(chart)) return;
  state.checkedCharts.add(chart);
  chart.node.addValidation({ validate: () => chartErrors(chart, state) });
}

/** Whether the rules check a chart (it holds a construct of the library). */
export function isRuleChecked(chart: Chart): boolean {
  return STATES.get(chart.node.root)?.checkedCharts.has(chart) ?? false;
}

/** The root's validation: outside a synth, a new pass starts. */
function beginPass(root: IConstruct, state: AppState): string[] {
  if (SynthContext.of(root)) return [];
  const pass = new ValidationPass(new Set([...state.checkedCharts, ...findAll(root).filter(isDeployer)]));
  state.pass = pass;
  queueMicrotask(() => {
    if (state.pass === pass) state.pass = undefined;
  });
  return [];
}

/**
 * The value of `build` shared by the validations of one synth (or one validation pass) of the app of `consumer`;
 * `consumer` is a chart or an Argo CD Application, and takes the value of a pass once.
 */
export function sharedInValidation<T>(consumer: IConstruct, key: string, build: () => T): T {
  const ctx = SynthContext.of(consumer);
  if (ctx) return ctx.result(key, build);
  const state = STATES.get(consumer.node.root);
  const pass = state?.pass;
  if (!state || !pass || !pass.pending.has(consumer)) return build();
  pass.pending.delete(consumer);
  if (pass.pending.size === 0) state.pass = undefined;
  if (!pass.values.has(key)) pass.values.set(key, build());
  return pass.values.get(key) as T;
}

/** The rule errors about a chart's objects, formatted; its warnings are kept for `chartWarnings()`. */
function chartErrors(chart: Chart, state: AppState): string[] {
  const root = chart.node.root;
  const run = sharedInValidation(chart, 'rules', () => runRules(root, state));
  const findings = run.byChart.get(chart) ?? [];
  keepWarnings(state, chart, CanaryRules.warnings(findings));
  return CanaryRules.errors(findings).map(f => CanaryRules.format(f));
}

/**
 * Keeps the warnings of the last validation of `scope` (a chart, or a construct that runs rules itself, such as an
 * Argo CD Application) for `chartWarnings()` of its chart.
 */
export function recordWarnings(scope: IConstruct, findings: RuleFinding[]): void {
  keepWarnings(joinAppValidation(scope), scope, findings);
}

function keepWarnings(state: AppState, scope: IConstruct, findings: RuleFinding[]): void {
  const chart = Chart.of(scope);
  let byScope = state.warnings.get(chart);
  if (!byScope) {
    byScope = new Map();
    state.warnings.set(chart, byScope);
  }
  if (!byScope.has(chart)) byScope.set(chart, []); // the chart's own come first
  byScope.set(scope, findings);
}

/** Warnings found by the last validation of a chart and of the constructs in it that run rules themselves. */
export function chartWarnings(chart: Chart): RuleFinding[] {
  return [...(STATES.get(chart.node.root)?.warnings.get(chart)?.values() ?? [])].flat();
}

/**
 * One rule run over the app, its findings grouped by the checked chart they are reported at: the chart of the object
 * each concerns; for an object defined twice (CR308) whose later definition is in a chart the rules do not check, the
 * chart of the other definition.
 */
function runRules(root: IConstruct, state: AppState): AppRun {
  const byChart = new Map<Chart, RuleFinding[]>();
  // A Rollout without a container (its own, or its workloadRef Deployment's) cannot be rendered: its own validation
  // says what to do; the rules would only add cdk8s-plus's less helpful error.
  // an Argo CD Application runs the Argo CD rules itself, over the objects it deploys
  const objects = appObjects(root).filter(o => !(o.node.scope && isDeployer(o.node.scope)));
  if (objects.some(o => o.kind === 'Rollout' && podContainers(o.node.scope)?.length === 0)) return { byChart };
  const { inputs, charts } = inputsWithCharts(root, objects, toJson);
  const ownerOf = new Map(inputs.map((input, i) => [input.origin, objects[i].node.scope]));
  const findings = CanaryRules.checkInputs(inputs).filter(f => !ownedByConstruct(ownerOf.get(f.origin), f));
  for (const f of oncePerConstruct(findings, g => libraryOwner(ownerOf.get(g.origin!)))) {
    const chart = [f.origin, ...(f.related ?? [])].map(o => o && charts.get(o)).find(c => c && state.checkedCharts.has(c));
    if (!chart) continue;
    const list = byChart.get(chart);
    if (list) list.push(f);
    else byChart.set(chart, [f]);
  }
  return { byChart };
}

/** The containers of the pods of the construct of a Rollout (ArgoRollout: its own, or its workloadRef Deployment's). */
function podContainers(rollout: any): unknown[] | undefined {
  return rollout?.workloadRef ? rollout.workloadRef.deployment?.containers : rollout?.containers;
}

/** The constructs of the library that make API objects from their props (those that attach the app's rules). */
const LIBRARY_CONSTRUCTS = new WeakSet<IConstruct>();

/**
 * The construct of the library that made an object (its parent), or undefined for the user's own objects (a chart's
 * own objects among them: no construct of the library is a chart).
 */
function libraryOwner(parent: IConstruct | undefined): IConstruct | undefined {
  return parent && LIBRARY_CONSTRUCTS.has(parent) && !Chart.isChart(parent) ? parent : undefined;
}

/**
 * One report per problem of a construct: findings with the same code, message and fix about objects that one
 * construct of the library made (a route policy's CR232 on each weighted route of its ingress and mesh
 * VirtualServices) come from one prop, which one fix changes. The first is kept and names the other places; the
 * order is otherwise unchanged. Findings without an owner (the user's own objects) are each kept.
 */
export function oncePerConstruct(findings: RuleFinding[], ownerOf: (f: RuleFinding) => IConstruct | undefined): RuleFinding[] {
  const first = new Map<string, { finding: RuleFinding; others: string[] }>();
  const kept: Array<{ finding: RuleFinding; others: string[] }> = [];
  const ids = new Map<IConstruct, number>();
  for (const f of findings) {
    const owner = f.origin ? ownerOf(f) : undefined;
    if (!owner) {
      kept.push({ finding: f, others: [] });
      continue;
    }
    if (!ids.has(owner)) ids.set(owner, ids.size);
    const key = JSON.stringify([ids.get(owner), f.code, f.message, f.fix]);
    const known = first.get(key);
    if (known) {
      known.others.push(`${f.object} ${f.path}`);
      continue;
    }
    const entry = { finding: f, others: [] };
    first.set(key, entry);
    kept.push(entry);
  }
  return kept.map(({ finding, others }) => (others.length === 0 ? finding
    : { ...finding, message: `${finding.message} (the same at ${others.join(', ')}: one construct made them all)` }));
}

/**
 * Whether the construct that made the object of a finding reports the same problem itself (one report per problem):
 * a construct of the library may say so with `_ownsRuleFinding(code, path)`.
 */
function ownedByConstruct(owner: IConstruct | undefined, f: RuleFinding): boolean {
  return typeof (owner as any)?._ownsRuleFinding === 'function' && (owner as any)._ownsRuleFinding(f.code, f.path);
}

/** The API objects under `scope`, in construct-tree order. */
export function appObjects(scope: IConstruct): ApiObject[] {
  return findAll(scope).filter((c): c is ApiObject => ApiObject.isApiObject(c));
}

/** The rule inputs of API objects (`json` gives their manifests), each with its origin, and the chart of each origin. */
export function inputsWithCharts(root: IConstruct, objects: ApiObject[], json: (o: ApiObject) => any):
{ inputs: ManifestInput[]; charts: Map<ManifestOrigin, Chart> } {
  const targets = deploymentTargets(root);
  const charts = new Map<ManifestOrigin, Chart>();
  const inputs = objects.map(o => {
    const chart = Chart.of(o);
    const target = targets.get(chart);
    const origin: ManifestOrigin = {
      path: o.node.path,
      unit: `chart ${chart.node.path}`,
      defaultNamespace: target?.namespace,
      cluster: target?.cluster,
    };
    charts.set(origin, chart);
    return { manifest: json(o), origin };
  });
  return { inputs, charts };
}

/** Whether a construct deploys charts (an Argo CD Application). */
function isDeployer(c: IConstruct): boolean {
  return typeof (c as any)._chartDeployment === 'function';
}

/**
 * The cluster and default namespace of each chart that Argo CD Applications of the app deploy. A chart deployed to
 * two clusters (or with two default namespaces) has none: it is in no single one.
 */
function deploymentTargets(root: IConstruct): Map<Chart, { cluster?: string; namespace?: string }> {
  const seen = new Map<Chart, { clusters: Set<string>; namespaces: Set<string | undefined> }>();
  for (const c of findAll(root)) {
    if (!isDeployer(c)) continue;
    const d: ChartDeployment = (c as any)._chartDeployment();
    for (const chart of d.charts) {
      const entry = seen.get(chart) ?? { clusters: new Set<string>(), namespaces: new Set<string | undefined>() };
      entry.clusters.add(d.cluster);
      entry.namespaces.add(d.namespace);
      seen.set(chart, entry);
    }
  }
  const targets = new Map<Chart, { cluster?: string; namespace?: string }>();
  for (const [chart, { clusters, namespaces }] of seen) {
    targets.set(chart, {
      cluster: clusters.size === 1 ? [...clusters][0] : undefined,
      namespace: namespaces.size === 1 ? [...namespaces][0] : undefined,
    });
  }
  return targets;
}
