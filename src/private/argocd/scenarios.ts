// The five day-two situations of issue 15, played on the sync model (sync.ts) and the controller model
// (controller.ts) for one Application (JSON) and the manifests it delivers:
//   S1 an unrelated sync at every step of a canary: the traffic objects stay Synced and nothing resets them;
//   S2 a route edit at rest (git adds `timeout`): shown OutOfSync, applied, then Synced;
//   S3 the same edit at every step of a canary: applied; the weight flap and lost managed routes are its cost;
//   S4 a subset edit at rest (git adds a trafficPolicy to the stable subset): applied, hash labels back, Synced;
//   S5 S1 and S2 again with a redirect route (no destinations) in every VirtualService.
// "At rest" is after a whole canary ran (so the controller has written every field it ever writes).
import { CANARY_HASH, HASH_LABEL, LiveObjects, MANAGED_BY_ANNOTATION, reconcile, repair, RolloutPhase, RolloutTraffic, STABLE_HASH } from './controller';
import { clone, deepEqual, getPath, isApplicationManifest, isObject, objectKey } from './json';
import { recordWrite } from './managed-fields';
import { argoCdVersion, ArgoCdVersion, ClusterObject, diffObject, SyncSettings, syncObjects, syncSettings } from './sync';
import { costOf, managedRoutesIn, TrafficEditCost, weightsOf } from './traffic-edit';

/** The field manager of the Argo Rollouts controller's writes (its binary name; it sets no FieldManager). */
export const ROLLOUTS_MANAGER = 'rollouts-controller';

/** The situations. */
export type ScenarioId = 'S1' | 'S2' | 'S3' | 'S4' | 'S5';

/** What the model concluded for one object. */
export interface ObjectVerdict {
  readonly key: string;
  readonly pass: boolean;
  readonly reason: string;
}

/** What a route edit mid-canary (S3) cost at one step. */
export type S3Cost = TrafficEditCost;

/** One situation for one Rollout on one Argo CD version. */
export interface ScenarioResult {
  readonly scenario: ScenarioId;
  readonly rollout: string;
  readonly version: string;
  readonly pass: boolean;
  readonly objects: ObjectVerdict[];
  /** S3 only: per step. */
  readonly costs: S3Cost[];
}

/** An Application and what it deploys (plain JSON, as committed to git). */
export interface ScenarioInput {
  readonly application: any;
  readonly manifests: any[];
  /** An Argo CD release, e.g. "3.3.12" or "3.5.1". */
  readonly version: string;
  /** Only these situations (default: all five). */
  readonly only?: ReadonlyArray<ScenarioId>;
}

/** The five situations (or those of `only`) for every Rollout (with Istio traffic routing) the Application deploys. */
export function runScenarios(input: ScenarioInput): ScenarioResult[] {
  const version = argoCdVersion(input.version);
  const settings = syncSettings(input.application);
  const git = placeManifests(input.manifests, input.application);
  const rollouts = [...git.values()].filter(m => m.kind === 'Rollout' && m.spec?.strategy?.canary?.trafficRouting?.istio);
  const results: ScenarioResult[] = [];
  for (const rollout of rollouts) {
    const rt = new RolloutTraffic(rollout);
    const env: Env = { settings, version, rt, worlds: new Map() };
    const run: { [id in ScenarioId]: () => ScenarioResult } = {
      S1: () => result('S1', env, s1(env, git)),
      S2: () => result('S2', env, s2(env, git)),
      S3: () => s3(env, git),
      S4: () => result('S4', env, s4(env, git)),
      S5: () => {
        const withRedirect = addRedirectRoutes(git, rt);
        return result('S5', env, [...prefixed('S1', s1(env, withRedirect)), ...prefixed('S2', s2(env, withRedirect))]);
      },
    };
    for (const id of SCENARIOS) if (!input.only || input.only.includes(id)) results.push(run[id]());
  }
  return results;
}

