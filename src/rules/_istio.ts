// CR2xx: what Istio's validating webhook rejects and what `istioctl analyze` reports, for VS / DR / Gateway / Service.
import { arr, Context, labelMap, Obj, show, showList } from './_context';
import { fqdn, hostsMatch, isHttpProtocol, isMeshBound, portProtocol, serviceOfHost, splitServerHost, UNSUPPORTED_PROTOCOL } from '../private/istio';
import { MergedRule, mergeDestinationRules } from '../private/istio-merge';
import { RELEASE_VARYING_LABELS } from '../private/k8s';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_VARYING = new Set(RELEASE_VARYING_LABELS);

export function checkIstio(ctx: Context): void {
  const declared = declaredHosts(ctx);
  for (const vs of ctx.ofKind('VirtualService')) {
    checkVirtualService(ctx, vs);
    checkMeshExternalHosts(ctx, vs, declared);
  }
  checkMeshHostConflicts(ctx);
  for (const dr of ctx.ofKind('DestinationRule')) {
    checkDestinationRule(ctx, dr);
    checkSubsetEndpoints(ctx, dr);
  }
  checkMergedDestinationRules(ctx);
  for (const gw of ctx.ofKind('Gateway')) checkGateway(ctx, gw);
  for (const svc of ctx.ofKind('Service')) checkServicePorts(ctx, svc);
}

// ---------------------------------------------------------------------------------------------------
// VirtualService

/** A destination of a route, with its path in the VirtualService; `http` for the destinations of HTTP routes. */
interface Dest {
  readonly path: string;
  readonly destination: any;
  readonly http: boolean;
}

/** The ways an HTTP route can send its requests (CR215). */
const HTTP_ROUTE_KINDS = ['route', 'redirect', 'directResponse', 'delegate'];

/** Whether an HTTP route sets `k` (an empty `route` list counts as unset). */
function setsRouteKind(route: any, k: string): boolean {
  return route?.[k] !== undefined && route?.[k] !== null && !(k === 'route' && Array.isArray(route.route) && route.route.length === 0);
}

function checkVirtualService(ctx: Context, vs: Obj): void {
  const mesh = isMeshBound(vs.raw);
  if (mesh) checkMeshWildcard(ctx, vs);
  arr(vs.raw.spec?.gateways).forEach((ref: any, i: number) => {
    if (ref !== 'mesh') checkGatewayRef(ctx, vs, ref, i);
  });
  arr(vs.raw.spec?.http).forEach((route: any, i: number) => checkHttpRoute(ctx, vs, route, i));
  for (const d of destinations(vs.raw.spec)) checkDestination(ctx, vs, d, mesh);
}

/** CR208: no host "*" on a VirtualService bound to the mesh. */
function checkMeshWildcard(ctx: Context, vs: Obj): void {
  const gateways = vs.raw.spec?.gateways;
  arr(vs.raw.spec?.hosts).map(String).forEach((h, i) => {
    if (h !== '*') return;
    ctx.report('CR208', vs, `spec.hosts[${i}]`,
      `host "*" is not allowed on a VirtualService bound to the mesh ('gateways' ${gateways ? show(gateways) : 'unset, which means mesh'}); `
      + 'Istio says "wildcard host * is not allowed for virtual services bound to the mesh gateway"',
      `replace "*" with the Service's FQDN (for example "<name>.${vs.namespace}.svc.cluster.local"), or bind the VirtualService to a gateway only`);
  });
}

/** The hosts the manifest set declares as services: `<name>.<namespace>` of each Service, and the hosts of ServiceEntries. */
function declaredHosts(ctx: Context): Set<string> {
  const hosts = new Set<string>(ctx.ofKind('Service').map(svc => `${svc.name}.${svc.namespace}`));
  for (const se of ctx.ofKind('ServiceEntry')) arr(se.raw.spec?.hosts).forEach((h: any) => hosts.add(String(h)));
  return hosts;
}

