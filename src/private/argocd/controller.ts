// The Argo Rollouts controller's writes to Istio objects (argo-rollouts rollout/trafficrouting.go
// reconcileTrafficRouting and rollout/trafficrouting/istio/istio.go), for a canary read from the Rollout spec, and
// its repair after someone else (Argo CD) rewrote those objects. Plain JSON in, plain JSON out.
//
// Assumptions: the new ReplicaSet is available and at its desired count at every step (no abort, no rollback, no
// dynamic stable scale); an experiment runs exactly while its step is the current step; the stable and canary
// ReplicaSet hashes are the constants below; the experiment service of a template is its `service.name`, or
// `<rollout>-<template>` in place of the ReplicaSet name the controller would use.
import { clone, deepEqual, isObject, objectKey } from './json';

/** The `rollouts-pod-template-hash` of the stable ReplicaSet in the model. */
export const STABLE_HASH = '6d8f7c9b5f';
/** The `rollouts-pod-template-hash` of the canary ReplicaSet in the model. */
export const CANARY_HASH = '7b9d5f4c8d';
/** v1alpha1.ManagedByRolloutsKey */
export const MANAGED_BY_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';
/** v1alpha1.DefaultRolloutUniqueLabelKey */
export const HASH_LABEL = 'rollouts-pod-template-hash';

/** Where a Rollout is: at rest (fully promoted), or at a canary step (the index into `canary.steps`). */
export type RolloutPhase = { readonly kind: 'rest' } | { readonly kind: 'step'; readonly index: number };

/** One VirtualService reference of a Rollout (`virtualService` or `virtualServices[]`). */
export interface VirtualServiceRef {
  readonly key: string;
  readonly routes: string[];
  readonly tlsRoutes: any[];
  readonly tcpRoutes: any[];
}

/** An experiment destination (v1alpha1.WeightDestination). */
interface WeightDestination {
  readonly serviceName: string;
  readonly podTemplateHash: string;
  readonly weight: number;
}

/** The traffic part of a Rollout, as the controller reads it. */
export class RolloutTraffic {
  public readonly name: string;
  public readonly namespace: string;
  public readonly steps: any[];
  public readonly managedRoutes: string[];
  /** `managedRoutes` and the routes the setHeaderRoute and setMirrorRoute steps name. */
  public readonly managedRouteNames: ReadonlySet<string>;
  public readonly virtualServices: VirtualServiceRef[];
  /** The DestinationRule (subset-level canary), if any. */
  public readonly destinationRule?: { readonly key: string; readonly stableSubset: string; readonly canarySubset: string };
  public readonly stableService: string;
  public readonly canaryService: string;

  constructor(rollout: any) {
    const canary = rollout?.spec?.strategy?.canary;
    const istio = canary?.trafficRouting?.istio;
    if (!istio) throw new Error(`Rollout ${rollout?.metadata?.name} has no canary.trafficRouting.istio`);
    this.name = rollout.metadata.name;
    this.namespace = rollout.metadata.namespace ?? '';
    this.steps = canary.steps ?? [];
    this.managedRoutes = (canary.trafficRouting.managedRoutes ?? []).map((r: any) => r.name);
    this.managedRouteNames = new Set([...this.managedRoutes, ...this.steps.flatMap(s => [s?.setHeaderRoute?.name, s?.setMirrorRoute?.name])]
      .filter(n => typeof n === 'string'));
    this.stableService = canary.stableService ?? '';
    this.canaryService = canary.canaryService ?? '';
    const refs: any[] = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
    // istioutil.GetVirtualServiceNamespaceName: "name.namespace", else the Rollout's namespace
    this.virtualServices = refs.map(r => {
      const [vsName, vsNamespace] = r.name.includes('.') ? [r.name.slice(0, r.name.indexOf('.')), r.name.slice(r.name.indexOf('.') + 1)] : [r.name, this.namespace];
      return { key: istioKey('VirtualService', vsNamespace, vsName), routes: r.routes ?? [], tlsRoutes: r.tlsRoutes ?? [], tcpRoutes: r.tcpRoutes ?? [] };
    });
    const dr = istio.destinationRule;
    if (dr) {
      if (dr.additionalSubsetNames) throw new Error('destinationRule.additionalSubsetNames is not modelled');
      this.destinationRule = { key: istioKey('DestinationRule', this.namespace, dr.name), stableSubset: dr.stableSubsetName, canarySubset: dr.canarySubsetName };
    }
  }