/** The situations, in the order they are run and reported. */
const SCENARIOS: ScenarioId[] = ['S1', 'S2', 'S3', 'S4', 'S5'];

interface Env {
  readonly settings: SyncSettings;
  readonly version: ArgoCdVersion;
  readonly rt: RolloutTraffic;
  /** The worlds of each git (see `world`), computed once: S1 and S3 share them, and each builds on the one before. */
  readonly worlds: Map<Map<string, any>, Worlds>;
}

function result(scenario: ScenarioId, env: Env, objects: ObjectVerdict[], costs: S3Cost[] = []): ScenarioResult {
  return { scenario, rollout: env.rt.name, version: env.version.version, pass: objects.every(o => o.pass), objects, costs };
}

function prefixed(label: string, verdicts: ObjectVerdict[]): ObjectVerdict[] {
  return verdicts.map(v => ({ ...v, reason: `${label} with a redirect route: ${v.reason}` }));
}

// ---------------------------------------------------------------------------------------------------
// The world: git, the cluster, and the steps that lead to a situation

/** Git objects by key; objects without a namespace get the Application's destination namespace. */
export function placeManifests(manifests: any[], application: any): Map<string, any> {
  const ns: string | undefined = application?.spec?.destination?.namespace;
  const out = new Map<string, any>();
  for (const m of manifests) {
    if (!isObject(m) || isApplicationManifest(m)) continue;
    const placed = clone(m);
    if (!placed.metadata.namespace && ns) placed.metadata.namespace = ns;
    out.set(objectKey(placed), placed);
  }
  return out;
}

type Cluster = Map<string, ClusterObject>;

/** The controller's writes, recorded with its field manager. */
function controllerWrites(cluster: Cluster, live: LiveObjects, written: ReadonlyArray<string>): Cluster {
  const out = new Map(cluster);
  for (const key of written) {
    const obj = cluster.get(key)!;
    out.set(key, { ...obj, live: live.get(key), owners: recordWrite(obj.owners, obj.live, live.get(key), ROLLOUTS_MANAGER) });
  }
  return out;
}

function trafficKeys(rt: RolloutTraffic): string[] {
  return [...rt.virtualServices.map(v => v.key), ...(rt.destinationRule ? [rt.destinationRule.key] : [])];
}

function trafficLive(cluster: Cluster, rt: RolloutTraffic): LiveObjects {
  const out: LiveObjects = new Map();
  for (const k of trafficKeys(rt)) {
    const o = cluster.get(k);
    if (!o) throw new Error(`${k}, referenced by Rollout ${rt.name}, is not among the Application's objects`);
    out.set(k, o.live);
  }
  return out;
}

/** Runs the controller over a whole phase sequence, recording its writes. */
function runController(cluster: Cluster, rt: RolloutTraffic, phases: RolloutPhase[]): Cluster {
  let c = cluster;
  for (const phase of phases) {
    const r = reconcile(rt, phase, trafficLive(c, rt));
    c = controllerWrites(c, r.live, r.written);
  }
  return c;
}

/** The first deploy of `git`, then the controller at rest for every Rollout and the autoscalers' replicas. */
function deploy(env: Env, git: Map<string, any>): Cluster {
  let cluster = syncObjects(new Map(), git, env.settings, env.version).cluster;
  for (const m of git.values()) {
    if (m.kind === 'Rollout' && m.spec?.strategy?.canary?.trafficRouting?.istio) {
      cluster = runController(cluster, new RolloutTraffic(m), [{ kind: 'rest' }]);
    }
  }
  return scaleByAutoscalers(cluster, git);
}