/** A name Kubernetes DNS answers in the cluster: a short name, or one under `.svc` / `.cluster.local`. */
function isClusterHost(host: string): boolean {
  return !host.includes('.') || /\.svc(\.cluster\.local)?$/.test(host) || host.endsWith('.cluster.local');
}

/** CR224: a VirtualService bound to the mesh only, with a host that names no Service of the cluster (an external name). */
function checkMeshExternalHosts(ctx: Context, vs: Obj, declared: Set<string>): void {
  const gateways = arr(vs.raw.spec?.gateways);
  if (!isMeshBound(vs.raw) || gateways.some((g: any) => g !== 'mesh')) return;
  arr(vs.raw.spec?.hosts).forEach((h: any, i: number) => {
    const host = String(h);
    if (host === '*' || isClusterHost(host) || declared.has(host)) return; // "*": CR208
    ctx.report('CR224', vs, `spec.hosts[${i}]`,
      `host ${show(host)} is not the name of a Service of the cluster, and the VirtualService is bound to the mesh only ('gateways' `
      + `${gateways.length > 0 ? show(gateways) : 'unset, which means mesh'}): every sidecar it is exported to sends its requests for ${show(host)} `
      + 'to this VirtualService\'s destinations instead of the external host, and no ingress gateway serves the name',
      `bind the VirtualService to the ingress gateway that serves ${show(host)} (IstioSubsets 'gateways'), or remove the host (IstioSubsets 'hosts'); `
      + 'if the mesh is meant to answer for that name, declare it with a ServiceEntry');
  });
}

/** CR204, CR205, CR206: a gateway reference is well-formed, names a Gateway of the set, and that Gateway serves a host. */
function checkGatewayRef(ctx: Context, vs: Obj, ref: any, i: number): void {
  const gw = parseGatewayRef(String(ref), vs.namespace);
  if (!gw) {
    ctx.report('CR204', vs, `spec.gateways[${i}]`,
      `gateway reference ${show(ref)} is neither "mesh", "<namespace>/<name>" nor "<name>" with DNS-1123 labels; Istio's webhook rejects it`,
      'write the Gateway as "<namespace>/<name>" (for example "istio-system/public-gateway"), or "mesh" for the sidecars');
    return;
  }
  const found = ctx.find('Gateway', gw.namespace, gw.name, vs);
  if (!found) {
    ctx.report('CR206', vs, `spec.gateways[${i}]`,
      `the Gateway ${gw.namespace}/${gw.name} is not in the manifest set, so the VirtualService hosts are not checked against its servers (istioctl analyze offline reports IST0101 "Referenced gateway not found")`,
      'make sure the Gateway exists in the cluster and serves one of the VirtualService hosts, or add it to the app');
    return;
  }
  const hosts: string[] = arr(vs.raw.spec?.hosts).map(String);
  const serverHosts = arr(found.raw.spec?.servers).flatMap((s: any) => arr(s?.hosts).map(String));
  const usable = serverHosts
    .map(h => splitServerHost(h, found.namespace))
    .filter(h => h.namespace === '*' || h.namespace === vs.namespace)
    .map(h => h.host);
  if (hosts.some(h => usable.some(s => hostsMatch(fqdn(h, vs.namespace), s)))) return;
  ctx.report('CR205', vs, `spec.gateways[${i}]`,
    `none of the hosts (${showList(hosts)}) is served by ${found.label} (server hosts: ${showList(serverHosts)}), so the gateway never routes to this VirtualService; `
    + 'istioctl analyze reports IST0132 "one or more host ... not found in Gateway"',
    'add the external host (for example "shop.example.com") to both the VirtualService hosts and a Gateway server, or fix the gateway reference');
}