  /** replicasetutil.GetCurrentSetWeight: the last setWeight at or before the step (0 at rest: fully promoted). */
  public desiredWeight(phase: RolloutPhase): number {
    if (phase.kind === 'rest') return 0;
    for (let i = phase.index; i >= 0; i--) {
      if (typeof this.steps[i]?.setWeight === 'number') return this.steps[i].setWeight;
    }
    return 0;
  }

  /** calculateWeightDestinationsFromExperiment: the weighted templates of the running experiment. */
  public experimentDestinations(phase: RolloutPhase): WeightDestination[] {
    if (phase.kind === 'rest') return [];
    const templates: any[] = this.steps[phase.index]?.experiment?.templates ?? [];
    return templates.filter(t => typeof t.weight === 'number').map(t => ({
      serviceName: t.service?.name ?? `${this.name}-${t.name}`,
      podTemplateHash: `exp-${t.name}`,
      weight: t.weight,
    }));
  }
}

/** The key of an Istio object (see json.ts objectKey). */
export function istioKey(kind: string, namespace: string, name: string): string {
  return objectKey({ apiVersion: 'networking.istio.io/v1', kind, metadata: { namespace, name } });
}

/** Live objects by key (objectKey); the controller reads and writes the ones its Rollout references. */
export type LiveObjects = Map<string, any>;

/**
 * One reconcileTrafficRouting pass at `phase`. Returns the live objects after it and the keys it wrote.
 * At rest: RemoveManagedRoutes, UpdateHash(stable, stable), SetWeight(0). At a step: SetHeaderRoute /
 * SetMirrorRoute only if the current step is one (trafficrouting.go L280-289), UpdateHash, SetWeight.
 */
export function reconcile(rt: RolloutTraffic, phase: RolloutPhase, live: LiveObjects): { live: LiveObjects; written: string[] } {
  const w = new Writer(live);
  if (phase.kind === 'rest') {
    removeManagedRoutes(rt, w);
    updateHash(rt, w, STABLE_HASH, STABLE_HASH, []);
  } else {
    const step = rt.steps[phase.index] ?? {};
    if (step.setHeaderRoute) forEachVirtualService(rt, w, (ref, vs) => setHeaderRoute(rt, w, ref, vs, step.setHeaderRoute));
    if (step.setMirrorRoute) forEachVirtualService(rt, w, (ref, vs) => setMirrorRoute(rt, w, ref, vs, step.setMirrorRoute));
    updateHash(rt, w, CANARY_HASH, STABLE_HASH, rt.experimentDestinations(phase));
  }
  forEachVirtualService(rt, w, (ref, vs) => setWeight(rt, ref, vs, rt.desiredWeight(phase), rt.experimentDestinations(phase)));
  return { live: w.live, written: w.written() };
}

/** Live objects after a canary went from rest through steps 0..index (one reconcile each). */
export function progress(rt: RolloutTraffic, live: LiveObjects, index: number): LiveObjects {
  let cur = reconcile(rt, { kind: 'rest' }, live).live;
  for (let i = 0; i <= index; i++) cur = reconcile(rt, { kind: 'step', index: i }, cur).live;
  return cur;
}

/** What the controller does after another writer changed some of its objects. */
export interface Repair {
  readonly live: LiveObjects;
  /** Whether the change made the controller reconcile at once. */
  readonly reconciled: boolean;
  readonly written: string[];
}