/** A HorizontalPodAutoscaler on a Rollout sets its spec.replicas (to maxReplicas in the model). */
function scaleByAutoscalers(cluster: Cluster, git: Map<string, any>): Cluster {
  const out = new Map(cluster);
  for (const hpa of git.values()) {
    const target = hpa.kind === 'HorizontalPodAutoscaler' ? hpa.spec?.scaleTargetRef : undefined;
    if (target?.kind !== 'Rollout') continue;
    const key = objectKey({ apiVersion: target.apiVersion, kind: 'Rollout', metadata: { namespace: hpa.metadata.namespace, name: target.name } });
    const obj = out.get(key);
    if (!obj) continue;
    const live = clone(obj.live);
    live.spec.replicas = hpa.spec.maxReplicas;
    out.set(key, { ...obj, live, owners: recordWrite(obj.owners, obj.live, live, 'horizontal-pod-autoscaler') });
  }
  return out;
}

/** Git with a new image for the Rollout: the release whose canary the situations run in. */
function released(git: Map<string, any>, rt: RolloutTraffic): Map<string, any> {
  return editGit(git, objectKey({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { namespace: rt.namespace, name: rt.name } }), r => {
    const c = r.spec.template.spec.containers[0];
    c.image = `${c.image}-next`;
  });
}

function editGit(git: Map<string, any>, key: string, edit: (obj: any) => void): Map<string, any> {
  const out = new Map(git);
  const obj = clone(git.get(key));
  edit(obj);
  out.set(key, obj);
  return out;
}

/** The cluster at each step of the release's canary and at rest after it, with the release's git. */
interface Worlds {
  readonly git: Map<string, any>;
  /** The cluster at step i: deployed, the release synced, the controller run through steps 0..i. */
  readonly steps: Cluster[];
  /** The cluster after the whole canary, fully promoted. */
  readonly rest: Cluster;
}

/** The cluster and git during the release's canary at step `index` (or at rest after the whole canary). */
function world(env: Env, git0: Map<string, any>, phase: RolloutPhase): { cluster: Cluster; git: Map<string, any> } {
  let w = env.worlds.get(git0);
  if (!w) {
    const git = released(git0, env.rt);
    let cluster = syncObjects(deploy(env, git0), git, env.settings, env.version).cluster;
    const steps: Cluster[] = [];
    for (let i = 0; i < env.rt.steps.length; i++) {
      cluster = runController(cluster, env.rt, [{ kind: 'step', index: i }]);
      steps.push(cluster);
    }
    w = { git, steps, rest: runController(cluster, env.rt, [{ kind: 'rest' }]) };
    env.worlds.set(git0, w);
  }
  return { cluster: phase.kind === 'rest' ? w.rest : w.steps[phase.index], git: w.git };
}

/** A sync of `git`, then the controller's reaction to what it changed. */
function syncAndRepair(env: Env, cluster: Cluster, git: Map<string, any>, phase: RolloutPhase) {
  const sync = syncObjects(cluster, git, env.settings, env.version);
  const changed = [...sync.cluster.keys()].filter(k => !deepEqual(sync.cluster.get(k)!.live, cluster.get(k)?.live));
  const fixed = repair(env.rt, phase, trafficLive(sync.cluster, env.rt), changed);
  const after = controllerWrites(sync.cluster, fixed.live, fixed.written);
  return { sync, afterSync: sync.cluster, after, reconciled: fixed.reconciled };
}

function stepPhases(rt: RolloutTraffic): RolloutPhase[] {
  return rt.steps.map((_, index) => ({ kind: 'step', index }) as RolloutPhase);
}

// ---------------------------------------------------------------------------------------------------
// S1

/** The objects whose controller-written fields a sync must not touch: VirtualServices, DestinationRule, Rollout under an HPA. */
function watchedKeys(rt: RolloutTraffic, git: Map<string, any>): string[] {
  const rolloutKey = objectKey({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { namespace: rt.namespace, name: rt.name } });
  const scaled = [...git.values()].some(h => h.kind === 'HorizontalPodAutoscaler' && h.spec?.scaleTargetRef?.kind === 'Rollout'
    && h.spec.scaleTargetRef.name === rt.name && h.metadata.namespace === rt.namespace);
  return [...trafficKeys(rt), ...(scaled ? [rolloutKey] : [])];
}