/** CR214, CR215: an HTTP route sends its requests one way, with weights that are not negative and not all 0. */
function checkHttpRoute(ctx: Context, vs: Obj, route: any, i: number): void {
  const kinds = HTTP_ROUTE_KINDS.filter(k => setsRouteKind(route, k));
  if (kinds.length !== 1) {
    ctx.report('CR215', vs, `spec.http[${i}]`,
      kinds.length === 0
        ? `HTTP route ${show(route?.name ?? i)} has no 'route', 'redirect' or 'directResponse'; Istio says "HTTP route, redirect or direct_response is required"`
        : `HTTP route ${show(route?.name ?? i)} sets ${kinds.map(k => `'${k}'`).join(' and ')}; Istio accepts only one of them`,
      kinds.length === 0 ? "add 'route' with the destinations (for example stable 100 / canary 0)" : `keep only one of ${kinds.join(', ')}`);
  }
  const rd = arr(route?.route);
  rd.forEach((d: any, j: number) => {
    if (typeof d?.weight === 'number' && d.weight < 0) {
      ctx.report('CR214', vs, `spec.http[${i}].route[${j}].weight`,
        `weight (${d.weight}) is negative; Istio says "weight ${d.weight} < 0"`,
        'use a weight of 0 or more (the initial split is stable 100 / canary 0)');
    }
  });
  const total = rd.reduce((sum: number, d: any) => sum + (typeof d?.weight === 'number' ? d.weight : 0), 0);
  if (rd.length > 1 && total === 0) {
    ctx.report('CR214', vs, `spec.http[${i}].route`,
      `the ${rd.length} destinations of HTTP route ${show(route?.name ?? i)} have weights ${show(rd.map((d: any) => d?.weight ?? null))}, which total 0; `
      + 'Istio says "total destination weight = 0"',
      'give the stable destination weight 100 and the canary destination weight 0');
  }
}

/** Every destination of a VirtualService: of its HTTP routes (routes and mirrors), then of its TCP and TLS routes. */
function destinations(spec: any): Dest[] {
  const dests: Dest[] = [];
  arr(spec?.http).forEach((route: any, i: number) => {
    arr(route?.route).forEach((d: any, j: number) => dests.push({ path: `spec.http[${i}].route[${j}].destination`, destination: d?.destination, http: true }));
    if (route?.mirror) dests.push({ path: `spec.http[${i}].mirror`, destination: route.mirror, http: true });
    arr(route?.mirrors).forEach((m: any, j: number) => dests.push({ path: `spec.http[${i}].mirrors[${j}].destination`, destination: m?.destination, http: true }));
  });
  for (const kind of ['tcp', 'tls']) {
    arr(spec?.[kind]).forEach((route: any, i: number) => arr(route?.route).forEach((d: any, j: number) =>
      dests.push({ path: `spec.${kind}[${i}].route[${j}].destination`, destination: d?.destination, http: false })));
  }
  return dests;
}

function parseGatewayRef(ref: string, vsNamespace: string): { namespace: string; name: string } | undefined {
  const parts = ref.split('/');
  if (parts.length === 2) {
    return DNS1123_LABEL.test(parts[0]) && DNS1123_LABEL.test(parts[1]) ? { namespace: parts[0], name: parts[1] } : undefined;
  }
  if (parts.length !== 1) return undefined;
  if (DNS1123_LABEL.test(ref)) return { namespace: vsNamespace, name: ref };
  // legacy `<name>.<namespace>` form, still accepted by Istio with a warning
  const dots = ref.split('.');
  if (dots.length >= 2 && dots.every(p => DNS1123_LABEL.test(p))) return { namespace: dots[1], name: dots[0] };
  return undefined;
}

function checkDestination(ctx: Context, vs: Obj, d: Dest, mesh: boolean): void {
  const dest = d.destination;
  if (!dest || typeof dest.host !== 'string' || dest.host === '') return;
  const host = fqdn(dest.host, vs.namespace);
  if (dest.subset !== undefined) checkSubset(ctx, vs, d, host);
  const target = serviceOfHost(host);
  const svc = target && ctx.find('Service', target.namespace, target.name, vs);
  const port = svc && destinationPort(ctx, vs, d, svc);
  if (!port || !d.http || !mesh) return;
  // CR219
  const protocol = portProtocol(port);
  if (protocol === UNSUPPORTED_PROTOCOL || isHttpProtocol(protocol)) return;
  ctx.report('CR219', vs, d.path,
    `the HTTP route goes to port ${show(port.port)} (${show(port.name ?? '')}) of ${svc.label}, which Istio treats as ${protocol}, `
    + 'so the sidecars never apply the HTTP routes: no weights per request, no header or mirror routes',
    'name the Service port "http" (or "http-<suffix>", "grpc", "http2"), or set \'appProtocol: http\' on it');
}