/**
 * The controller's reaction to objects changed by someone else: a change to a referenced VirtualService enqueues
 * the Rollout (istio/controller.go EnqueueRolloutFromIstioVirtualService); a change to the DestinationRule does
 * only while it carries the managed-by annotation (syncDestinationRule, getManagingRolloutName). Otherwise the
 * Rollout is reconciled only later, for another reason (resync, a ReplicaSet event): not modelled here.
 */
export function repair(rt: RolloutTraffic, phase: RolloutPhase, live: LiveObjects, changed: ReadonlyArray<string>): Repair {
  const vsChanged = rt.virtualServices.some(v => changed.includes(v.key));
  const dr = rt.destinationRule ? live.get(rt.destinationRule.key) : undefined;
  const drChanged = rt.destinationRule !== undefined && changed.includes(rt.destinationRule.key)
    && typeof dr?.metadata?.annotations?.[MANAGED_BY_ANNOTATION] === 'string';
  if (!vsChanged && !drChanged) return { live, reconciled: false, written: [] };
  const r = reconcile(rt, phase, live);
  return { live: r.live, reconciled: true, written: r.written };
}

// ---------------------------------------------------------------------------------------------------

/** Copy-on-write access to the live objects; remembers which ones changed. */
class Writer {
  public readonly live: LiveObjects;
  private readonly before: LiveObjects;
  /** The copy of each object handed out to be changed, one per object for the whole pass. */
  private readonly copies = new Map<string, any>();

  constructor(live: LiveObjects) {
    this.before = live;
    this.live = new Map(live);
  }

  /** A copy of the object to change (the same one for the rest of the pass); `put` stores it. */
  public get(key: string): any {
    let copy = this.copies.get(key);
    if (copy === undefined) {
      copy = clone(this.read(key));
      this.copies.set(key, copy);
    }
    return copy;
  }

  /** The object as it is now, to read only. */
  public read(key: string): any {
    const o = this.live.get(key);
    if (o === undefined) throw new Error(`${key} not found (the controller reports VirtualServiceNotFound / DestinationRuleNotFound)`);
    return o;
  }

  public put(key: string, obj: any): void {
    this.live.set(key, obj);
  }

  public written(): string[] {
    return [...this.live.keys()].filter(k => this.copies.has(k) && !deepEqual(this.live.get(k), this.before.get(k)));
  }
}

function forEachVirtualService(rt: RolloutTraffic, w: Writer, f: (ref: VirtualServiceRef, vs: any) => boolean): void {
  for (const ref of rt.virtualServices) {
    const vs = w.get(ref.key);
    if (f(ref, vs)) w.put(ref.key, vs);
  }
}

// ---- SetWeight (istio.go SetWeight, reconcileVirtualService, generateVirtualServicePatches, processRoutes)

interface DestinationPatch {
  readonly list: any[];
  readonly index: number;
  readonly weight: number;
  readonly host: string;
  readonly remove: boolean;
}

/** Sets the weights of the patched routes of one VirtualService; returns whether it changed (then orderRoutes). */
function setWeight(rt: RolloutTraffic, ref: VirtualServiceRef, vs: any, desired: number, experiments: WeightDestination[]): boolean {
  const spec = vs.spec ?? {};
  const patches: DestinationPatch[] = [];
  if (Array.isArray(spec.http)) {
    // mirror routes listed in managedRoutes get the weights too (generateVirtualServicePatches)
    const names = [...ref.routes, ...spec.http.filter((r: any) => r?.mirror && rt.managedRoutes.includes(r.name)).map((r: any) => r.name)];
    for (const i of httpRouteIndexes(names, spec.http)) patches.push(...processRoutes(rt, spec.http[i], desired, experiments));
  }
  if (Array.isArray(spec.tls)) {
    for (const i of l4RouteIndexes(ref.tlsRoutes, spec.tls, true)) patches.push(...processRoutes(rt, spec.tls[i], desired, experiments));
  }
  if (Array.isArray(spec.tcp)) {
    for (const i of l4RouteIndexes(ref.tcpRoutes, spec.tcp, false)) patches.push(...processRoutes(rt, spec.tcp[i], desired, experiments));
  }
  if (patches.length === 0) return false;
  applyPatches(patches);
  orderRoutes(rt, vs);
  return true;
}

