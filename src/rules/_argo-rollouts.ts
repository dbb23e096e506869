// CR1xx: what the Argo Rollouts controller checks (InvalidSpec) or silently changes, for canary + Istio.
import { arr, Context, mayMeet, Obj, show, showList } from './_context';
import { argoPauseSeconds, argoTags, parseGoDuration } from '../private/argo';
import { fqdn } from '../private/istio';
import { selectorMatches } from '../private/k8s';

const CANARY = 'spec.strategy.canary';
const ISTIO = `${CANARY}.trafficRouting.istio`;

/** Step fields of which at most one may be set (the controller's `hasMultipleStepsType`). */
const EXCLUSIVE_STEP_TYPES = ['setWeight', 'pause', 'experiment', 'analysis'];
/** Every step type the controller knows. */
const STEP_TYPES = [...EXCLUSIVE_STEP_TYPES, 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'];
/** Step types that name a managed route. */
const ROUTE_STEP_TYPES = ['setHeaderRoute', 'setMirrorRoute'];
/** The ways a StringMatch can match. */
const MATCH_TYPES = ['exact', 'regex', 'prefix'];

export function checkArgoRollouts(ctx: Context): void {
  for (const ro of ctx.ofKind('Rollout')) {
    checkSpec(ctx, ro);
    const canary = ro.raw.spec?.strategy?.canary;
    if (!canary) continue;
    checkCanary(ctx, ro, canary);
    checkSteps(ctx, ro, canary);
    const istio = canary.trafficRouting?.istio;
    if (istio) checkIstioRouting(ctx, ro, canary, istio);
    checkAnalysis(ctx, ro, canary);
  }
  checkTemplatePlaceholders(ctx);
  checkTemplateMetrics(ctx);
}

// ---------------------------------------------------------------------------------------------------
// Spec-level rules (validation.go)

function checkSpec(ctx: Context, ro: Obj): void {
  const spec = ro.raw.spec ?? {};
  // CR120
  const deadline = spec.progressDeadlineSeconds ?? 600;
  const minReady = spec.minReadySeconds ?? 0;
  if (typeof deadline === 'number' && typeof minReady === 'number' && deadline <= minReady) {
    ctx.report('CR120', ro, 'spec.progressDeadlineSeconds',
      `'progressDeadlineSeconds' (${deadline}${spec.progressDeadlineSeconds === undefined ? ', the default' : ''}) must be greater than `
      + `'minReadySeconds' (${minReady}); the controller refuses the Rollout with "must be greater than minReadySeconds"`,
      `raise 'progressDeadlineSeconds' above ${minReady} or lower 'minReadySeconds' below ${deadline}`);
  }
  // CR121
  if (spec.workloadRef) return;
  const selector = spec.selector;
  const labels = spec.template?.metadata?.labels ?? {};
  if (!selector) {
    ctx.report('CR121', ro, 'spec.selector', "the Rollout has no 'selector'; the controller refuses it with \"Rollout has missing field '.spec.selector'\"",
      `set 'selector.matchLabels' to the identity labels of the pod template (for example ${show(firstLabels(labels))})`);
    return;
  }
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && arr(selector.matchExpressions).length === 0;
  if (empty) {
    ctx.report('CR121', ro, 'spec.selector', `'selector' (${show(selector)}) is empty; the controller refuses it with "empty selector is invalid for deployment"`,
      'set \'selector.matchLabels\' to the identity labels of the pod template (for example the "app" label)');
  } else if (!selectorMatches(selector, labels)) {
    ctx.report('CR121', ro, 'spec.selector',
      `'selector' (${show(selector)}) does not select the pod template labels (${show(labels)}); Kubernetes validation says "selector does not match template labels"`,
      'make every selector label also a pod template label with the same value');
  }
}

function firstLabels(labels: { [k: string]: string }): { [k: string]: string } {
  return labels.app ? { app: labels.app } : labels;
}

function checkCanary(ctx: Context, ro: Obj, canary: any): void {
  const tr = canary.trafficRouting;
  // CR117
  if (tr && tr.maxTrafficWeight !== undefined && !tr.nginx && !tr.plugins) {
    ctx.report('CR117', ro, `${CANARY}.trafficRouting.maxTrafficWeight`,
      `'maxTrafficWeight' (${show(tr.maxTrafficWeight)}) is set, but the controller supports it only with Nginx and plugins ("Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins")`,
      "remove 'maxTrafficWeight': with Istio the weights are percentages of 100");
  }
  // CR118
  if (canary.scaleDownDelaySeconds !== undefined && canary.dynamicStableScale === true) {
    ctx.report('CR118', ro, `${CANARY}.dynamicStableScale`,
      `'dynamicStableScale' (true) is set together with 'scaleDownDelaySeconds' (${show(canary.scaleDownDelaySeconds)}); the controller says "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds"`,
      "remove 'scaleDownDelaySeconds' (dynamicStableScale scales the stable pods down by itself) or set 'dynamicStableScale' to false");
  }
  // CR119
  const surge = canary.maxSurge ?? '25%';
  const unavailable = canary.maxUnavailable ?? '25%';
  if (isZero(surge) && isZero(unavailable)) {
    ctx.report('CR119', ro, `${CANARY}.maxSurge`,
      `'maxSurge' (${show(surge)}) and 'maxUnavailable' (${show(unavailable)}) are both zero; the controller says "MaxSurge and MaxUnavailable both can not be zero"`,
      "set 'maxSurge' above 0 (for example \"25%\"), or 'maxUnavailable' above 0");
  }
}

function isZero(v: any): boolean {
  return v === 0 || v === '0' || v === '0%';
}

// ---------------------------------------------------------------------------------------------------
// Steps (validation.go rules #20-#33)

/** CR130: the step types that need traffic routing, and whether a canary's `trafficRouting` gives it. */
const ROUTING_STEP_TYPES: ReadonlyArray<{ kind: string; ok: (tr: any) => boolean; upstream: string; what: string }> = [
  { kind: 'setCanaryScale', ok: tr => !!tr, upstream: 'SetCanaryScale requires TrafficRouting to be set', what: 'trafficRouting' },
  {
    kind: 'setHeaderRoute',
    ok: tr => !!(tr?.istio || tr?.alb || tr?.apisix || tr?.plugins),
    upstream: 'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix',
    what: 'Istio traffic routing',
  },
  { kind: 'setMirrorRoute', ok: tr => !!(tr?.istio || tr?.plugins), upstream: 'SetMirrorRoute requires TrafficRouting, supports Istio and Plugins', what: 'Istio traffic routing' },
];

function checkSteps(ctx: Context, ro: Obj, canary: any): void {
  arr(canary.steps).forEach((step: any, i: number) => {
    if (!step || typeof step !== 'object') return;
    const path = `${CANARY}.steps[${i}]`;
    checkStepType(ctx, ro, step, i, path);
    checkStepValues(ctx, ro, step, i, path);
    checkStepRouting(ctx, ro, canary.trafficRouting, step, i, path);
    for (const kind of ROUTE_STEP_TYPES) {
      if (step[kind]) checkRouteStep(ctx, ro, canary.trafficRouting?.managedRoutes, kind, step[kind], i, path);
    }
  });
}

/** CR110: a step sets exactly one of the exclusive step types, and at least one step type. */
function checkStepType(ctx: Context, ro: Obj, step: any, i: number, path: string): void {
  const set = Object.keys(step).filter(k => step[k] !== undefined && step[k] !== null);
  const exclusive = set.filter(k => EXCLUSIVE_STEP_TYPES.includes(k));
  if (exclusive.length > 1) {
    ctx.report('CR110', ro, path,
      `step ${i} sets ${exclusive.map(k => `'${k}'`).join(' and ')}, but a step may set only one of them ("Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause")`,
      `split step ${i} into ${exclusive.length} consecutive steps, one for each of ${exclusive.join(', ')}`);
  } else if (!set.some(k => STEP_TYPES.includes(k))) {
    ctx.report('CR110', ro, path,
      `step ${i} (${show(step)}) sets none of ${STEP_TYPES.join(', ')} ("Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause")`,
      `give step ${i} a step type, for example { setWeight: 20 } or { pause: { duration: '5m' } }, or remove it`);
  }
}

/** CR111, CR112: the weight and the pause duration of a step. */
function checkStepValues(ctx: Context, ro: Obj, step: any, i: number, path: string): void {
  if (step.setWeight !== undefined && (!Number.isInteger(step.setWeight) || step.setWeight < 0 || step.setWeight > 100)) {
    ctx.report('CR111', ro, `${path}.setWeight`,
      `'setWeight' (${show(step.setWeight)}) must be an integer between 0 and 100 ("SetWeight needs to be between 0 and 100")`,
      `set step ${i} to a percentage of traffic between 0 and 100 (for example ${typeof step.setWeight === 'number' && step.setWeight > 100 ? 100 : 20})`);
  }
  const problem = step.pause && step.pause.duration !== undefined ? pauseProblem(step.pause.duration) : undefined;
  if (problem) {
    ctx.report('CR112', ro, `${path}.pause.duration`,
      `'pause.duration' (${show(step.pause.duration)}) ${problem} ("Duration needs to be greater than 0")`,
      'write the duration as seconds (300) or a Go duration with units s, m or h ("30s", "5m", "1h"); omit it to pause until promoted');
  }
}

/** CR130: the step types that need traffic routing have it. */
function checkStepRouting(ctx: Context, ro: Obj, tr: any, step: any, i: number, path: string): void {
  for (const { kind, ok, upstream, what } of ROUTING_STEP_TYPES) {
    if (step[kind] !== undefined && step[kind] !== null && !ok(tr)) {
      ctx.report('CR130', ro, `${path}.${kind}`,
        `step ${i} uses '${kind}', but the canary has no ${what} ("${upstream}")`,
        `set 'trafficRouting.istio' (virtualService and destinationRule) on the canary strategy, or remove the '${kind}' step`);
    }
  }
  if (tr) return;
  arr(step.experiment?.templates).forEach((t: any, k: number) => {
    if (t?.weight !== undefined) {
      ctx.report('CR130', ro, `${path}.experiment.templates[${k}].weight`,
        `experiment template ${show(t?.name)} sets 'weight' (${show(t.weight)}), but the canary has no traffic routing `
        + '("Experiment template weight cannot be set unless TrafficRouting is enabled")',
        "set 'trafficRouting.istio' on the canary strategy, or remove 'weight' from the experiment template");
    }
  });
}

/** CR113-CR115: a header or mirror route step names a managed route and matches with one kind of StringMatch. */
function checkRouteStep(ctx: Context, ro: Obj, managed: any, kind: string, r: any, i: number, path: string): void {
  const managedNames = arr(managed).map((m: any) => m?.name);
  if (managed === undefined || managed === null) {
    ctx.report('CR113', ro, `${CANARY}.trafficRouting.managedRoutes`,
      `step ${i} uses '${kind}' (route ${show(r.name)}) but 'trafficRouting.managedRoutes' is not set ("Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'")`,
      `add 'trafficRouting.managedRoutes: [{ name: ${show(r.name)} }]'`);
  } else if (!managedNames.includes(r.name)) {
    ctx.report('CR114', ro, `${path}.${kind}.name`,
      `step ${i} '${kind}' names the route ${show(r.name)}, which is not in 'managedRoutes' (${showList(managedNames)}) ("Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes")`,
      `add { name: ${show(r.name)} } to 'trafficRouting.managedRoutes', or use one of its names in the step`);
  }
  arr(r.match).forEach((m: any, j: number) => {
    const fields: Array<[string, any]> = kind === 'setHeaderRoute'
      ? [['headerValue', m?.headerValue]]
      : [['method', m?.method], ['path', m?.path]].filter(([, v]) => v !== undefined) as Array<[string, any]>;
    for (const [field, value] of fields) {
      const given = MATCH_TYPES.filter(k => value && value[k] !== undefined);
      if (given.length === 1) continue;
      ctx.report('CR115', ro, `${path}.${kind}.match[${j}].${field}`,
        given.length === 0
          ? `'${field}' (${show(value)}) sets none of exact, regex, prefix ("StringMatch value missed, match value must have one of the following: exact, regex, prefix")`
          : `'${field}' (${show(value)}) sets ${given.join(' and ')} ("StringMatch match value must have exactly one of the following: exact, regex, prefix")`,
        `keep exactly one of exact, regex or prefix in '${field}'`);
    }
  });
}

/** What is wrong with a pause duration (CR112), as the controller reads it (`argoPauseSeconds`), or undefined. */
export function pauseProblem(duration: any): string | undefined {
  if (typeof duration === 'number' && !Number.isInteger(duration)) return 'is not a whole number of seconds';
  if (typeof duration !== 'number' && typeof duration !== 'string') return 'is neither a number of seconds nor a duration string';
  const seconds = argoPauseSeconds(duration);
  if (seconds === undefined) return 'does not parse as a duration';
  return seconds < 0 ? 'is negative' : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Istio traffic routing (validation_references.go, trafficrouting/istio/istio.go)

/** The Service name of a destination's host: the host cut at the first dot. */
function hostOf(d: any): string {
  return String(d?.destination?.host ?? '').split('.')[0];
}

function checkIstioRouting(ctx: Context, ro: Obj, canary: any, istio: any): void {
  const single = istio.virtualService;
  const multi = istio.virtualServices;
  // CR101
  const hasMulti = Array.isArray(multi) && multi.length > 0;
  if ((single && hasMulti) || (!single && !hasMulti)) {
    ctx.report('CR101', ro, ISTIO,
      single
        ? `both 'virtualService' (${show(single.name)}) and 'virtualServices' (${showList(multi.map((v: any) => v?.name))}) are set ("either VirtualService or VirtualServices must be configured")`
        : "neither 'virtualService' nor 'virtualServices' is set (\"either VirtualService or VirtualServices must be configured\")",
      single ? "keep one: move 'virtualService' into 'virtualServices', or remove 'virtualServices'" : "set 'virtualService: { name: <VirtualService name>, routes: [<route name>] }'");
  }
  const dr = istio.destinationRule;
  if (single) checkVsRef(ctx, ro, canary, dr, single, -1);
  else arr(multi).forEach((ref: any, i: number) => checkVsRef(ctx, ro, canary, dr, ref, i));

  if (!dr) return;
  const drObj = ctx.find('DestinationRule', ro.namespace, dr.name, ro);
  if (!drObj) {
    const elsewhere = ctx.ofKind('DestinationRule').filter(o => o.name === dr.name && mayMeet(o, ro));
    if (elsewhere.length > 0) {
      ctx.report('CR107', ro, `${ISTIO}.destinationRule.name`,
        `the DestinationRule ${show(dr.name)} is in ${showList(elsewhere.map(o => o.namespace))}, not in the Rollout's namespace ${show(ro.namespace)}; the controller reads it from the Rollout's namespace only`,
        `move the DestinationRule to namespace ${show(ro.namespace)}`);
    } else {
      ctx.report('CR106', ro, `${ISTIO}.destinationRule.name`,
        `the DestinationRule ${ro.namespace}/${dr.name} is not in the manifest set, so its subsets are not checked`,
        'add the DestinationRule to the same chart or app, or make sure it exists in the cluster with the stable and canary subsets');
    }
    return;
  }
  const subsets = arr(drObj.raw.spec?.subsets);
  checkSubsetName(ctx, ro, drObj, subsets, 'canarySubsetName', dr.canarySubsetName);
  checkSubsetName(ctx, ro, drObj, subsets, 'stableSubsetName', dr.stableSubsetName);
  checkManagedSubsets(ctx, ro, drObj, subsets, [dr.stableSubsetName, dr.canarySubsetName]);
}

/**
 * CR132: the DestinationRule the Rollout manages has no other subsets: the controller's UpdateHash keeps only the
 * stable, canary and running experiment subsets ("Ignore any extraneous subsets") of it.
 */
function checkManagedSubsets(ctx: Context, ro: Obj, drObj: Obj, subsets: any[], kept: any[]): void {
  subsets.forEach((s: any, i: number) => {
    const name = s?.name;
    if (kept.includes(name)) return;
    ctx.removedSubsets.add(`${drObj.index}/${name}`);
    const routes = routesToSubset(ctx, drObj, name);
    ctx.report('CR132', drObj, `spec.subsets[${i}]`,
      `subset ${show(name)} is neither the stable nor the canary subset of ${ro.label}, which manages this DestinationRule: the controller removes it `
      + `at the first reconcile (it keeps only stable, canary and a running experiment's subsets)${routes.length > 0
        ? `, and then the traffic of ${routes.join(', ')} to it fails with 503` : ''}; with Argo CD's self-heal the subset comes back and goes again`,
      `move subset ${show(name)} to a second DestinationRule for host ${show(drObj.raw.spec?.host)} in namespace ${show(drObj.namespace)} that no Rollout `
      + "manages (IstioSubsets' 'additionalSubsets' does this; Istio merges the DestinationRules of one host), and keep it in 'additionalSubsetNames'");
  });
}

/** The route destinations (`VirtualService x spec.http[i].route[j]`) that send traffic to a subset of a DestinationRule's host. */
function routesToSubset(ctx: Context, drObj: Obj, subset: any): string[] {
  const host = fqdn(String(drObj.raw.spec?.host ?? ''), drObj.namespace);
  const found: string[] = [];
  for (const vs of ctx.ofKind('VirtualService')) {
    if (!mayMeet(vs, drObj)) continue;
    arr(vs.raw.spec?.http).forEach((r: any, i: number) => arr(r?.route).forEach((d: any, j: number) => {
      if (d?.destination?.subset === subset && fqdn(String(d.destination.host ?? ''), vs.namespace) === host) found.push(`${vs.label} spec.http[${i}].route[${j}]`);
    }));
  }
  return found;
}

/** CR108: the subset the Rollout names is a subset of the DestinationRule. */
function checkSubsetName(ctx: Context, ro: Obj, drObj: Obj, subsets: any[], field: string, name: any): void {
  const names = subsets.map((s: any) => s?.name);
  if (names.includes(name)) return;
  ctx.report('CR108', ro, `${ISTIO}.destinationRule.${field}`,
    `'${field}' (${show(name)}) is not a subset of ${drObj.label} (its subsets: ${showList(names)}); the controller cannot label it with the ReplicaSet's hash and Istio routes to a subset that does not exist`,
    `add a subset named ${show(name)} to the DestinationRule, or fix '${field}'`);
}

/** A weighted HTTP route of a VirtualService that the controller patches, with its index in `spec.http`. */
interface SelectedRoute {
  readonly route: any;
  readonly index: number;
}

/** The rules on one VirtualService reference of the Rollout (`index` -1: `virtualService`, else `virtualServices[index]`). */
function checkVsRef(ctx: Context, ro: Obj, canary: any, dr: any, ref: any, index: number): void {
  if (!ref || typeof ref.name !== 'string') return;
  const managedRoutes = new Set(arr(canary.trafficRouting?.managedRoutes).map((r: any) => r?.name));
  const refPath = index < 0 ? `${ISTIO}.virtualService` : `${ISTIO}.virtualServices[${index}]`;
  const target = vsTarget(ref.name, ro.namespace);
  const vs = ctx.find('VirtualService', target.namespace, target.name, ro);
  // CR116
  arr(ref.routes).forEach((name: any, k: number) => {
    if (!managedRoutes.has(name)) return;
    const taken = new Set<any>([...managedRoutes, ...arr(ref.routes), ...arr(vs?.raw.spec?.http).map((r: any) => r?.name)]);
    ctx.report('CR116', ro, `${refPath}.routes[${k}]`,
      `the route ${show(name)} is both the weighted route and listed in 'managedRoutes'; the controller deletes every managed route at the end of each release`,
      `rename the header or mirror route of the steps and its 'managedRoutes' entry, for example to ${show(freeName(`${name}-preview`, taken))}, `
      + `or give the weighted route another name, for example ${show(freeName(name === 'primary' ? 'weighted' : 'primary', taken))}`);
  });
  if (!vs) {
    ctx.report('CR102', ro, `${refPath}.name`,
      `the VirtualService ${target.namespace}/${target.name} (from ${show(ref.name)}) is not in the manifest set, so its routes, subsets and destinations are not checked`,
      'add the VirtualService to the same chart or app, or make sure it exists in the cluster with the routes the Rollout names');
    return;
  }
  const selected = selectedRoutes(ctx, ro, vs, ref, refPath, managedRoutes);
  if (dr) checkSubsetRoutes(ctx, ro, vs, canary, dr, selected);
  else checkHostRoutes(ctx, ro, vs, canary, selected);
}

/** CR103, CR104: the HTTP routes of a VirtualService that the reference names (or its only unmanaged one). */
function selectedRoutes(ctx: Context, ro: Obj, vs: Obj, ref: any, refPath: string, managedRoutes: Set<any>): SelectedRoute[] {
  const http = arr(vs.raw.spec?.http);
  const routes = arr(ref.routes);
  // validation_references.go validates the HTTP routes only when the VirtualService has an `http` section
  // (istio.GetHttpRoutesI fails without one): a TLS- or TCP-only VirtualService may list `routes`.
  if (!Array.isArray(vs.raw.spec?.http) && (Array.isArray(vs.raw.spec?.tls) || Array.isArray(vs.raw.spec?.tcp))) return [];
  if (routes.length > 0) {
    const selected: SelectedRoute[] = [];
    routes.forEach((name: any, k: number) => {
      const i = http.findIndex((r: any) => r?.name === name);
      if (i >= 0) {
        selected.push({ route: http[i], index: i });
        return;
      }
      const names = http.map((r: any) => r?.name).filter((n: any) => typeof n === 'string');
      const near = names.find((n: string) => editDistance(String(name), n) <= 2);
      ctx.report('CR103', ro, `${refPath}.routes[${k}]`,
        `route ${show(name)} is not an HTTP route of ${vs.label} (its named routes: ${showList(names)}); the controller says "HTTP Route '${name}' is not found in the defined Virtual Service."`,
        near !== undefined
          ? `rename the route in the VirtualService or fix the name in 'routes' (did you mean ${show(near)}?)`
          : "rename the route in the VirtualService or fix the name in 'routes'");
    });
    return selected;
  }
  if (http.length === 0 && (ref.tlsRoutes || ref.tcpRoutes || vs.raw.spec?.tls || vs.raw.spec?.tcp)) return [];
  const unmanaged = http.map((route: any, i: number) => ({ route, index: i })).filter(r => !managedRoutes.has(r.route?.name));
  if (unmanaged.length === 1) return unmanaged;
  ctx.report('CR104', ro, `${refPath}.routes`,
    `'routes' is omitted, but ${vs.label} has ${unmanaged.length} HTTP routes that are not managed routes (${showList(unmanaged.map(r => r.route?.name ?? '<unnamed>'))}); `
    + 'the controller needs exactly one ("spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes")',
    "name the weighted route in the VirtualService and list it in 'routes'");
  return [];
}

/** CR105 with host-level routing (no DestinationRule): each route holds a destination for each Service (host cut at the first dot). */
function checkHostRoutes(ctx: Context, ro: Obj, vs: Obj, canary: any, selected: SelectedRoute[]): void {
  for (const { route, index: i } of selected) {
    const hosts = arr(route?.route).map(hostOf);
    for (const [role, svc] of [['Canary', canary.canaryService], ['Stable', canary.stableService]]) {
      if (typeof svc !== 'string' || svc === '' || hosts.includes(svc)) continue;
      ctx.report('CR105', vs, `spec.http[${i}].route`,
        `route ${show(route?.name ?? '<unnamed>')} has no destination with host ${show(svc)} (the ${role.toLowerCase()} Service of ${ro.label}; `
        + `hosts in the route: ${showList(hosts)}); the controller says "${role} Service '${svc}' not found in route"`,
        `add a destination { host: ${show(svc)} } to the route, or fix '${role.toLowerCase()}Service' in the Rollout`);
    }
  }
}

/** CR105, CR109 with subset-level routing: each route holds the stable and canary subsets, and no destination the controller deletes. */
function checkSubsetRoutes(ctx: Context, ro: Obj, vs: Obj, canary: any, dr: any, selected: SelectedRoute[]): void {
  const rolloutSubsets = [dr.canarySubsetName, dr.stableSubsetName, ...arr(dr.additionalSubsetNames)];
  const services = [canary.canaryService, canary.stableService].filter(s => s);
  for (const { route, index: i } of selected) {
    const dests = arr(route?.route);
    checkSubsetDestination(ctx, ro, vs, route, i, dests, 'canary', dr.canarySubsetName, canary.canaryService);
    checkSubsetDestination(ctx, ro, vs, route, i, dests, 'stable', dr.stableSubsetName, canary.stableService);
    dests.forEach((d: any, j: number) => {
      if (!d?.destination?.host) return;
      const subset = d.destination.subset;
      if ((subset !== undefined && rolloutSubsets.includes(subset)) || services.includes(hostOf(d))) return;
      ctx.report('CR109', vs, `spec.http[${i}].route[${j}]`,
        `destination ${show(d.destination)} is neither the stable nor the canary subset of ${ro.label}, so the controller deletes it from the route on the first weight change`,
        'remove the destination, or list its subset in the Rollout\'s \'destinationRule.additionalSubsetNames\' to keep it with its weight');
    });
  }
}

/** CR105 in subset mode: the route has a destination with the role's subset (or the role's Service as host). */
function checkSubsetDestination(ctx: Context, ro: Obj, vs: Obj, route: any, index: number, dests: any[], role: string, name: any, svc: any): void {
  if (dests.some((d: any) => d?.destination?.subset === name || (svc && hostOf(d) === svc))) return;
  ctx.report('CR105', vs, `spec.http[${index}].route`,
    `route ${show(route?.name ?? '<unnamed>')} has no destination with subset ${show(name)} (the ${role} subset of ${ro.label}; subsets in the route: `
    + `${showList(dests.map((d: any) => d?.destination?.subset).filter((s: any) => s !== undefined))}); the controller says `
    + `"${role === 'canary' ? 'Canary' : 'Stable'} DestinationRule subset '${name}' not found in route"`,
    `add a destination { host: <service host>, subset: ${show(name)} } with weight ${role === 'stable' ? 100 : 0} to the route, or fix '${role}SubsetName' in the Rollout`);
}

/** `base`, or `base-2`, `base-3`... : the first that is not taken. */
function freeName(base: string, taken: Set<any>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  return name;
}

/** The controller's reading of `virtualService.name`: `<name>` or `<name>.<namespace>`. */
export function vsTarget(name: string, namespace: string): { name: string; namespace: string } {
  const n = name.replace(/\.svc\.cluster\.local$/, '').replace(/\.cluster\.local$/, '');
  const dot = n.lastIndexOf('.');
  return dot < 0 ? { name: n, namespace } : { name: n.slice(0, dot), namespace: n.slice(dot + 1) };
}

function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

// ---------------------------------------------------------------------------------------------------
// Analysis (rollout/controller.go, utils/analysis/helpers.go)

interface Run {
  readonly path: string;
  readonly spec: any;
  /** Step (inline) analysis: every metric must terminate. */
  readonly inline: boolean;
  readonly templates: any[];
  readonly args: any[];
}

/** The path of the background analysis. */
const BACKGROUND_ANALYSIS = `${CANARY}.analysis`;

function checkAnalysis(ctx: Context, ro: Obj, canary: any): void {
  const runs: Run[] = [];
  if (canary.analysis) {
    const a = canary.analysis;
    runs.push({ path: BACKGROUND_ANALYSIS, spec: a, inline: false, templates: arr(a.templates), args: arr(a.args) });
  }
  arr(canary.steps).forEach((step: any, i: number) => {
    if (step?.analysis) {
      runs.push({ path: `${CANARY}.steps[${i}].analysis`, spec: step.analysis, inline: true, templates: arr(step.analysis.templates), args: arr(step.analysis.args) });
    }
    arr(step?.experiment?.analyses).forEach((a: any, k: number) => {
      runs.push({
        path: `${CANARY}.steps[${i}].experiment.analyses[${k}]`,
        spec: {},
        inline: false,
        templates: [{ templateName: a?.templateName, clusterScope: a?.clusterScope }],
        args: arr(a?.args),
      });
    });
  });
  for (const run of runs) checkRun(ctx, ro, run);
}

function checkRun(ctx: Context, ro: Obj, run: Run): void {
  const templates = runTemplates(ctx, ro, run);
  if (templates.length === 0) return;
  const metrics: RunMetric[] = templates.flatMap(template =>
    arr(template.raw.spec?.metrics).map((metric: any, index: number) => ({ name: metric?.name, metric, template, index })));
  checkMetricNames(ctx, ro, run, metrics);
  checkRunArgs(ctx, ro, run, templates);
  if (run.inline) checkInlineCounts(ctx, ro, run, metrics);
  checkMetricRules(ctx, ro, run, templates, metrics.map(m => m.name));
}

/** A metric of one of the templates of an analysis run. */
interface RunMetric {
  readonly name: string;
  readonly metric: any;
  readonly template: Obj;
  readonly index: number;
}

/** CR122, CR123: the templates of a run, nested ones included, each once; a template that is not in the set is reported. */
function runTemplates(ctx: Context, ro: Obj, run: Run): Obj[] {
  const templates: Obj[] = [];
  // `index`: of the reference in the run's `templates`, or in the `spec.templates` of `from`
  const visit = (ref: any, index: number, from: Obj | undefined) => {
    const name = ref?.templateName;
    if (typeof name !== 'string') return;
    const cluster = ref.clusterScope === true;
    const found = cluster ? ctx.find('ClusterAnalysisTemplate', '', name, ro) : ctx.find('AnalysisTemplate', from?.namespace ?? ro.namespace, name, ro);
    if (!found) {
      const path = from ? `spec.templates[${index}].templateName` : `${run.path}.templates[${index}].templateName`;
      const where = from ? `${from.label} ${path}` : path;
      if (cluster) {
        ctx.report('CR123', ro, run.path,
          `the ClusterAnalysisTemplate ${show(name)} (referenced at ${where}) is not in the manifest set, so its metrics and arguments are not checked`,
          'add the ClusterAnalysisTemplate to the app, or make sure it is installed in the cluster before the Rollout');
      } else if (ctx.partial) {
        ctx.report('CR335', ro, from ? run.path : path,
          `the AnalysisTemplate ${ro.namespace}/${name} (referenced at ${where}) is not in the given files, so its metrics and arguments are not checked; `
          + `the controller marks the Rollout InvalidSpec with "AnalysisTemplate '${name}' not found" if it is not in the cluster either`,
          `lint the file that holds the AnalysisTemplate ${show(name)} together with the Rollout, or make sure it is applied in namespace ${show(ro.namespace)} before the Rollout`);
      } else {
        ctx.report('CR122', ro, from ? run.path : path,
          `the AnalysisTemplate ${ro.namespace}/${name} (referenced at ${where}) is not in the manifest set; the controller marks the Rollout InvalidSpec with "AnalysisTemplate '${name}' not found"`,
          `add an AnalysisTemplate named ${show(name)} in namespace ${show(ro.namespace)}, fix 'templateName', or set 'clusterScope: true' for a ClusterAnalysisTemplate`);
      }
      return;
    }
    if (templates.includes(found)) return;
    templates.push(found);
    arr(found.raw.spec?.templates).forEach((nested: any, j: number) => visit(nested, j, found));
  };
  run.templates.forEach((ref, k) => visit(ref, k, undefined));
  return templates;
}

/** CR124: metric names are unique across the templates of a run. */
function checkMetricNames(ctx: Context, ro: Obj, run: Run, metrics: RunMetric[]): void {
  const byName = new Map<string, RunMetric[]>();
  for (const m of metrics) pushTo(byName, m.name, m);
  for (const [name, list] of byName) {
    if (list.length < 2) continue;
    ctx.report('CR124', ro, run.path,
      `metric ${show(name)} is defined ${list.length} times in this analysis (${list.map(m => `${m.template.label} spec.metrics[${m.index}]`).join(', ')}); `
      + `the controller says "two metrics have the same name '${name}'"`,
      'rename one of the metrics, or do not list both templates in the same analysis');
  }
}

/** CR125, CR126: every argument the templates declare has one value, from a template or from the Rollout. */
function checkRunArgs(ctx: Context, ro: Obj, run: Run, templates: Obj[]): void {
  const declared = new Map<string, Array<{ arg: any; template: Obj }>>();
  for (const t of templates) {
    for (const arg of arr(t.raw.spec?.args)) pushTo(declared, arg?.name, { arg, template: t });
  }
  const supplied = new Map(run.args.map((a: any) => [a?.name, a]));
  for (const [name, list] of declared) {
    const valued = list.filter(d => d.arg?.value !== undefined);
    if (new Set(valued.map(d => String(d.arg.value))).size > 1) {
      ctx.report('CR126', ro, run.path,
        `argument ${show(name)} has different values in the templates of this analysis (${valued.map(d => `${d.template.label}: ${show(d.arg.value)}`).join(', ')}); `
        + `the controller says "Argument \`${name}\` specified multiple times with different values"`,
        `give ${show(name)} the same value in every template, or remove the value from the templates and pass it in the Rollout's 'args'`);
    }
    const hasValue = (a: any) => a?.value !== undefined || a?.valueFrom !== undefined;
    if (list.some(d => hasValue(d.arg)) || hasValue(supplied.get(name))) continue;
    ctx.report('CR125', ro, `${run.path}.args`,
      `argument ${show(name)} of ${list.map(d => d.template.label).join(', ')} has no value and the Rollout does not supply one `
      + `(args supplied here: ${showList(run.args.map((a: any) => a?.name))}); the controller says: argument "${name}" was not supplied`,
      `add { name: ${show(name)}, value: <value> } (or 'valueFrom') to the 'args' of this analysis in the Rollout, or give the argument a value in the template`);
  }
}

/** CR127: every metric of a step analysis terminates. */
function checkInlineCounts(ctx: Context, ro: Obj, run: Run, metrics: RunMetric[]): void {
  for (const m of metrics) {
    const count = m.metric?.count;
    const noCount = count === undefined || count === 0 || count === '0';
    if (m.metric?.interval === undefined || !noCount) continue;
    ctx.report('CR127', ro, run.path,
      `metric ${show(m.name)} of ${m.template.label} has 'interval' (${show(m.metric.interval)}) but no 'count', so it runs until stopped and this step would never finish; `
      + `the controller says "AnalysisTemplate ${m.template.name} has metric ${m.name} which runs indefinitely. Invalid value for count: ${count ?? 0}"`,
      `set 'count' on metric ${show(m.name)} (for example 5), or run the template as background analysis ('canary.analysis') instead of a step`);
  }
}

/** CR128: every dryRun and measurementRetention pattern of the run and its templates matches a metric. */
function checkMetricRules(ctx: Context, ro: Obj, run: Run, templates: Obj[], metricNames: string[]): void {
  const rules: Array<{ obj: Obj; path: string; pattern: any; kind: string }> = [];
  for (const kind of METRIC_RULE_KINDS) {
    arr(run.spec?.[kind]).forEach((r: any, i: number) => rules.push({ obj: ro, path: `${run.path}.${kind}[${i}].metricName`, pattern: r?.metricName, kind }));
    for (const t of templates) {
      arr(t.raw.spec?.[kind]).forEach((r: any, i: number) => rules.push({ obj: t, path: `spec.${kind}[${i}].metricName`, pattern: r?.metricName, kind }));
    }
  }
  for (const r of rules) {
    const re = regExpOf(String(r.pattern));
    if (re && metricNames.some(n => re.test(n))) continue;
    ctx.report('CR128', r.obj, r.path,
      `'${r.kind}' pattern ${show(r.pattern)} ${re ? 'matches' : 'is not a valid regular expression and matches'} none of the metrics (${showList(metricNames)}); `
      + `the controller says "${r.kind}[…]: Rule didn't match any metric name(s)"`,
      'fix the pattern (it is an unanchored regular expression over metric names, for example ".*" or "^error-rate$"), or remove it');
  }
}

function regExpOf(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** The fields of an analysis (and of its templates) that hold rules over metric names (CR128). */
const METRIC_RULE_KINDS = ['dryRun', 'measurementRetention'];

/** Appends `value` to the list of `key`. */
function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** CR129: placeholders `{{args.x}}` in a template's metrics must name an argument of the template (or of a nested one). */
function checkTemplatePlaceholders(ctx: Context): void {
  const templates = [...ctx.ofKind('AnalysisTemplate'), ...ctx.ofKind('ClusterAnalysisTemplate')];
  for (const t of templates) {
    const names = new Set<string>();
    const collect = (o: Obj, seen: Set<Obj>) => {
      if (seen.has(o)) return;
      seen.add(o);
      arr(o.raw.spec?.args).forEach((a: any) => names.add(a?.name));
      for (const ref of arr(o.raw.spec?.templates)) {
        const n = ref?.clusterScope ? ctx.find('ClusterAnalysisTemplate', '', ref?.templateName, o) : ctx.find('AnalysisTemplate', o.namespace, ref?.templateName, o);
        if (n) collect(n, seen);
      }
    };
    collect(t, new Set());
    arr(t.raw.spec?.metrics).forEach((metric: any, i: number) => {
      let missing: Set<string> | undefined; // made for the first unknown name only
      // the controller resolves the placeholders in the JSON text of the metric (utils/analysis/factory.go ResolveMetricArgs)
      for (const tag of argoTags(JSON.stringify(metric ?? {})).tags) {
        if (tag.arg !== undefined && !names.has(tag.arg)) (missing ??= new Set()).add(tag.arg);
      }
      for (const name of missing ?? []) {
        ctx.report('CR129', t, `spec.metrics[${i}]`,
          `metric ${show(metric?.name)} uses {{args.${name}}}, but the template declares no argument ${show(name)} (its arguments: ${showList([...names])}); `
          + `the controller fails the analysis with "failed to resolve {{args.${name}}}"`,
          `add { name: ${show(name)} } to the template's 'args' (and supply it from the Rollout), or fix the placeholder`);
      }
    });
  }
}

/** Metric fields that hold a Go duration. */
const DURATION_FIELDS = ['interval', 'initialDelay'];

/** A plain integer (number or string of digits), or undefined for anything else (unset, placeholders). */
function intOf(v: any): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return parseInt(v, 10);
  return undefined;
}

/** CR131: metric settings that make the AnalysisRun fail with "Analysis spec invalid" (or a measurement error). */
function checkTemplateMetrics(ctx: Context): void {
  const templates = [...ctx.ofKind('AnalysisTemplate'), ...ctx.ofKind('ClusterAnalysisTemplate')];
  for (const t of templates) {
    const metrics = arr(t.raw.spec?.metrics);
    if (metrics.length === 0 && arr(t.raw.spec?.templates).length === 0) {
      ctx.report('CR131', t, 'spec.metrics', 'the template has no metrics ("no metrics specified")',
        'add a metric, or delete the template and its references');
      continue;
    }
    metrics.forEach((m: any, i: number) => {
      const bad = (field: string, message: string, fix: string) => ctx.report('CR131', t, `spec.metrics[${i}]${field ? `.${field}` : ''}`, `metric ${show(m?.name)}: ${message}`, fix);
      const providers = m?.provider && typeof m.provider === 'object' ? Object.keys(m.provider).filter(k => m.provider[k] !== undefined && m.provider[k] !== null) : [];
      if (providers.length !== 1) {
        bad('provider', providers.length === 0 ? "'provider' is empty (\"no provider specified\")" : `'provider' sets ${providers.join(' and ')} ("multiple providers specified")`,
          "set exactly one provider, for example 'provider: { prometheus: { address, query } }'");
      }
      for (const field of DURATION_FIELDS) {
        const v = m?.[field];
        if (typeof v === 'string' && !v.includes('{{') && parseGoDuration(v) === undefined) {
          bad(field, `'${field}' (${show(v)}) is not a duration ("invalid ${field === 'interval' ? 'interval' : 'startDelay'} string")`,
            `write '${field}' as a Go duration, for example "1m" or "30s"`);
        }
      }
      const count = intOf(m?.count);
      const failureLimit = m?.failureLimit === undefined ? 0 : intOf(m.failureLimit);
      const successLimit = m?.consecutiveSuccessLimit === undefined ? 0 : intOf(m.consecutiveSuccessLimit);
      const inconclusiveLimit = m?.inconclusiveLimit === undefined ? 0 : intOf(m.inconclusiveLimit);
      if (count !== undefined && count > 1 && m?.interval === undefined) {
        bad('interval', `'count' is ${count} but 'interval' is not set ("interval must be specified when count > 1")`,
          "set 'interval' (for example \"1m\") or lower 'count' to 1");
      }
      if (failureLimit !== undefined && failureLimit < -1) {
        bad('failureLimit', `'failureLimit' (${failureLimit}) is below -1 ("failureLimit must be >= 0, or -1 to be disabled")`, "set 'failureLimit' to 0 or more, or -1 to disable it");
      }
      const negative = (field: string, v: number | undefined) => {
        if (v !== undefined && v < 0) bad(field, `'${field}' (${v}) is negative ("${field} must be >= 0")`, `set '${field}' to 0 or more`);
      };
      negative('inconclusiveLimit', inconclusiveLimit);
      negative('consecutiveSuccessLimit', successLimit);
      negative('consecutiveErrorLimit', intOf(m?.consecutiveErrorLimit));
      if (failureLimit === -1 && successLimit === 0) {
        bad('failureLimit', "'failureLimit' is -1 and 'consecutiveSuccessLimit' is not set, so nothing can decide the metric "
          + '("failureLimit and consecutiveSuccessLimit cannot both be disabled")', "set 'failureLimit' to 0 or more, or 'consecutiveSuccessLimit' above 0");
      }
      if (count !== undefined && count > 0 && failureLimit !== undefined && successLimit !== undefined) {
        if (failureLimit >= 0 && successLimit >= 0 && count < failureLimit + successLimit) {
          bad('count', `'count' (${count}) is lower than 'failureLimit' + 'consecutiveSuccessLimit' (${failureLimit} + ${successLimit}) `
            + `("count (${count}) must be >= failureLimit + consecutiveSuccessLimit (${failureLimit} + ${successLimit}) if both >= 0")`,
          `raise 'count' to at least ${failureLimit + successLimit}, or lower the limits`);
        } else if (successLimit > count) {
          bad('count', `'count' (${count}) is lower than 'consecutiveSuccessLimit' (${successLimit}) ("count must be >= consecutiveSuccessLimit")`,
            `raise 'count' to at least ${successLimit}`);
        }
        if (inconclusiveLimit !== undefined && inconclusiveLimit > count) {
          bad('count', `'count' (${count}) is lower than 'inconclusiveLimit' (${inconclusiveLimit}) ("count must be >= inconclusiveLimit")`,
            `raise 'count' to at least ${inconclusiveLimit}`);
        }
      }
      const address = m?.provider?.prometheus?.address;
      if (typeof address === 'string' && address !== '' && !address.includes('{{') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/\s]+/.test(address)) {
        bad('provider.prometheus.address', `the Prometheus address ${show(address)} is not a URL with scheme and host ("prometheus address is not is url format")`,
          'write the address as a URL, for example "http://prometheus.istio-system:9090"');
      }
    });
  }
}
