// Internal: computes the Argo CD `ignoreDifferences` entries for the fields the Argo Rollouts controller
// changes at runtime, from the synthesized objects (plain JSON manifests) an Application deploys.
// Not exported from the package.
import { compareCodeUnits } from './format';
import { drainsDeployment } from './workload-ref';

/** One rendered `spec.ignoreDifferences[]` entry (the JSON Argo CD reads). */
export interface IgnoreEntry {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
  managedFieldsManagers?: string[];
}

/** A manifest and the namespace it lands in (its own, or the Application's destination namespace). */
export interface PlacedManifest {
  readonly manifest: any;
  readonly namespace?: string;
}

const ISTIO_GROUP = 'networking.istio.io';
const ROLLOUTS_GROUP = 'argoproj.io';
const MANAGED_BY_ANNOTATION_POINTER = '/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts';
const HASH_LABEL_JQ = '.spec.subsets[].labels["rollouts-pod-template-hash"]';

/** The API group of a manifest's apiVersion (`''` for the core group). */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion || !apiVersion.includes('/')) return '';
  return apiVersion.split('/')[0];
}

/** jq string literal (JSON string syntax is valid jq). */
function q(value: string): string {
  return JSON.stringify(value);
}

/** Namespaces are equal, or one of them is unknown (the object lands in whatever namespace Argo CD applies it to). */
function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

interface VsRef {
  readonly name: string;
  readonly namespace?: string;
  readonly routes?: string[];
  readonly tlsRoutes?: any[];
  readonly tcpRoutes?: any[];
}

/**
 * Collects, per target object, the paths the controller mutates. Keys keep insertion order per object, entries
 * are sorted at the end.
 */
class EntryCollector {
  private readonly entries = new Map<string, IgnoreEntry>();

  public add(target: PlacedManifest, paths: { jq?: string[]; pointers?: string[] }): void {
    const m = target.manifest;
    const group = groupOf(m.apiVersion);
    const key = JSON.stringify([group, m.kind, target.namespace ?? '', m.metadata?.name ?? '']);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { group, kind: m.kind, name: m.metadata?.name, namespace: target.namespace };
      this.entries.set(key, entry);
    }
    for (const p of paths.pointers ?? []) {
      entry.jsonPointers = entry.jsonPointers ?? [];
      if (!entry.jsonPointers.includes(p)) entry.jsonPointers.push(p);
    }
    for (const p of paths.jq ?? []) {
      entry.jqPathExpressions = entry.jqPathExpressions ?? [];
      if (!entry.jqPathExpressions.includes(p)) entry.jqPathExpressions.push(p);
    }
  }

  public sorted(): IgnoreEntry[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([, e]) => dropUndefined(e));
  }
}

/** The fields of an entry, in the order they are rendered. */
const ENTRY_FIELDS = ['group', 'kind', 'name', 'namespace', 'jsonPointers', 'jqPathExpressions', 'managedFieldsManagers'];