/** getHttpRouteIndexesToPatch: by name; with no names the only route, else the first unnamed one. */
function httpRouteIndexes(names: string[], http: any[]): number[] {
  if (names.length === 0) {
    if (http.length === 1) return [0];
    const i = http.findIndex(r => !r?.name);
    return i >= 0 ? [i] : [];
  }
  return names.map(n => {
    const i = http.findIndex(r => r?.name === n);
    if (i < 0) throw new Error(`HTTP Route '${n}' is not found in the defined Virtual Service.`);
    return i;
  });
}

/** getTlsRouteIndexesToPatch / getTcpRouteIndexesToPatch: the first route when none is named, else by port (and SNI hosts). */
function l4RouteIndexes(refs: any[], routes: any[], tls: boolean): number[] {
  if (refs.length === 0) return routes.length > 0 ? [0] : [];
  const out: number[] = [];
  for (const ref of refs) {
    const found = routes.map((r, i) => (l4Matches(r, ref, tls) ? i : -1)).filter(i => i >= 0);
    if (found.length === 0) throw new Error(`No matching ${tls ? 'TLS' : 'TCP'} routes found in the defined Virtual Service.`);
    out.push(...found);
  }
  return out;
}

function l4Matches(route: any, ref: any, tls: boolean): boolean {
  const matches: any[] = route?.match ?? [];
  const ports = new Set(matches.map(m => m?.port ?? 0));
  if (ports.size > 1) return false;
  const port = ports.size === 1 ? [...ports][0] : 0;
  if (port !== ref.port) return false;
  if (!tls) return true;
  const hosts = new Set<string>(matches.flatMap(m => m?.sniHosts ?? []));
  const want: string[] = ref.sniHosts ?? [];
  return hosts.size === new Set(want).size && want.every(h => hosts.has(h));
}

/** processRoutes: canary and stable destinations get their weights, experiment hosts theirs, others are removed. */
function processRoutes(rt: RolloutTraffic, route: any, desired: number, experiments: WeightDestination[]): DestinationPatch[] {
  const destinations: any[] = Array.isArray(route?.route) ? route.route : [];
  const stableWeight = Math.max(0, 100 - desired - experiments.reduce((s, d) => s + d.weight, 0));
  const pending = new Map(experiments.map(d => [d.serviceName, d]));
  const patches: DestinationPatch[] = [];
  const add = (index: number, current: number, weight: number, host: string, remove: boolean) => {
    if (current !== weight) patches.push({ list: destinations, index, weight, host, remove });
  };
  destinations.forEach((d, i) => {
    const host = shortHost(d?.destination?.host ?? '');
    const subset: string = d?.destination?.subset ?? '';
    const current: number = d?.weight ?? 0;
    if (host === '') return;
    if (host === rt.canaryService || (subset !== '' && subset === rt.destinationRule?.canarySubset)) {add(i, current, desired, host, false);} else if (host === rt.stableService || (subset !== '' && subset === rt.destinationRule?.stableSubset)) {add(i, current, stableWeight, host, false);} else if (pending.has(host)) {
      add(i, current, pending.get(host)!.weight, host, false);
      pending.delete(host);
    } else {add(i, current, 0, host, true);}
  });
  let next = destinations.length;
  for (const host of [...pending.keys()].sort()) add(next++, 0, pending.get(host)!.weight, pending.get(host)!.serviceName, false);
  if (patches.length > 0 && !Array.isArray(route.route)) route.route = destinations;
  return patches;
}

/** getHost: the host up to the first dot. */
function shortHost(host: string): string {
  const i = host.indexOf('.');
  return i > 0 ? host.slice(0, i) : i < 0 ? host : '';
}

