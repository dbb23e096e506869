// CR230-CR239: the policy of HTTP routes (timeout, retries, rewrite, match, header changes, CORS, fault injection) as
// Istio's webhook checks it (src/private/istio-route.ts, shared with the constructs), and what the routes Argo Rollouts
// adds for header and mirror steps leave out of the weighted route's policy.
import { vsTarget } from './_argo-rollouts';
import { arr, Context, Obj, show } from './_context';
import { isMeshBound } from '../private/istio';
import { httpRouteProblems } from '../private/istio-route';

const STEPS = 'spec.strategy.canary.steps';

export function checkRoutePolicies(ctx: Context): void {
  for (const vs of ctx.ofKind('VirtualService')) {
    const mesh = isMeshBound(vs.raw);
    arr(vs.raw.spec?.http).forEach((route: any, i: number) => {
      for (const p of httpRouteProblems(route, mesh)) ctx.report(p.code, vs, `spec.http[${i}].${p.path}`, p.message, p.fix);
    });
  }
  for (const ro of ctx.ofKind('Rollout')) checkManagedRoutes(ctx, ro);
}

// ---------------------------------------------------------------------------------------------------
// CR238, CR239: the routes of header and mirror steps (argo-rollouts rollout/trafficrouting/istio/istio.go)
//
// createHeaderRoute writes { name, match: one entry per header condition, route: [the canary destination, with the
// port of the first weighted route, weight 100] }; createMirrorRoute writes { name, match: the step's method, path
// (as uri) and headers, route: host, subset, port and weight of the first weighted route's destinations at that
// moment, mirror: the canary, mirrorPercentage }. Both go above every other route (orderRoutes). Nothing else of the
// weighted route is copied (argo-rollouts#3155, open).

/** The policy fields of an HTTP route that neither managed route copies, and what a request misses without each. */
const POLICY_FIELDS: ReadonlyArray<[string, string]> = [
  ['timeout', 'no timeout'],
  ['retries', "the mesh's default retries instead of the route's"],
  ['rewrite', 'no rewrite (the canary receives the original path and authority)'],
  ['headers', "none of the route's header changes"],
  ['corsPolicy', 'no CORS policy'],
  ['fault', 'no fault injection'],
  ['mirror', "none of the route's mirroring"],
  ['mirrors', "none of the route's mirroring"],
];

/** A weighted route's policy as a managed route loses it. */
interface LostPolicy {
  /** `'timeout' ("10s")`, ... */
  readonly fields: string[];
  /** What the requests of the managed route miss. */
  readonly effects: string[];
}

function checkManagedRoutes(ctx: Context, ro: Obj): void {
  const canary = ro.raw.spec?.strategy?.canary;
  const istio = canary?.trafficRouting?.istio;
  if (!istio) return;
  const refs = istio.virtualService ? [istio.virtualService] : arr(istio.virtualServices);
  const managed = new Set(arr(canary.trafficRouting?.managedRoutes).map((r: any) => r?.name));
  arr(canary.steps).forEach((step: any, i: number) => {
    // one report per step and lost policy: VirtualServices whose weighted routes lose the same (an ingress and a mesh
    // VirtualService with one route policy) are named together
    const found = new Map<string, { code: string; path: string; text: (vs: string) => string; fix: string; vss: string[] }>();
    for (const ref of refs) {
      const weighted = weightedRoutes(ctx, ro, ref, managed);
      if (!weighted || weighted.routes.length === 0) continue;
      // a step without `match` removes its route
      const problems = [
        ...(step?.setHeaderRoute?.match ? [headerRouteProblem(step.setHeaderRoute, i, weighted.routes)] : []),
        ...(step?.setMirrorRoute?.match ? [mirrorRouteProblem(step.setMirrorRoute, i, weighted.routes)] : []),
      ];
      for (const p of problems) {
        if (!p) continue;
        const key = `${p.code}\u0000${p.text('\u0000')}\u0000${p.fix}`;
        const known = found.get(key);
        if (known) known.vss.push(weighted.vs.label);
        else found.set(key, { ...p, vss: [weighted.vs.label] });
      }
    }
    for (const p of found.values()) ctx.report(p.code, ro, p.path, p.text(p.vss.join(' and ')), p.fix);
  });
}

/** A finding of CR238 or CR239 about one step, its message for the VirtualService(s) it names. */
interface ManagedRouteProblem {
  readonly code: string;
  readonly path: string;
  readonly text: (vs: string) => string;
  readonly fix: string;
}

/** The VirtualService of a reference and the weighted routes the controller patches in it (none when CR102-CR104 report). */
function weightedRoutes(ctx: Context, ro: Obj, ref: any, managed: Set<any>): { vs: Obj; routes: any[] } | undefined {
  if (typeof ref?.name !== 'string') return undefined;
  const target = vsTarget(ref.name, ro.namespace);
  const vs = ctx.find('VirtualService', target.namespace, target.name);
  if (!vs) return undefined;
  const http = arr(vs.raw.spec?.http).filter((r: any) => r && typeof r === 'object');
  const names = arr(ref.routes);
  if (names.length > 0) return { vs, routes: http.filter((r: any) => names.includes(r.name)) };
  const unmanaged = http.filter((r: any) => !managed.has(r.name));
  return { vs, routes: unmanaged.length === 1 ? unmanaged : [] };
}