function dropUndefined(e: IgnoreEntry): IgnoreEntry {
  const out: any = {};
  for (const k of ENTRY_FIELDS) {
    const v = (e as any)[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Computes the ignoreDifferences entries for the objects an Application deploys.
 *
 * - VirtualService (each one referenced by a Rollout's `trafficRouting.istio`): the destination weights of the
 *   routes the controller patches (http, tls, tcp), the managed routes it inserts and removes
 *   (setHeaderRoute / setMirrorRoute), and the experiment destinations it appends (experiment steps with weight).
 * - DestinationRule (referenced by `trafficRouting.istio.destinationRule`): the `rollouts-pod-template-hash`
 *   subset labels, the `managed-by-rollouts` annotation, and experiment subsets.
 * - Rollout: `/spec/replicas` when a HorizontalPodAutoscaler scales it.
 * - Deployment a Rollout migrates from (`workloadRef` with `scaleDown` onsuccess or progressively) that still has
 *   replicas in git: `/spec/replicas`, which the controller drains (docs/migration.md says what this survives).
 */
export function computeIgnoreDifferences(objects: PlacedManifest[]): IgnoreEntry[] {
  const collector = new EntryCollector();
  // the objects of the kinds read below, in input order, found in one pass (instead of a filter or a find over all
  // the objects per kind and per reference)
  const rollouts: PlacedManifest[] = [];
  const virtualServices: PlacedManifest[] = [];
  const destinationRules: PlacedManifest[] = [];
  const autoscalers: PlacedManifest[] = [];
  const deployments: PlacedManifest[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if (!m) continue;
    const group = groupOf(m.apiVersion);
    if (m.kind === 'Rollout' && group === ROLLOUTS_GROUP) rollouts.push(o);
    else if (m.kind === 'VirtualService' && group === ISTIO_GROUP) virtualServices.push(o);
    else if (m.kind === 'DestinationRule' && group === ISTIO_GROUP) destinationRules.push(o);
    else if (m.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') autoscalers.push(o);
    else if (m.kind === 'Deployment' && group === 'apps') deployments.push(o);
  }
  rollouts.sort((a, b) => compareKeys([a.namespace ?? '', a.manifest.metadata?.name ?? ''], [b.namespace ?? '', b.manifest.metadata?.name ?? '']));

  for (const rollout of rollouts) {
    const canary = rollout.manifest.spec?.strategy?.canary;
    const istio = canary?.trafficRouting?.istio;
    if (!istio) continue;
    const steps: any[] = Array.isArray(canary.steps) ? canary.steps : [];
    const managedRoutes = managedRouteNames(canary);
    const weightedExperiment = steps.some(s => (s?.experiment?.templates ?? []).some((t: any) => t?.weight !== undefined && t?.weight !== null));

    for (const ref of virtualServiceRefs(istio, rollout.namespace)) {
      const vs = virtualServices.find(o => o.manifest.metadata?.name === ref.name && sameNamespace(o.namespace, ref.namespace));
      if (!vs) continue;
      collector.add(vs, { jq: virtualServicePaths(vs.manifest, ref, managedRoutes, weightedExperiment, istio.destinationRule !== undefined) });
    }

    const drName: string | undefined = istio.destinationRule?.name;
    if (drName) {
      // the controller looks the DestinationRule up in the Rollout's namespace, by its plain name
      const dr = destinationRules.find(o => o.manifest.metadata?.name === drName && sameNamespace(o.namespace, rollout.namespace));
      if (dr) {
        const jq = [HASH_LABEL_JQ];
        if (weightedExperiment) {
          const names: string[] = (dr.manifest.spec?.subsets ?? []).map((s: any) => s?.name).filter((n: any) => typeof n === 'string');
          jq.push(names.length === 0 ? '.spec.subsets[]' : `.spec.subsets[] | select(${names.map(n => `.name != ${q(n)}`).join(' and ')})`);
        }
        collector.add(dr, { jq, pointers: [MANAGED_BY_ANNOTATION_POINTER] });
      }
    }
  }

  // Rollout replicas owned by an autoscaler
  for (const hpa of autoscalers) {
    const target = hpa.manifest.spec?.scaleTargetRef;
    if (!target || target.kind !== 'Rollout' || groupOf(target.apiVersion) !== ROLLOUTS_GROUP) continue;
    const rollout = rollouts.find(r => r.manifest.metadata?.name === target.name && sameNamespace(r.namespace, hpa.namespace));
    if (rollout) collector.add(rollout, { pointers: ['/spec/replicas'] });
  }

  // Deployment replicas that the controller drains during a migration (git still has the old count)
  for (const rollout of rollouts) {
    const ref = rollout.manifest.spec?.workloadRef;
    if (!drainsDeployment(ref) || ref.kind !== 'Deployment' || groupOf(ref.apiVersion) !== 'apps') continue;
    const deployment = deployments.find(d => d.manifest.metadata?.name === ref.name && sameNamespace(d.namespace, rollout.namespace));
    if (deployment && deployment.manifest.spec?.replicas !== 0) collector.add(deployment, { pointers: ['/spec/replicas'] });
  }

  return collector.sorted();
}

function compareKeys(a: string[], b: string[]): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
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

/** The http routes the controller inserts and deletes: `managedRoutes[]` plus any route named by a step. */
function managedRouteNames(canary: any): string[] {
  const names = new Set<string>();
  for (const r of canary.trafficRouting?.managedRoutes ?? []) {
    if (typeof r?.name === 'string') names.add(r.name);
  }
  for (const s of canary.steps ?? []) {
    for (const n of [s?.setHeaderRoute?.name, s?.setMirrorRoute?.name]) {
      if (typeof n === 'string') names.add(n);
    }
  }
  return [...names].sort();
}

/**
 * The jq paths of one VirtualService that the controller changes for one Rollout.
 *
 * A route "scope" is the jq path of the routes the controller patches: `.spec.http[]` when it patches every route of
 * that kind in git, otherwise one scope per patched route (selected by name for http, by index for tls/tcp, whose
 * order the controller never changes).
 */
function virtualServicePaths(vs: any, ref: VsRef, managedRoutes: string[], weightedExperiment: boolean, subsetMode: boolean): string[] {
  const paths: string[] = [];
  const experiments: string[] = [];
  const http: any[] = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const tls: any[] = Array.isArray(vs.spec?.tls) ? vs.spec.tls : [];
  const tcp: any[] = Array.isArray(vs.spec?.tcp) ? vs.spec.tcp : [];

  const addScopes = (scopes: Array<{ path: string; routes: any[] }>) => {
    for (const s of scopes) paths.push(`${s.path}.route[].weight`);
    if (weightedExperiment) {
      for (const s of scopes) experiments.push(`${s.path}.route[] | select(${experimentDestinationFilter(s.routes, subsetMode)})`);
    }
  };

  if (http.length > 0) {
    addScopes(httpScopes(http, ref.routes, managedRoutes));
  }
  if (tls.length > 0) {
    addScopes(indexScopes('tls', tls, ref.tlsRoutes ? tls.map((r, i) => (ref.tlsRoutes!.some(t => tlsMatches(r, t)) ? i : -1)).filter(i => i >= 0) : [0]));
  }
  if (tcp.length > 0) {
    addScopes(indexScopes('tcp', tcp, ref.tcpRoutes ? tcp.map((r, i) => (ref.tcpRoutes!.some(t => tcpMatches(r, t)) ? i : -1)).filter(i => i >= 0) : [0]));
  }
  paths.push(...experiments);
  if (http.length > 0) {
    for (const name of managedRoutes) paths.push(`.spec.http[] | select(.name == ${q(name)})`);
  }
  return paths;
}

function httpScopes(http: any[], routes: string[] | undefined, managedRoutes: string[]): Array<{ path: string; routes: any[] }> {
  const gitRoutes = http.filter(r => !managedRoutes.includes(r?.name));
  const patchesAll = routes === undefined || gitRoutes.every(r => typeof r?.name === 'string' && routes.includes(r.name));
  if (patchesAll) {
    return [{ path: '.spec.http[]', routes: gitRoutes }];
  }
  return routes
    .filter(n => http.some(r => r?.name === n))
    .map(n => ({ path: `.spec.http[] | select(.name == ${q(n)}) | `, routes: http.filter(r => r?.name === n) }));
}

function indexScopes(kind: 'tls' | 'tcp', all: any[], indexes: number[]): Array<{ path: string; routes: any[] }> {
  // no match: the Rollout is invalid (the controller reports it); fall back to every route so nothing is missed
  if (indexes.length === 0 || indexes.length === all.length) {
    return [{ path: `.spec.${kind}[]`, routes: all }];
  }
  return indexes.map(i => ({ path: `.spec.${kind}[${i}]`, routes: [all[i]] }));
}

/** A tls route matches when all its match entries share one port equal to the ref's port and the SNI host sets are equal. */
function tlsMatches(route: any, ref: any): boolean {
  const matches: any[] = Array.isArray(route?.match) ? route.match : [];
  const ports = new Set(matches.map(m => m?.port));
  if (ports.size !== 1 || [...ports][0] !== ref?.port) return false;
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
  const hosts = [...new Set<string>(destinations.map(d => d?.destination?.host).filter((h: any) => typeof h === 'string'))].sort();
  return hosts.length === 0 ? 'true' : hosts.map(h => `.destination.host != ${q(h)}`).join(' and ');
}

// ---------------------------------------------------------------------------------------------------
// Checks on user-supplied entries

/** The fields of a user entry that the checks read. */
export interface UserEntry {
  readonly group?: string;
  readonly kind: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
  readonly managedFieldsManagers?: string[];
}

/** Minimal glob as Argo CD matches `group` and `kind` (`*` any run, `?` one character). */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp('^' + pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
  return re.test(value);
}

/**
 * If the entry would hide a VirtualService's whole spec or whole route lists from the diff, returns what it hides
 * (for the error message); otherwise undefined.
 */
export function hiddenVirtualServiceRoutes(entry: UserEntry): string | undefined {
  if (!globMatch(entry.group ?? '', ISTIO_GROUP) || !globMatch(entry.kind, 'VirtualService')) return undefined;
  for (const p of entry.jsonPointers ?? []) {
    const segments = p === '' ? [] : p.split('/').slice(1);
    if (hidesRoutes(segments)) return `jsonPointer "${p}"`;
  }
  for (const e of entry.jqPathExpressions ?? []) {
    const segments = jqSegments(e);
    if (segments && hidesRoutes(segments)) return `jqPathExpression "${e}"`;
  }
  if ((entry.managedFieldsManagers ?? []).length > 0) {
    return `managedFieldsManagers ${JSON.stringify(entry.managedFieldsManagers)}`;
  }
  return undefined;
}

/**
 * True for a path at or above one destination of a route: the whole spec, a route list (`/spec/http`), a route
 * (`/spec/http/0`), its destination list (`/spec/http/0/route`) or one destination. Paths below a destination
 * (`.../route/0/weight`) and other fields (`/spec/http/0/match`) pass.
 */
function hidesRoutes(segments: string[]): boolean {
  const isIndex = (x: string) => /^(\d+|\*|-|)$/.test(x);
  if (segments.length === 0) return true;
  if (segments[0] !== 'spec') return false;
  if (segments.length === 1) return true;
  if (!['http', 'tls', 'tcp'].includes(segments[1])) return false;
  if (segments.length === 2) return true;
  if (!isIndex(segments[2])) return false;
  if (segments.length === 3) return true;
  if (segments[3] !== 'route') return false;
  if (segments.length === 4) return true;
  return segments.length === 5 && isIndex(segments[4]);
}

/**
 * Reads a simple jq path (`.spec.http[]`, `.spec["http"][0]`, `.spec | .http`) into segments; undefined when the
 * expression is not a plain path (filters such as `select(...)` scope it to some routes only).
 */
function jqSegments(expression: string): string[] | undefined {
  let s = expression.replace(/\s+/g, '').replace(/\|\./g, '.').replace(/\?/g, '');
  if (s === '.') return [];
  if (!s.startsWith('.')) return undefined;
  const segments: string[] = [];
  while (s.length > 0) {
    let m: RegExpMatchArray | null;
    if ((m = s.match(/^\.([A-Za-z_][A-Za-z0-9_]*)/))) {
      segments.push(m[1]);
    } else if ((m = s.match(/^\.?\["([^"]*)"\]/))) {
      segments.push(m[1]);
    } else if ((m = s.match(/^\.?\[(\d*)\]/))) {
      segments.push(m[1] === '' ? '*' : m[1]);
    } else {
      return undefined;
    }
    s = s.slice(m[0].length);
  }
  return segments;
}