/** patchVirtualService: weight updates and appends first, then removals from the highest index down. */
function applyPatches(patches: DestinationPatch[]): void {
  const ordered = [...patches.filter(p => !p.remove), ...patches.filter(p => p.remove).sort((a, b) => b.index - a.index)];
  for (const p of ordered) {
    if (p.index < p.list.length) {
      if (p.remove) p.list.splice(p.index, 1);
      else p.list[p.index].weight = p.weight;
    } else {
      p.list.push({ weight: p.weight, destination: { host: p.host } });
    }
  }
}

/**
 * orderRoutes: the routes named in managedRoutes first (in managedRoutes order), then the others. Reproduces
 * getOrderedVirtualServiceRoutes as written: every unnamed route is matched by every other unnamed route, so two
 * unnamed routes come out four times.
 */
function orderRoutes(rt: RolloutTraffic, vs: any): void {
  const http: any[] | undefined = vs.spec?.http;
  if (!Array.isArray(http) || rt.managedRoutes.length === 0) return;
  const nameOf = (r: any): string | undefined => (typeof r?.name === 'string' ? r.name : undefined);
  const within = http.filter(r => rt.managedRoutes.includes(nameOf(r) ?? ''));
  const without = http.filter(r => !rt.managedRoutes.includes(nameOf(r) ?? ''));
  const orderedManaged = rt.managedRoutes.flatMap(n => within.filter(r => nameOf(r) === n));
  const out: any[] = [];
  for (const m of [...orderedManaged, ...without]) {
    for (const r of http) {
      if ((nameOf(r) ?? '') === (nameOf(m) ?? '')) out.push(r);
    }
  }
  vs.spec.http = out;
}

// ---- Managed routes (SetHeaderRoute, SetMirrorRoute, RemoveManagedRoutes)

/** removeRoute: drops the http routes with that name (an error when the VirtualService has no spec.http). */
function removeRoute(vs: any, name: string): void {
  if (!Array.isArray(vs.spec?.http)) throw new Error('spec.http not found (SpecHttpNotFound): managed routes need http routes');
  vs.spec.http = vs.spec.http.filter((r: any) => r?.name !== name);
}

/** The DestinationRule's host (header and mirror routes point there), else the canary service. */
function canaryHost(rt: RolloutTraffic, w: Writer): string {
  return rt.destinationRule ? w.read(rt.destinationRule.key).spec?.host ?? '' : rt.canaryService;
}

/** getVirtualServiceSetWeightRoute: the destinations of the first route SetWeight patches. */
function setWeightRoute(ref: VirtualServiceRef, http: any[]): any[] {
  const i = httpRouteIndexes(ref.routes, http)[0];
  return i === undefined ? [] : http[i].route ?? [];
}

function setHeaderRoute(rt: RolloutTraffic, w: Writer, ref: VirtualServiceRef, vs: any, step: any): boolean {
  removeRoute(vs, step.name);
  if (step.match) {
    const port = setWeightRoute(ref, vs.spec.http)[0]?.destination?.port?.number ?? 0;
    vs.spec.http.push({
      name: step.name,
      match: step.match.map((m: any) => ({ headers: { [m.headerName]: pick(m.headerValue ?? {}, ['exact', 'regex', 'prefix']) } })),
      route: [destination(canaryHost(rt, w), port, rt.destinationRule?.canarySubset ?? '', 100)],
    });
  }
  orderRoutes(rt, vs);
  return true;
}

function setMirrorRoute(rt: RolloutTraffic, w: Writer, ref: VirtualServiceRef, vs: any, step: any): boolean {
  removeRoute(vs, step.name);
  if (step.match) {
    // createMirrorRoute: the routed destinations are a typed copy of the weighted route (unknown fields and
    // zero weights dropped by omitempty), the mirror points at the canary
    const route = setWeightRoute(ref, vs.spec.http).map(d => typedDestination(d));
    const port = route[0]?.destination?.port?.number ?? 0;
    const mirror: any = { host: canaryHost(rt, w) };
    if (rt.destinationRule?.canarySubset) mirror.subset = rt.destinationRule.canarySubset;
    if (port) mirror.port = { number: port };
    vs.spec.http.unshift({
      name: step.name,
      match: step.match.map((m: any) => pick({ method: m.method, uri: m.path, headers: m.headers }, ['method', 'uri', 'headers'])),
      route,
      mirror,
      mirrorPercentage: { value: step.percentage ?? 100 },
    });
  }
  orderRoutes(rt, vs);
  return true;
}