/** CR201, CR202: the subset of a destination is defined by a DestinationRule of its host. */
function checkSubset(ctx: Context, vs: Obj, d: Dest, host: string): void {
  const subset = d.destination.subset;
  const rules = ctx.destinationRulesFor(host, vs, h => hostsMatch(h, host));
  if (rules.length === 0) {
    ctx.report('CR202', vs, `${d.path}.subset`,
      `no DestinationRule for host ${show(host)} is in the manifest set, so subset ${show(subset)} is not checked`,
      `make sure a DestinationRule with host ${show(host)} and a subset named ${show(subset)} exists in the cluster, or add it to the app`);
    return;
  }
  const names = rules.flatMap(dr => arr(dr.raw.spec?.subsets).map((s: any) => s?.name));
  if (names.includes(subset)) return;
  ctx.report('CR201', vs, `${d.path}.subset`,
    `subset ${show(subset)} is not defined in ${rules.map(r => r.label).join(', ')} for host ${show(host)} (its subsets: ${showList(names)}); `
    + 'requests to it fail with 503 and istioctl analyze reports IST0101 "Referenced host+subset in destinationrule not found"',
    `add a subset named ${show(subset)} to the DestinationRule, or fix the subset name in the route`);
}

/** CR209, CR210: the Service port a destination goes to, or undefined (reported) when it is ambiguous or not a port. */
function destinationPort(ctx: Context, vs: Obj, d: Dest, svc: Obj): any {
  const ports = arr(svc.raw.spec?.ports);
  const number = d.destination.port?.number;
  if (number === undefined) {
    if (ports.length <= 1) return ports[0];
    ctx.report('CR209', vs, `${d.path}.port`,
      `the destination has no 'port', but ${svc.label} exposes ${ports.length} ports (${showList(ports.map((p: any) => p?.port))}); `
      + 'istioctl analyze reports IST0112 "Specifying a port in the destination is required to disambiguate"',
      'set \'port: { number: <port> }\' on the destination to the Service port that serves this traffic');
    return undefined;
  }
  const port = ports.find((p: any) => p?.port === number);
  if (port) return port;
  ctx.report('CR210', vs, `${d.path}.port.number`,
    `port ${show(number)} is not a port of ${svc.label} (its ports: ${showList(ports.map((p: any) => p?.port))}); `
    + 'istioctl analyze reports IST0101 "Referenced host:port not found"',
    'use one of the Service ports (the Service port, not the container port)');
  return undefined;
}

