// The `ignoreDifferences` entries an Argo CD Application needs for the fields the Argo Rollouts controller writes at
// runtime, computed from the objects (plain JSON manifests) the Application deploys. Checked against the sync
// model of this folder: every Application the library generates passes the situations of scenarios.ts.
//
// Every expression is written so that Argo CD never skips it: `[]?` wherever a list may be missing (a redirect or
// direct-response route has no `route`; gojq fails on `null[]` and Argo CD then drops the expression,
// util/argo/normalizers/diff_normalizer.go), and each entry is scoped to one object by name and namespace.
import { HASH_LABEL, MANAGED_BY_ANNOTATION } from './controller';
import { IgnoreEntry, IGNORE_ENTRY_FIELDS } from './ignore-entry';
import { apiGroup } from './json';
import { compareCodeUnits } from '../format';
import { drainsDeployment } from '../workload-ref';

/** A manifest and the namespace it lands in (its own, or the Application's destination namespace). */
export interface PlacedManifest {
  readonly manifest: any;
  readonly namespace?: string;
}

export const ISTIO_GROUP = 'networking.istio.io';
export const ROLLOUTS_GROUP = 'argoproj.io';
/** The managed-by annotation as an RFC 6901 pointer (`~1` is the escape of `/`). */
export const MANAGED_BY_POINTER = `/metadata/annotations/${MANAGED_BY_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
/** The subsets' hash labels. */
export const HASH_LABEL_JQ = `.spec.subsets[]?.labels[${q(HASH_LABEL)}]`;

/** jq string literal (JSON string syntax is valid jq). */
function q(value: string): string {
  return JSON.stringify(value);
}

/** `.name == "a" or .name == "b"` */
function nameIs(names: string[]): string {
  return names.map(n => `.name == ${q(n)}`).join(' or ');
}

/** Namespaces are equal, or one of them is unknown (the object lands in whatever namespace Argo CD applies it to). */
function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** A Rollout's reference to a VirtualService (`name` or `name.namespace`, as the controller reads it). */
interface VsRef {
  readonly name: string;
  readonly namespace?: string;
  readonly routes?: string[];
  readonly tlsRoutes?: any[];
  readonly tcpRoutes?: any[];
}

/** The mutable entry being collected for one object. */
interface Draft {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers: string[];
  readonly jqPathExpressions: string[];
}

/** Collects, per target object, the paths the controller writes; entries are sorted at the end. */
class EntryCollector {
  private readonly entries = new Map<string, Draft>();

  public add(target: PlacedManifest, paths: { jq?: string[]; pointers?: string[] }): void {
    const m = target.manifest;
    const group = apiGroup(m.apiVersion);
    const key = JSON.stringify([group, m.kind, target.namespace ?? '', m.metadata?.name ?? '']);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { group, kind: m.kind, name: m.metadata?.name, namespace: target.namespace, jsonPointers: [], jqPathExpressions: [] };
      this.entries.set(key, entry);
    }
    for (const p of paths.pointers ?? []) if (!entry.jsonPointers.includes(p)) entry.jsonPointers.push(p);
    for (const p of paths.jq ?? []) if (!entry.jqPathExpressions.includes(p)) entry.jqPathExpressions.push(p);
  }

  public sorted(): IgnoreEntry[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([, e]) => rendered({ ...e, jsonPointers: nonEmpty(e.jsonPointers), jqPathExpressions: nonEmpty(e.jqPathExpressions) }));
  }
}

function nonEmpty(list: string[]): string[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** The entry with its fields in rendering order and without undefined ones. */
export function rendered(e: IgnoreEntry): IgnoreEntry {
  const out: any = {};
  for (const k of IGNORE_ENTRY_FIELDS) {
    const v = e[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? [...v] : v;
  }
  return out;
}

/** The objects of the kinds the computation reads, in input order. */
interface Objects {
  readonly rollouts: PlacedManifest[];
  readonly virtualServices: PlacedManifest[];
  readonly destinationRules: PlacedManifest[];
  readonly autoscalers: PlacedManifest[];
  readonly deployments: PlacedManifest[];
}

function byKind(objects: PlacedManifest[]): Objects {
  const out: Objects = { rollouts: [], virtualServices: [], destinationRules: [], autoscalers: [], deployments: [] };
  for (const o of objects) {
    const m = o.manifest;
    if (!m) continue;
    const group = apiGroup(m.apiVersion);
    if (m.kind === 'Rollout' && group === ROLLOUTS_GROUP) out.rollouts.push(o);
    else if (m.kind === 'VirtualService' && group === ISTIO_GROUP) out.virtualServices.push(o);
    else if (m.kind === 'DestinationRule' && group === ISTIO_GROUP) out.destinationRules.push(o);
    else if (m.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') out.autoscalers.push(o);
    else if (m.kind === 'Deployment' && group === 'apps') out.deployments.push(o);
  }
  const key = (o: PlacedManifest) => JSON.stringify([o.namespace ?? '', o.manifest.metadata?.name ?? '']);
  out.rollouts.sort((a, b) => compareCodeUnits(key(a), key(b)));
  return out;
}

/**
 * The ignoreDifferences entries for the objects an Application deploys, one per object, sorted by group, kind,
 * namespace and name:
 *
 * - VirtualService (each one a Rollout's `trafficRouting.istio` references): the destination weights of the routes
 *   the controller patches (http, tls, tcp), the managed routes it inserts and removes (setHeaderRoute /
 *   setMirrorRoute, by name), and the experiment destinations it appends (experiment steps with a weight);
 * - DestinationRule (`trafficRouting.istio.destinationRule`): the `rollouts-pod-template-hash` subset labels, the
 *   `managed-by-rollouts` annotation (by JSON pointer: a map key, applied per key), and experiment subsets;
 * - Rollout: `/spec/replicas` when a HorizontalPodAutoscaler scales it;
 * - Deployment a Rollout migrates from (`workloadRef` with `scaleDown` onsuccess or progressively) that still has
 *   replicas in git: `/spec/replicas`, which the controller drains (docs/migration.md says what this survives).
 */
export function computeIgnoreDifferences(objects: PlacedManifest[]): IgnoreEntry[] {
  const collector = new EntryCollector();
  const found = byKind(objects);
  for (const rollout of found.rollouts) addRollout(collector, rollout, found);
  for (const hpa of found.autoscalers) {
    const target = hpa.manifest.spec?.scaleTargetRef;
    if (!target || target.kind !== 'Rollout' || apiGroup(target.apiVersion) !== ROLLOUTS_GROUP) continue;
    const rollout = found.rollouts.find(r => r.manifest.metadata?.name === target.name && sameNamespace(r.namespace, hpa.namespace));
    if (rollout) collector.add(rollout, { pointers: ['/spec/replicas'] });
  }
  for (const rollout of found.rollouts) addDrainedDeployment(collector, rollout, found);
  return collector.sorted();
}

/** The replicas of the Deployment a Rollout drains during a migration (git still has the old count). */
function addDrainedDeployment(collector: EntryCollector, rollout: PlacedManifest, found: Objects): void {
  const ref = rollout.manifest.spec?.workloadRef;
  if (!drainsDeployment(ref) || ref.kind !== 'Deployment' || apiGroup(ref.apiVersion) !== 'apps') return;
  const deployment = found.deployments.find(d => d.manifest.metadata?.name === ref.name && sameNamespace(d.namespace, rollout.namespace));
  if (deployment && deployment.manifest.spec?.replicas !== 0) collector.add(deployment, { pointers: ['/spec/replicas'] });
}

/** The entries for the traffic objects of one Rollout. */
function addRollout(collector: EntryCollector, rollout: PlacedManifest, found: Objects): void {
  const canary = rollout.manifest.spec?.strategy?.canary;
  const istio = canary?.trafficRouting?.istio;
  if (!istio) return;
  const managedRoutes = managedRouteNames(canary);
  const weightedExperiment = (Array.isArray(canary.steps) ? canary.steps : [])
    .some((s: any) => (s?.experiment?.templates ?? []).some((t: any) => t?.weight !== undefined && t?.weight !== null));

  for (const ref of virtualServiceRefs(istio, rollout.namespace)) {
    const vs = found.virtualServices.find(o => o.manifest.metadata?.name === ref.name && sameNamespace(o.namespace, ref.namespace));
    if (vs) collector.add(vs, { jq: virtualServicePaths(vs.manifest, ref, managedRoutes, weightedExperiment, istio.destinationRule !== undefined) });
  }

  const drName: string | undefined = istio.destinationRule?.name;
  // the controller looks the DestinationRule up in the Rollout's namespace, by its plain name
  const dr = drName
    ? found.destinationRules.find(o => o.manifest.metadata?.name === drName && sameNamespace(o.namespace, rollout.namespace))
    : undefined;
  if (dr) {
    const jq = [HASH_LABEL_JQ];
    if (weightedExperiment) {
      const names: string[] = (dr.manifest.spec?.subsets ?? []).map((s: any) => s?.name).filter((n: any) => typeof n === 'string');
      jq.push(names.length === 0 ? '.spec.subsets[]?' : `.spec.subsets[]? | select(${names.map(n => `.name != ${q(n)}`).join(' and ')})`);
    }
    collector.add(dr, { jq, pointers: [MANAGED_BY_POINTER] });
  }
}

/** `virtualService` or `virtualServices[]`; a name `vs.ns` points into namespace `ns` (as the controller reads it). */
function virtualServiceRefs(istio: any, rolloutNamespace: string | undefined): VsRef[] {
  const raw: any[] = istio.virtualService ? [istio.virtualService] : Array.isArray(istio.virtualServices) ? istio.virtualServices : [];
  return raw.filter(r => typeof r?.name === 'string' && r.name.length > 0).map(r => {
    const dot = r.name.indexOf('.');
    return {
      name: dot > 0 ? r.name.slice(0, dot) : r.name,
      namespace: dot > 0 ? r.name.slice(dot + 1) : rolloutNamespace,
      routes: Array.isArray(r.routes) && r.routes.length > 0 ? r.routes : undefined,
      tlsRoutes: Array.isArray(r.tlsRoutes) && r.tlsRoutes.length > 0 ? r.tlsRoutes : undefined,
      tcpRoutes: Array.isArray(r.tcpRoutes) && r.tcpRoutes.length > 0 ? r.tcpRoutes : undefined,
    };
  });
}

/** The http routes the controller inserts and deletes: `managedRoutes[]` plus any route a step names, sorted. */
export function managedRouteNames(canary: any): string[] {
  const names = new Set<string>();
  for (const r of canary?.trafficRouting?.managedRoutes ?? []) {
    if (typeof r?.name === 'string') names.add(r.name);
  }
  for (const s of canary?.steps ?? []) {
    for (const n of [s?.setHeaderRoute?.name, s?.setMirrorRoute?.name]) {
      if (typeof n === 'string') names.add(n);
    }
  }
  return [...names].sort(compareCodeUnits);
}

/** The jq path of some routes of one kind, and the git routes it selects. */
interface Scope {
  /** A path to route objects, ending in `]`, `]?` or `| ` so that `.route` can follow. */
  readonly path: string;
  readonly routes: any[];
}

/** A path below the routes of a scope: `.spec.http[]?.route[]?` or `.spec.http[]? | select(...) | .route[]?`. */
function under(scope: Scope, rest: string): string {
  return `${scope.path}.${rest}`;
}

/**
 * The jq paths of one VirtualService that the controller writes for one Rollout: the weights of each scope (the
 * routes SetWeight patches: all git routes of a kind, or those the Rollout names), the experiment destinations it
 * appends there, and the managed routes, selected by name wherever they are.
 */
function virtualServicePaths(vs: any, ref: VsRef, managedRoutes: string[], weightedExperiment: boolean, subsetMode: boolean): string[] {
  const http: any[] = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const tls: any[] = Array.isArray(vs.spec?.tls) ? vs.spec.tls : [];
  const tcp: any[] = Array.isArray(vs.spec?.tcp) ? vs.spec.tcp : [];
  const scopes: Scope[] = [
    ...(http.length > 0 ? [httpScope(http, ref.routes, managedRoutes)] : []),
    ...(tls.length > 0 ? indexScopes('tls', tls, ref.tlsRoutes ? matchingIndexes(tls, ref.tlsRoutes, tlsMatches) : [0]) : []),
    ...(tcp.length > 0 ? indexScopes('tcp', tcp, ref.tcpRoutes ? matchingIndexes(tcp, ref.tcpRoutes, tcpMatches) : [0]) : []),
  ];
  const paths = scopes.map(s => under(s, 'route[]?.weight'));
  if (weightedExperiment) paths.push(...scopes.map(s => `${under(s, 'route[]?')} | select(${experimentDestinationFilter(s.routes, subsetMode)})`));
  if (http.length > 0 && managedRoutes.length > 0) paths.push(`.spec.http[]? | select(${nameIs(managedRoutes)})`);
  return paths;
}

/** Every http route when SetWeight patches all the routes git has, else the routes the Rollout names, by name. */
function httpScope(http: any[], routes: string[] | undefined, managedRoutes: string[]): Scope {
  const gitRoutes = http.filter(r => !managedRoutes.includes(r?.name));
  const patchesAll = routes === undefined || gitRoutes.every(r => typeof r?.name === 'string' && routes.includes(r.name));
  if (patchesAll) return { path: '.spec.http[]?', routes: gitRoutes };
  const named = routes.filter(n => http.some(r => r?.name === n));
  return { path: `.spec.http[]? | select(${nameIs(named)}) | `, routes: http.filter(r => named.includes(r?.name)) };
}

function matchingIndexes(all: any[], refs: any[], matches: (route: any, ref: any) => boolean): number[] {
  return all.map((r, i) => (refs.some(t => matches(r, t)) ? i : -1)).filter(i => i >= 0);
}

/** tls/tcp routes by index (the controller never reorders them), or all of them. */
function indexScopes(kind: 'tls' | 'tcp', all: any[], indexes: number[]): Scope[] {
  // no match: the Rollout is invalid (the controller reports it); fall back to every route so nothing is missed
  if (indexes.length === 0 || indexes.length === all.length) return [{ path: `.spec.${kind}[]?`, routes: all }];
  return indexes.map(i => ({ path: `.spec.${kind}[${i}]`, routes: [all[i]] }));
}

/** A tls route matches when all its match entries share one port equal to the ref's port and the SNI host sets are equal. */
function tlsMatches(route: any, ref: any): boolean {
  if (!tcpMatches(route, ref)) return false;
  const matches: any[] = Array.isArray(route?.match) ? route.match : [];
  const hosts = new Set<string>(matches.flatMap(m => (Array.isArray(m?.sniHosts) ? m.sniHosts : [])));
  const want = new Set<string>(Array.isArray(ref?.sniHosts) ? ref.sniHosts : []);
  return hosts.size === want.size && [...want].every(h => hosts.has(h));
}

function tcpMatches(route: any, ref: any): boolean {
  const matches: any[] = Array.isArray(route?.match) ? route.match : [];
  const ports = new Set(matches.map(m => m?.port));
  return ports.size === 1 && [...ports][0] === ref?.port;
}

/**
 * Selects the destinations an experiment step appends (`{destination: {host: <experiment service>}, weight}`),
 * and nothing that is in git: in subset mode every git destination names a subset and the appended ones do not;
 * otherwise the appended ones have a host that no git destination of the route has.
 */
function experimentDestinationFilter(routes: any[], subsetMode: boolean): string {
  const destinations: any[] = routes.flatMap(r => (Array.isArray(r?.route) ? r.route : []));
  if (subsetMode && destinations.every(d => typeof d?.destination?.subset === 'string' && d.destination.subset.length > 0)) {
    return '.destination.subset == null';
  }
  const hosts = [...new Set<string>(destinations.map(d => d?.destination?.host).filter((h: any) => typeof h === 'string'))].sort(compareCodeUnits);
  return hosts.length === 0 ? 'true' : hosts.map(h => `.destination.host != ${q(h)}`).join(' and ');
}