/** RemoveManagedRoutes: the step-named header and mirror routes, then every route named in managedRoutes. */
function removeManagedRoutes(rt: RolloutTraffic, w: Writer): void {
  for (const ref of rt.virtualServices) {
    const vs = w.get(ref.key);
    // as written upstream: a VirtualService without spec.http, or nothing to remove, ends the whole loop
    if (!Array.isArray(vs.spec?.http)) return;
    const stepRoutes = rt.steps.flatMap(s => [s?.setHeaderRoute?.name, s?.setMirrorRoute?.name]).filter((n: any) => typeof n === 'string');
    if (rt.managedRoutes.length === 0 && stepRoutes.length === 0) return;
    for (const n of stepRoutes) removeRoute(vs, n);
    vs.spec.http = vs.spec.http.filter((r: any) => !rt.managedRoutes.includes(r?.name));
    w.put(ref.key, vs);
  }
}

function destination(host: string, port: number, subset: string, weight: number): any {
  const dest: any = { host };
  if (port > 0) dest.port = { number: port };
  if (subset) dest.subset = subset;
  return { weight, destination: dest };
}

function typedDestination(d: any): any {
  const dest: any = {};
  if (d?.destination?.host) dest.host = d.destination.host;
  if (d?.destination?.subset) dest.subset = d.destination.subset;
  if (d?.destination?.port) dest.port = d.destination.port.number ? { number: d.destination.port.number } : {};
  const out: any = { destination: dest };
  if (d?.weight) out.weight = d.weight;
  return out;
}

function pick(obj: any, keys: string[]): any {
  const out: any = {};
  for (const k of keys) {
    if (obj[k] !== undefined && obj[k] !== null && obj[k] !== '') out[k] = obj[k];
  }
  return out;
}

// ---- UpdateHash (istio.go UpdateHash, updateDestinationRule)

/**
 * Writes the hash labels into the stable and canary subsets (and experiment subsets) and the managed-by
 * annotation. Subsets that are none of these are dropped ("Ignore any extraneous subsets").
 */
function updateHash(rt: RolloutTraffic, w: Writer, canaryHash: string, stableHash: string, experiments: WeightDestination[]): void {
  if (!rt.destinationRule) return;
  const dr = w.get(rt.destinationRule.key);
  dr.metadata = dr.metadata ?? {};
  dr.metadata.annotations = { ...(dr.metadata.annotations ?? {}), [MANAGED_BY_ANNOTATION]: rt.name };
  const pending = new Map(experiments.map(d => [d.serviceName, d]));
  const subsets: any[] = [];
  for (const s of dr.spec?.subsets ?? []) {
    const hash = s.name === rt.destinationRule.canarySubset ? canaryHash
      : s.name === rt.destinationRule.stableSubset ? stableHash
        : pending.has(s.name) ? pending.get(s.name)!.podTemplateHash : undefined;
    if (hash === undefined) continue; // Ignore any extraneous subsets
    pending.delete(s.name);
    const labels = { ...(isObject(s.labels) ? s.labels : {}) };
    if (hash) labels[HASH_LABEL] = hash;
    else delete labels[HASH_LABEL];
    subsets.push({ ...s, labels });
  }
  for (const d of [...pending.values()].sort((a, b) => (a.serviceName < b.serviceName ? -1 : 1))) {
    subsets.push({ name: d.serviceName, labels: { [HASH_LABEL]: d.podTemplateHash } });
  }
  dr.spec = { ...(dr.spec ?? {}), subsets };
  w.put(rt.destinationRule.key, dr);
}