function checkMeshHostConflicts(ctx: Context): void {
  const byHost = new Map<string, Obj[]>();
  for (const vs of ctx.ofKind('VirtualService')) {
    if (!isMeshBound(vs.raw)) continue;
    const hosts = new Set(arr(vs.raw.spec?.hosts).map((h: any) => fqdn(String(h), vs.namespace)));
    for (const h of hosts) {
      const key = `${vs.cluster}\u0000${h}`; // VirtualServices of two clusters never conflict
      const list = byHost.get(key);
      if (list) list.push(vs);
      else byHost.set(key, [vs]);
    }
  }
  for (const [key, list] of byHost) {
    if (list.length < 2) continue;
    const host = key.slice(key.indexOf('\u0000') + 1);
    for (const vs of list.slice(1)) {
      if (vs.namespace === list[0].namespace && vs.name === list[0].name) continue; // the same object defined twice: CR308
      const index = arr(vs.raw.spec?.hosts).findIndex((h: any) => fqdn(String(h), vs.namespace) === host);
      ctx.report('CR207', vs, `spec.hosts[${index}]`,
        `host ${show(host)} is also defined by ${list[0].label}, and both apply to the mesh; sidecars do not merge VirtualServices, so one of them is ignored `
        + '(istioctl analyze IST0109)',
        'merge the routes into one VirtualService for this host, or bind one of them to a gateway only');
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// DestinationRule

function checkDestinationRule(ctx: Context, dr: Obj): void {
  const spec = dr.raw.spec ?? {};
  checkTrafficPolicy(ctx, dr, 'spec.trafficPolicy', spec.trafficPolicy);
  const seen = new Set<string>();
  arr(spec.subsets).forEach((s: any, i: number) => {
    const name = s?.name;
    // CR203
    if (typeof name !== 'string' || name.length > 63 || !DNS1123_LABEL.test(name)) {
      ctx.report('CR203', dr, `spec.subsets[${i}].name`,
        `subset name ${show(name)} is not a DNS-1123 label; Istio's webhook rejects it`,
        'use lowercase letters, digits and \'-\', at most 63 characters, starting and ending with a letter or digit (for example "canary")');
    } else if (seen.has(name)) {
      ctx.report('CR203', dr, `spec.subsets[${i}].name`,
        `subset name ${show(name)} is used twice; Istio's webhook rejects duplicate subset names`,
        'give every subset its own name, or remove the duplicate');
    }
    if (typeof name === 'string') seen.add(name);
    checkTrafficPolicy(ctx, dr, `spec.subsets[${i}].trafficPolicy`, s?.trafficPolicy);
  });
}

function checkTrafficPolicy(ctx: Context, dr: Obj, path: string, policy: any): void {
  if (policy === undefined || policy === null) return;
  // CR211
  if (typeof policy === 'object' && Object.keys(policy).filter(k => policy[k] !== undefined).length === 0) {
    ctx.report('CR211', dr, path,
      "'trafficPolicy' is empty ({}); Istio says \"traffic policy must have at least one field\"",
      "remove 'trafficPolicy', or set at least one of loadBalancer, connectionPool, outlierDetection, tls");
    return;
  }
  const pools: Array<[string, any]> = [[`${path}.connectionPool`, policy.connectionPool]];
  arr(policy.portLevelSettings).forEach((p: any, i: number) => pools.push([`${path}.portLevelSettings[${i}].connectionPool`, p?.connectionPool]));
  for (const [p, pool] of pools) {
    // CR212
    if (pool !== undefined && pool !== null && !pool.http && !pool.tcp) {
      ctx.report('CR212', dr, p,
        `'connectionPool' (${show(pool)}) sets neither 'http' nor 'tcp'; Istio's webhook rejects it`,
        "set 'connectionPool.http' and/or 'connectionPool.tcp', or remove 'connectionPool'");
    }
  }
}

/**
 * CR220, CR221: each subset selects endpoints of the Service of its host (pilot/pkg/xds/endpoints/endpoint_builder.go:
 * the endpoints of a subset are the Service's endpoints whose labels include the subset's labels), that is pods with
 * the Service selector's labels and the subset's. Checked when the Service is in the set.
 */
function checkSubsetEndpoints(ctx: Context, dr: Obj): void {
  if (typeof dr.raw.spec?.host !== 'string') return;
  const target = serviceOfHost(fqdn(dr.raw.spec.host, dr.namespace));
  const svc = target && ctx.find('Service', target.namespace, target.name, dr);
  const selector = svc ? labelMap(svc.raw.spec?.selector) : {};
  if (!svc || Object.keys(selector).length === 0) return;
  arr(dr.raw.spec?.subsets).forEach((s: any, i: number) => {
    const labels = labelMap(s?.labels);
    const conflict = Object.keys(labels).find(k => selector[k] !== undefined && selector[k] !== labels[k]);
    if (conflict !== undefined) {
      ctx.report('CR220', dr, `spec.subsets[${i}].labels`,
        `subset ${show(s?.name)} selects ${show(conflict)}: ${show(labels[conflict])}, but ${svc.label} selects its pods with ${show(conflict)}: `
        + `${show(selector[conflict])}, so no endpoint of the Service is in the subset and every request routed to it fails with 503 (no healthy upstream)`,
        `label the subset's pods with the Service's selector (${show(selector)}) and tell them apart with a label of their own (for example `
        + '"track": "legacy"), and select that label in the subset');
      return;
    }
    const wanted = { ...selector, ...labels };
    if (Object.keys(labels).some(k => RELEASE_VARYING.has(k))) return; // CR303 says why no pod matches
    if (ctx.workloadsWithLabels(dr, svc.namespace, wanted).length > 0) return;
    ctx.report('CR221', dr, `spec.subsets[${i}].labels`,
      `no workload in the manifest set runs pods that are in subset ${show(s?.name)} (pods labelled ${show(wanted)}: the selector of ${svc.label} and the `
      + 'subset\'s labels), so unless such pods come from outside the app the subset has no endpoints and the traffic routed to it fails with 503',
      'check that the pods of the subset carry both the Service\'s labels and the subset\'s, or add their workload to the app');
  });
}

/**
 * CR222, CR223: the DestinationRules of one host in one namespace (and cluster) merge as meant, in Istio's merge
 * (src/private/istio-merge.ts): no subset is dropped for a name an older rule defines, one top-level traffic policy,
 * and no rule of the host kept apart by another `exportTo`.
 */
function checkMergedDestinationRules(ctx: Context): void {
  const byCluster = new Map<string, Obj[]>();
  for (const dr of ctx.ofKind('DestinationRule')) {
    const list = byCluster.get(dr.cluster);
    const last = list?.[list.length - 1]; // ofKind orders by namespace and name, so an object defined twice is next to itself
    if (last && last.namespace === dr.namespace && last.name === dr.name) continue; // CR308 reports it
    if (list) list.push(dr);
    else byCluster.set(dr.cluster, [dr]);
  }
  for (const rules of byCluster.values()) {
    const objOf = new Map(rules.map(dr => [dr.raw, dr]));
    const merged = mergeDestinationRules(rules.map(dr => ({ manifest: dr.raw, namespace: dr.namespace })));
    for (const m of merged) {
      // one report per pair of rules: the subsets one rule defines again, at the first of them
      const pairs = new Map<string, { dr: Obj; kept: Obj; subsets: any[] }>();
      for (const d of m.dropped) {
        const dr = objOf.get(d.rule.manifest)!;
        const kept = objOf.get(d.keptFrom.manifest)!;
        if (ctx.removedSubsets.has(`${kept.index}/${d.subset?.name}`)) continue; // CR132: the controller removes that one
        const key = `${dr.index}/${kept.index}`;
        const pair = pairs.get(key);
        if (pair) pair.subsets.push(d.subset);
        else pairs.set(key, { dr, kept, subsets: [d.subset] });
      }
      for (const { dr, kept, subsets } of pairs.values()) {
        const names = subsets.map(sub => show(sub?.name)).join(', ');
        ctx.report('CR222', dr, `spec.subsets[${arr(dr.raw.spec?.subsets).indexOf(subsets[0])}].name`,
          `${subsets.length === 1 ? 'subset' : 'subsets'} ${names} ${subsets.length === 1 ? 'is' : 'are'} also defined by ${kept.label}, `
          + `a DestinationRule of the same host ${show(m.host)} in namespace ${show(m.namespace)}: `
          + 'Istio merges the two and keeps the subsets of the older one, so which labels apply depends on the creation order',
          'define each subset in one DestinationRule of the host (stable and canary in the one the Rollout manages, the others in the second)');
      }
      if (m.ignoredPolicies.length > 0) {
        const withPolicy = m.rules.filter(r => r.manifest.spec?.trafficPolicy).map(r => objOf.get(r.manifest)!);
        ctx.report('CR223', withPolicy[1], 'spec.trafficPolicy',
          `${withPolicy.map(d => d.label).join(' and ')} are DestinationRules of one host and both set a top-level 'trafficPolicy': Istio merges them and applies `
          + 'only the older rule\'s, so which policy applies depends on the creation order',
          "set the top-level 'trafficPolicy' in one of them only (a subset's own 'trafficPolicy' is kept)");
      }
    }
    checkExportTo(ctx, merged, objOf);
  }
}

/** CR223: rules of one host and namespace without workload selector that Istio keeps apart for their `exportTo`. */
function checkExportTo(ctx: Context, merged: MergedRule[], objOf: Map<any, Obj>): void {
  const apart = new Map<string, MergedRule[]>();
  for (const m of merged) {
    if (m.rules[0].manifest.spec?.workloadSelector) continue;
    const key = `${m.namespace}\u0000${m.host}`;
    const list = apart.get(key);
    if (list) list.push(m);
    else apart.set(key, [m]);
  }
  for (const list of apart.values()) {
    if (list.length < 2) continue;
    const drs = list.map(m => objOf.get(m.rules[0].manifest)!);
    ctx.report('CR223', drs[1], 'spec.exportTo',
      `${drs.map(d => `${d.label} (exportTo ${show(d.raw.spec?.exportTo ?? [])})`).join(' and ')} are DestinationRules of one host with different 'exportTo': `
      + 'Istio (1.24 and later) merges only rules with the same exportTo, so a client sees the subsets of one of them, not both',
      "give the DestinationRules of one host the same 'exportTo' (or none)");
  }
}

// ---------------------------------------------------------------------------------------------------
// Gateway

function checkGateway(ctx: Context, gw: Obj): void {
  const names = new Set<string>();
  arr(gw.raw.spec?.servers).forEach((server: any, i: number) => {
    const path = `spec.servers[${i}]`;
    const name = server?.port?.name;
    // CR216
    if (typeof name !== 'string' || name === '') {
      ctx.report('CR216', gw, `${path}.port.name`,
        `server ${i} (port ${show(server?.port?.number)}) has no port name; Istio's webhook rejects a server without one`,
        'name the port after its protocol and number, for example "https-443"');
    } else if (names.has(name)) {
      ctx.report('CR216', gw, `${path}.port.name`,
        `port name ${show(name)} is used by another server of the Gateway; Istio's webhook requires unique port names`,
        `rename the port of server ${i} (for example "${String(server?.port?.protocol ?? 'http').toLowerCase()}-${server?.port?.number ?? i}")`);
    }
    if (typeof name === 'string') names.add(name);
    const protocol = String(server?.port?.protocol ?? '').toUpperCase();
    const tls = server?.tls;
    // CR217
    if ((protocol === 'HTTPS' || protocol === 'TLS') && !tls) {
      ctx.report('CR217', gw, `${path}.tls`,
        `server ${i} has protocol ${protocol} but no 'tls' block; Istio's webhook rejects it`,
        "add 'tls: { mode: SIMPLE, credentialName: <TLS Secret in the gateway workload's namespace> }'");
    }
    // CR218
    if (['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(protocol) && tls) {
      const certFields = ['credentialName', 'credentialNames', 'serverCertificate', 'privateKey', 'caCertificates', 'tlsCertificates'].filter(k => tls[k] !== undefined);
      const mode = tls.mode;
      if ((mode !== undefined && mode !== 'PASSTHROUGH') || certFields.length > 0) {
        ctx.report('CR218', gw, `${path}.tls`,
          `server ${i} has protocol ${protocol} but TLS settings (${show(tls)}); Istio says "server cannot have TLS settings for plain text HTTP ports"`,
          'keep only \'tls: { httpsRedirect: true }\' on the HTTP server, and put the certificate on a server with protocol HTTPS');
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Service

function checkServicePorts(ctx: Context, svc: Obj): void {
  arr(svc.raw.spec?.ports).forEach((port: any, i: number) => {
    // CR213
    if (portProtocol(port) === UNSUPPORTED_PROTOCOL) {
      ctx.report('CR213', svc, `spec.ports[${i}].name`,
        `port ${show(port?.port)} is named ${show(port?.name ?? '')} without 'appProtocol', so Istio has to guess the protocol `
        + `(istioctl analyze IST0118 "Port name ${port?.name ?? ''} ... doesn't follow the naming convention of Istio port")`,
        'name the port "<protocol>[-<suffix>]" (for example "http" or "http-web"), or set \'appProtocol\' (for example "http")');
    }
  });
}