function s1(env: Env, git0: Map<string, any>): ObjectVerdict[] {
  const failures = new Map<string, string>();
  for (const phase of stepPhases(env.rt)) {
    const w = world(env, git0, phase);
    const git = new Map(w.git);
    const unrelated = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${env.rt.name}-unrelated`, namespace: env.rt.namespace }, data: { changed: 'yes' } };
    git.set(objectKey(unrelated), unrelated);
    const r = syncAndRepair(env, w.cluster, git, phase);
    for (const key of watchedKeys(env.rt, w.git)) {
      if (failures.has(key)) continue;
      const problem = s1Problem(env, key, w.cluster, r, git);
      if (problem) failures.set(key, `at step ${stepLabel(env.rt, phase)}: ${problem}`);
    }
  }
  return watchedKeys(env.rt, git0).map(key => verdict(key, failures.get(key), 'Synced at every step; the sync left it alone'));
}

function s1Problem(env: Env, key: string, before: Cluster, r: ReturnType<typeof syncAndRepair>, git: Map<string, any>): string | undefined {
  const diff = r.sync.objects.find(o => o.key === key)!.before;
  if (diff.modified) return `shown OutOfSync during the canary${skippedText(diff.skipped)}`;
  const changed = describeChange(before.get(key)!.live, r.afterSync.get(key)!.live);
  if (changed) return `the sync applied it: ${changed}`;
  const after = diffObject(r.after.get(key), git.get(key), env.settings);
  return after.modified ? 'OutOfSync after the sync' : undefined;
}

// ---------------------------------------------------------------------------------------------------
// S2, S3: git adds `timeout: 5s` to the first route SetWeight patches, in every VirtualService with http routes

function routeEdit(env: Env, git: Map<string, any>): { git: Map<string, any>; edited: Map<string, string | number> } {
  let out = git;
  const edited = new Map<string, string | number>();
  for (const ref of env.rt.virtualServices) {
    const http: any[] | undefined = git.get(ref.key)?.spec?.http;
    if (!Array.isArray(http)) continue;
    const i = ref.routes.length > 0 ? http.findIndex(r => r?.name === ref.routes[0]) : http.length === 1 ? 0 : http.findIndex(r => !r?.name);
    if (i < 0) continue;
    edited.set(ref.key, http[i].name ?? i);
    out = editGit(out, ref.key, vs => {
      vs.spec.http[i].timeout = '5s';
    });
  }
  return { git: out, edited };
}

/** The edited route in a live VirtualService (by name; an unnamed one by its position among unnamed routes). */
function hasTimeout(vs: any, route: string | number): boolean {
  const http: any[] = vs?.spec?.http ?? [];
  const r = typeof route === 'string' ? http.find(x => x?.name === route) : http.filter(x => !x?.name)[0];
  return r?.timeout === '5s';
}

function s2(env: Env, git0: Map<string, any>): ObjectVerdict[] {
  const w = world(env, git0, { kind: 'rest' });
  const edit = routeEdit(env, w.git);
  if (edit.edited.size === 0) return [{ key: env.rt.name, pass: true, reason: 'not applicable: no VirtualService with http routes' }];
  const r = syncAndRepair(env, w.cluster, edit.git, { kind: 'rest' });
  return [...edit.edited].map(([key, route]) => verdict(key, editProblem(env, key, route, r, edit.git), 'shown OutOfSync, applied, then Synced'));
}

function editProblem(env: Env, key: string, route: string | number, r: ReturnType<typeof syncAndRepair>, git: Map<string, any>): string | undefined {
  const diff = r.sync.objects.find(o => o.key === key)!.before;
  if (!diff.modified) return `the edit is hidden from the diff (Synced), so it is never applied${skippedText(diff.skipped)}`;
  if (!hasTimeout(r.afterSync.get(key)!.live, route)) {
    return 'shown OutOfSync, but the sync did not apply the edit (RespectIgnoreDifferences applied the live list); it stays OutOfSync';
  }
  if (!hasTimeout(r.after.get(key)!.live, route)) return 'applied, then removed again by the controller';
  const after = diffObject(r.after.get(key), git.get(key), env.settings);
  return after.modified ? `applied, but still OutOfSync afterwards${skippedText(after.skipped)}` : undefined;
}

function s3(env: Env, git0: Map<string, any>): ScenarioResult {
  const failures = new Map<string, string>();
  const costs: S3Cost[] = [];
  let keys: string[] = [];
  for (const phase of stepPhases(env.rt)) {
    const w = world(env, git0, phase);
    const edit = routeEdit(env, w.git);
    keys = [...edit.edited.keys()];
    const r = syncAndRepair(env, w.cluster, edit.git, phase);
    for (const [key, route] of edit.edited) {
      const problem = editProblem(env, key, route, r, edit.git) ?? weightsProblem(env.rt, w.cluster.get(key)!.live, r.after.get(key)!.live);
      if (problem && !failures.has(key)) failures.set(key, `at step ${stepLabel(env.rt, phase)}: ${problem}`);
    }
    costs.push(s3Cost(env, phase, w.cluster, r));
  }
  const objects = keys.map(key => verdict(key, failures.get(key), 'applied at every step, then Synced; weights set back by the controller'));
  return result('S3', env, objects, costs);
}

/** The weights of the routes that are not managed routes must be the step's again after the controller's repair. */
function weightsProblem(rt: RolloutTraffic, before: any, after: any): string | undefined {
  const managed = managedRoutesIn(rt, before);
  return deepEqual(weightsOf(before, managed), weightsOf(after, managed)) ? undefined : 'the controller did not set the step\'s weights back';
}

function s3Cost(env: Env, phase: RolloutPhase, before: Cluster, r: ReturnType<typeof syncAndRepair>): S3Cost {
  const step = phase.kind === 'step' ? phase.index : -1;
  return costOf(env.rt, step, trafficLive(before, env.rt), trafficLive(r.afterSync, env.rt), trafficLive(r.after, env.rt));
}

// ---------------------------------------------------------------------------------------------------
// S4: git adds a trafficPolicy to the stable subset

const STABLE_POLICY = { connectionPool: { tcp: { maxConnections: 100 } } };

function s4(env: Env, git0: Map<string, any>): ObjectVerdict[] {
  const dr = env.rt.destinationRule;
  if (!dr) return [{ key: env.rt.name, pass: true, reason: 'not applicable: no DestinationRule (host-level canary)' }];
  const w = world(env, git0, { kind: 'rest' });
  const git = editGit(w.git, dr.key, obj => {
    const subset = obj.spec.subsets.find((s: any) => s.name === dr.stableSubset);
    subset.trafficPolicy = clone(STABLE_POLICY);
  });
  const r = syncAndRepair(env, w.cluster, git, { kind: 'rest' });
  return [verdict(dr.key, subsetProblem(env, dr.key, r, git), subsetPassText(env, dr.key, r))];
}

function subsetProblem(env: Env, key: string, r: ReturnType<typeof syncAndRepair>, git: Map<string, any>): string | undefined {
  const dr = env.rt.destinationRule!;
  const diff = r.sync.objects.find(o => o.key === key)!.before;
  if (!diff.modified) return `the edit is hidden from the diff (Synced), so it is never applied${skippedText(diff.skipped)}`;
  const stable = (live: any) => (live?.spec?.subsets ?? []).find((s: any) => s.name === dr.stableSubset);
  if (!deepEqual(stable(r.afterSync.get(key)!.live)?.trafficPolicy, STABLE_POLICY)) {
    return 'shown OutOfSync, but the sync did not apply the edit (RespectIgnoreDifferences applied the live subsets); it stays OutOfSync';
  }
  const live = r.after.get(key)!.live;
  if (typeof live.metadata?.annotations?.[MANAGED_BY_ANNOTATION] !== 'string') return 'the sync removed the managed-by annotation';
  if (!hashLabelsPresent(env.rt, live, STABLE_HASH, STABLE_HASH)) {
    return 'the hash labels were stripped and the controller does not put them back until the Rollout is reconciled for another reason';
  }
  const after = diffObject(r.after.get(key), git.get(key), env.settings);
  return after.modified ? `applied, but still OutOfSync afterwards${skippedText(after.skipped)}` : undefined;
}

function subsetPassText(env: Env, key: string, r: ReturnType<typeof syncAndRepair>): string {
  const stripped = !hashLabelsPresent(env.rt, r.afterSync.get(key)!.live, STABLE_HASH, STABLE_HASH);
  return `shown OutOfSync, applied, then Synced${stripped ? '; the apply stripped the hash labels and the controller re-added them at once (managed-by annotation kept)' : ''}`;
}

function hashLabelsPresent(rt: RolloutTraffic, dr: any, canary: string, stable: string): boolean {
  const subsets: any[] = dr?.spec?.subsets ?? [];
  const label = (name: string) => subsets.find(s => s.name === name)?.labels?.[HASH_LABEL];
  return label(rt.destinationRule!.canarySubset) === canary && label(rt.destinationRule!.stableSubset) === stable;
}

// ---------------------------------------------------------------------------------------------------
// S5: a redirect route (no destinations) first in every VirtualService of the Rollout

function addRedirectRoutes(git: Map<string, any>, rt: RolloutTraffic): Map<string, any> {
  let out = git;
  for (const ref of rt.virtualServices) {
    if (!Array.isArray(git.get(ref.key)?.spec?.http)) continue;
    out = editGit(out, ref.key, vs => {
      vs.spec.http.unshift({ name: 'legacy-redirect', match: [{ uri: { prefix: '/old-shop' } }], redirect: { uri: '/shop' } });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------

function verdict(key: string, problem: string | undefined, passText: string): ObjectVerdict {
  return { key, pass: problem === undefined, reason: problem ?? passText };
}

function skippedText(skipped: ReadonlyArray<{ rule: string; reason: string }>): string {
  return skipped.length === 0 ? '' : ` (skipped rule: ${skipped[0].rule}: ${skipped[0].reason})`;
}

function stepLabel(rt: RolloutTraffic, phase: RolloutPhase): string {
  if (phase.kind === 'rest') return 'rest';
  const step = rt.steps[phase.index] ?? {};
  return `${phase.index} (${Object.keys(step)[0] ?? 'step'})`;
}

/** What a write changed in the fields the controller owns, in words (undefined: nothing changed). */
export function describeChange(before: any, after: any): string | undefined {
  if (deepEqual(before, after)) return undefined;
  const parts: string[] = [];
  if (!deepEqual(weightsOf(before), weightsOf(after))) parts.push('weights reset');
  const names = (o: any) => (o?.spec?.http ?? []).map((r: any) => r?.name);
  const removed = names(before).filter((n: any) => n && !names(after).includes(n));
  if (removed.length > 0) parts.push(`routes removed: ${removed.join(', ')}`);
  const labels = (o: any) => (o?.spec?.subsets ?? []).map((s: any) => s?.labels?.[HASH_LABEL])
    .filter((h: any) => h === STABLE_HASH || h === CANARY_HASH);
  if (labels(before).length > labels(after).length) parts.push('hash labels stripped');
  if (getPath(before, ['metadata', 'annotations', MANAGED_BY_ANNOTATION]) !== getPath(after, ['metadata', 'annotations', MANAGED_BY_ANNOTATION])) {
    parts.push('managed-by annotation removed');
  }
  if (getPath(before, ['spec', 'replicas']) !== getPath(after, ['spec', 'replicas'])) parts.push(`replicas reset to ${getPath(after, ['spec', 'replicas'])}`);
  return parts.length > 0 ? parts.join('; ') : 'other fields changed';
}