/** The policy fields set on the weighted routes (the first route's value when several set one), and the destinations' header changes. */
function lostPolicy(routes: any[], except: string[] = []): LostPolicy {
  const fields: string[] = [];
  const effects: string[] = [];
  for (const [key, effect] of POLICY_FIELDS) {
    if (except.includes(key)) continue;
    const owner = routes.find(r => r[key] !== undefined && r[key] !== null);
    if (!owner) continue;
    fields.push(key === 'timeout' || key === 'retries' ? `'${key}' (${show(owner[key])})` : `'${key}'`);
    if (!effects.includes(effect)) effects.push(effect);
  }
  if (routes.some(r => arr(r.route).some((d: any) => d?.headers))) {
    fields.push("the destinations' 'headers'");
    effects.push("none of the destinations' header changes");
  }
  return { fields, effects };
}

const routeNames = (routes: any[]) => routes.map(r => show(r.name ?? '<unnamed>')).join(', ');

/** CR238: the header route holds only the header conditions and the canary destination. */
function headerRouteProblem(step: any, i: number, routes: any[]): ManagedRouteProblem | undefined {
  const lost = lostPolicy(routes);
  const matched = routes.find(r => arr(r.match).length > 0);
  if (matched) {
    lost.fields.push(`'match' (${show(matched.match)})`);
    lost.effects.unshift('no condition but the header: they reach the canary on every path, method and port of the host, ahead of every other route');
  }
  if (lost.fields.length === 0) return undefined;
  const fixes = [
    ...(matched ? ['send the header only with requests the weighted route takes (a header step cannot match paths, methods or ports: argo-rollouts#3879)'] : []),
    ...(routes.some(r => r.rewrite) ? ['make the canary serve the path as clients send it too, since header requests are not rewritten'] : []),
  ];
  fixes.push(`${fixes.length > 0 ? 'otherwise ' : ''}accept that the testers' requests go without it: the controller copies nothing else of the route (argo-rollouts#3155)`);
  return {
    code: 'CR238',
    path: `${STEPS}[${i}].setHeaderRoute`,
    text: vs => `the header route ${show(step.name)} that Argo Rollouts adds to ${vs} holds only the header conditions and the canary destination; `
      + `it does not copy ${lost.fields.join(', ')} of the weighted route ${routeNames(routes)}, so requests with the header get ${lost.effects.join('; ')}`,
    fix: fixes.join('; '),
  };
}

/** CR239: the mirror route holds the step's match, a copy of the destinations and the mirror; it serves users too. */
function mirrorRouteProblem(step: any, i: number, routes: any[]): ManagedRouteProblem | undefined {
  const lost = lostPolicy(routes);
  const stepMatches = arr(step.match).map((m: any) => ({ method: m?.method, uri: m?.path, headers: m?.headers }));
  const routeMatches = routes.every(r => arr(r.match).length > 0) ? routes.flatMap(r => arr(r.match)) : [];
  const outside = routeMatches.length > 0 && !stepMatches.every(m => routeMatches.some((p: any) => covers(p, m)));
  if (outside) {
    lost.fields.push(`'match' (${show(routeMatches)})`);
    lost.effects.unshift(`requests the weighted route does not take (the mirror route matches ${show(step.match)} only) are taken too`);
  }
  if (lost.fields.length === 0) return undefined;
  const fixes = outside
    ? ["repeat the weighted route's path, method and header conditions in every match of the mirror step (a mirror step cannot match ports, query parameters, authority or scheme: leave it out on such routes)"]
    : [];
  fixes.push(`${fixes.length > 0 ? 'otherwise ' : ''}keep the mirror step short (removeMirrorRoute right after it) and accept that the matching requests go without it while it runs: `
    + 'the controller copies only the destinations (argo-rollouts#3155)');
  return {
    code: 'CR239',
    path: `${STEPS}[${i}].setMirrorRoute`,
    text: vs => `the mirror route ${show(step.name)} that Argo Rollouts adds to ${vs} serves every request its match selects, users' requests included, `
      + `with the weighted route's destinations and weights of the moment the step runs; it does not copy ${lost.fields.join(', ')} of the weighted route `
      + `${routeNames(routes)}, so while it exists those requests get ${lost.effects.join('; ')}`,
    fix: fixes.join('; '),
  };
}

/**
 * Whether every request the mirror step's match entry `m` takes is also taken by the route's match entry `p`: each
 * condition of `p` is one a mirror step can state (uri, method, headers) and `m` states it as narrowly.
 */
function covers(p: any, m: any): boolean {
  if (!p || typeof p !== 'object') return false;
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined || value === null || key === 'name' || key === 'statPrefix' || key === 'ignoreUriCase') continue;
    if (key === 'uri' || key === 'method') {
      if (!within(value, m[key], key === 'uri' && p.ignoreUriCase === true)) return false;
    } else if (key === 'headers') {
      if (!Object.entries(value as object).every(([h, v]) => within(v, m.headers?.[h], false))) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** Whether the string match `inner` only takes values `outer` takes (equal, or within an outer prefix). */
function within(outer: any, inner: any, ignoreCase: boolean): boolean {
  if (!outer || !inner) return false;
  const norm = (v: any) => (typeof v === 'string' && ignoreCase ? v.toLowerCase() : v);
  if (outer.exact !== undefined) return inner.exact !== undefined && norm(inner.exact) === norm(outer.exact);
  if (outer.prefix !== undefined) {
    const text = inner.exact ?? inner.prefix;
    return typeof text === 'string' && norm(text).startsWith(norm(outer.prefix));
  }
  return outer.regex !== undefined && inner.regex === outer.regex;
}
