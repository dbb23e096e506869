import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IIstioGateway } from './istio-gateway';
import { resolveNamespace } from './private/constructs/namespace';
import { RenderedRoutePolicy, resolveRoutePolicy } from './private/constructs/route-policy';
import { isHttpFamily } from './private/constructs/service-ports';
import { PREREQUISITES_ANNOTATIONS, ROUTING_ANNOTATIONS } from './private/constructs/wave-annotations';
import { DESTINATION_RULE, VIRTUAL_SERVICE } from './private/gvk';
import { assertHost, hostsMatch } from './private/istio';
import { assertIdentityLabels, assertDnsLabel, assertLabels } from './private/k8s';
import { attachAppRules } from './private/synth/app-rules';
import { assertIntInRange } from './private/validate';
import { RoutePolicy } from './route-policy';
import { ServicePortProtocol } from './service-port';
import { TrafficPolicy } from './traffic-policy';
import type * as istio from '../imports/networking.istio.io';
import { atConstructPath } from './private/constructs/construct-path';

/** Another Service port whose traffic the canary splits too. */
export interface RoutedServicePort {
  /** The Service port number. */
  readonly port: number;
  /** Its protocol: HTTP-family ports get a weighted HTTP route, TLS/HTTPS ports a TLS route (by SNI), TCP ports a TCP route. */
  readonly protocol: ServicePortProtocol;
  /**
   * Name of the weighted HTTP route for an HTTP-family port.
   * @default - `<protocol>-<port>`
   */
  readonly routeName?: string;
  /**
   * SNI hosts a TLS route matches (each must be one of the VirtualService hosts).
   * @default - the Service FQDN
   */
  readonly sniHosts?: string[];
}

/**
 * A subset that is neither stable nor canary and keeps its own share of traffic during the release, for pods that the
 * Rollout does not manage (a legacy Deployment, for example). Its pods must be endpoints of the Service: they carry
 * every label of the Service's selector (`subsetLabels`), and the subset's own labels tell them apart from the
 * Rollout's pods.
 */
export interface AdditionalSubset {
  /** Subset name (a DNS-1123 label). */
  readonly name: string;
  /**
   * Labels that select its pods among the Service's endpoints, for example `{ track: 'legacy' }`. Each label of the
   * Service's selector that is also given must have the selector's value, and at least one label must be one the
   * Rollout's pods do not carry.
   */
  readonly labels: { [key: string]: string };
  /** Its fixed share of traffic, in percent; stable gets the rest. */
  readonly weight: number;
}

/** A TLS route as Argo Rollouts identifies it. */
export interface TlsRouteSelector {
  /** The port the route matches. */
  readonly port: number;
  /** The SNI hosts it matches. */
  readonly sniHosts: string[];
}

/** Props of `IstioSubsets`. */
export interface IstioSubsetsProps {
  /** Name of the (single) Kubernetes Service of the canary. */
  readonly serviceName: string;
  /** The Service port the route sends traffic to (set on every destination). */
  readonly servicePort: number;
  /**
   * Identity labels of the pods: the same labels as the Service selector. Both subsets select them; Argo
   * Rollouts adds `rollouts-pod-template-hash` to each subset at runtime.
   */
  readonly subsetLabels: { [key: string]: string };
  /**
   * Namespace of the Service, the DestinationRule and the VirtualService.
   * @default - the chart's namespace, else "default"
   */
  readonly namespace?: string;
  /**
   * Name of the DestinationRule and VirtualService.
   * @default - the Service name
   */
  readonly name?: string;
  /**
   * Name of the stable subset.
   * @default "stable"
   */
  readonly stableSubsetName?: string;
  /**
   * Name of the canary subset.
   * @default "canary"
   */
  readonly canarySubsetName?: string;
  /**
   * Name of the weighted HTTP route that Argo Rollouts updates.
   * @default "primary"
   */
  readonly routeName?: string;
  /**
   * Ingress gateways the VirtualService is bound to. Ingress and mesh traffic go through the same weighted
   * route.
   * @default - none (mesh traffic only)
   */
  readonly gateways?: IIstioGateway[];
  /**
   * External hosts routed from the gateways.
   * @default - the hosts of the gateways (required when a referenced gateway has no known hosts)
   */
  readonly hosts?: string[];
  /**
   * Route traffic from sidecars inside the mesh (gateway `mesh`).
   * @default true
   */
  readonly mesh?: boolean;
  /**
   * Traffic policy of the DestinationRule (applies to both subsets).
   * @default - none (Istio's defaults; auto mTLS)
   */
  readonly trafficPolicy?: TrafficPolicy;
  /**
   * Other Service ports to split: each gets its own weighted route, matched by port.
   * @default - only `servicePort`
   */
  readonly additionalPorts?: RoutedServicePort[];
  /**
   * Subsets that keep a fixed share of traffic next to stable and canary. They are defined in a second
   * DestinationRule for the same host, `<name>-additional`, that Argo Rollouts does not manage (it removes every
   * subset other than stable, canary and a running experiment's from the DestinationRule it manages); Istio merges
   * the two. Their names are the Rollout's `additionalSubsetNames`, so the controller keeps their weights in the
   * routes (it deletes any other destination). See docs/additional-subsets.md.
   * @default - none
   */
  readonly additionalSubsets?: AdditionalSubset[];
  /**
   * With gateways and `mesh`, define two VirtualServices instead of one: `<name>-ingress` bound to the
   * gateways (external hosts, HTTP routes) and `<name>` for the mesh (the Service FQDN). The Rollout
   * lists both (`virtualServices`), so both are shifted together.
   * @default false
   */
  readonly separateIngressVirtualService?: boolean;
  /**
   * Request policy of every weighted HTTP route (timeout, retries, rewrite, match, CORS, header changes, fault
   * injection), the same on each of them, in each VirtualService. TLS and TCP routes have no such settings.
   * @default - none (Istio's defaults: no timeout, the mesh's retry policy)
   */
  readonly routePolicy?: RoutePolicy;
}

/** One weighted HTTP route. @internal */
interface HttpRouteDef {
  readonly name: string;
  readonly port: number;
}

/**
 * The Istio side of a subset-level canary: a DestinationRule with `stable` and `canary` subsets for the
 * Service's FQDN, and a VirtualService with one named HTTP route sending 100% to stable and 0% to canary.
 * Argo Rollouts moves the weights and writes the pod-template hash into the subsets at runtime.
 *
 * Both objects are `networking.istio.io/v1` (Istio 1.22 or later).
 */
export class IstioSubsets extends Construct {
  /** Namespace of the Service, DestinationRule and VirtualService. */
  public readonly namespace: string;
  /** The Service name. */
  public readonly serviceName: string;
  /** The Service's cluster-local FQDN, the DestinationRule host. */
  public readonly host: string;
  /** The Service port the routes target. */
  public readonly servicePort: number;
  /** DestinationRule name. */
  public readonly destinationRuleName: string;
  /** VirtualService name. */
  public readonly virtualServiceName: string;
  /** Stable subset name. */
  public readonly stableSubsetName: string;
  /** Canary subset name. */
  public readonly canarySubsetName: string;
  /** The weighted HTTP route's name. */
  public readonly routeName: string;
  /** Whether sidecar traffic in the mesh is routed. */
  public readonly mesh: boolean;
  /** The DestinationRule object (the one Argo Rollouts manages), for escape hatches. */
  public readonly destinationRule: ApiObject;
  /**
   * The second DestinationRule, for the same host, that holds the additional subsets; Argo Rollouts does not manage
   * it. For escape hatches.
   * @default - none unless `additionalSubsets` are given
   */
  public readonly additionalDestinationRule?: ApiObject;
  /** The VirtualService object, for escape hatches. */
  public readonly virtualService: ApiObject;
  private readonly _subsetLabels: { [key: string]: string };
  private readonly _gateways: IIstioGateway[];
  private readonly _hosts: string[];
  /**
   * The extra VirtualService bound to the gateways.
   * @default - none unless `separateIngressVirtualService` is set
   */
  public readonly ingressVirtualService?: ApiObject;
  private readonly trafficPolicy?: TrafficPolicy;
  private readonly _httpRoutes: HttpRouteDef[];
  private readonly _tlsRoutes: TlsRouteSelector[];
  private readonly _tcpPorts: number[];
  private readonly _additionalSubsets: AdditionalSubset[];
  private readonly separateIngress: boolean;
  private readonly routePolicy?: RenderedRoutePolicy;

  constructor(scope: Construct, id: string, props: IstioSubsetsProps) {
    super(scope, id);
    try {
      assertDnsLabel('serviceName', props.serviceName);
      attachAppRules(this);
      assertIntInRange('servicePort', props.servicePort, 1, 65535);
      assertIdentityLabels('subsetLabels', props.subsetLabels);
      this.serviceName = props.serviceName;
      this.namespace = resolveNamespace(this, props.namespace);
      this.host = `${props.serviceName}.${this.namespace}.svc.cluster.local`;
      this.servicePort = props.servicePort;
      const name = props.name ?? props.serviceName;
      assertDnsLabel('name', name);
      this.destinationRuleName = name;
      this.virtualServiceName = name;
      this.stableSubsetName = props.stableSubsetName ?? 'stable';
      this.canarySubsetName = props.canarySubsetName ?? 'canary';
      assertSubsetNames(this.stableSubsetName, this.canarySubsetName);
      this.routeName = props.routeName ?? 'primary';
      assertDnsLabel('routeName', this.routeName, 'a DNS-1123 label');
      this.mesh = props.mesh ?? true;
      this._gateways = [...(props.gateways ?? [])];
      this._subsetLabels = { ...props.subsetLabels };
      this.trafficPolicy = props.trafficPolicy;
      this._hosts = gatewayHosts(this._gateways, props.hosts, this.mesh);
      this.separateIngress = props.separateIngressVirtualService ?? false;
      const routes = this.routePorts(props.additionalPorts ?? []);
      this._httpRoutes = routes.http;
      this._tlsRoutes = routes.tls;
      this._tcpPorts = routes.tcp;
      const taken = [this.stableSubsetName, this.canarySubsetName];
      this._additionalSubsets = checkAdditionalSubsets(props.additionalSubsets ?? [], taken, this._subsetLabels);
      if (this.separateIngress && !(this.mesh && this._gateways.length > 0)) {
        throw new Error("'separateIngressVirtualService' needs both 'gateways' and 'mesh': with only one of them there is one VirtualService");
      }
      this.routePolicy = resolveRoutePolicy(this, props.routePolicy);

      this.destinationRule = new ApiObject(this, 'DestinationRule', {
        ...DESTINATION_RULE,
        metadata: { name: this.destinationRuleName, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
        spec: Lazy.any({ produce: () => this._toDestinationRule() }),
      });
      this.virtualService = new ApiObject(this, 'VirtualService', {
        ...VIRTUAL_SERVICE,
        metadata: { name: this.virtualServiceName, namespace: this.namespace, annotations: { ...ROUTING_ANNOTATIONS } },
        spec: Lazy.any({ produce: () => this._toVirtualService() }),
      });
      this.virtualService.addDependency(this.destinationRule);
      if (this._additionalSubsets.length > 0) {
        this.additionalDestinationRule = new ApiObject(this, 'AdditionalDestinationRule', {
          ...DESTINATION_RULE,
          metadata: { name: `${this.destinationRuleName}-additional`, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
          spec: Lazy.any({ produce: () => this._toAdditionalDestinationRule() }),
        });
        this.virtualService.addDependency(this.additionalDestinationRule);
      }
      if (this.separateIngress) {
        this.ingressVirtualService = new ApiObject(this, 'IngressVirtualService', {
          ...VIRTUAL_SERVICE,
          metadata: { name: `${this.virtualServiceName}-ingress`, namespace: this.namespace, annotations: { ...ROUTING_ANNOTATIONS } },
          spec: Lazy.any({ produce: () => this._toIngressVirtualService() }),
        });
        this.ingressVirtualService.addDependency(this.destinationRule);
        if (this.additionalDestinationRule) this.ingressVirtualService.addDependency(this.additionalDestinationRule);
      }
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /** Names of the weighted HTTP routes Argo Rollouts updates (the primary route first). */
  public get httpRouteNames(): string[] {
    return this._httpRoutes.map(r => r.name);
  }

  /** Names of all VirtualServices the Rollout drives. */
  public get virtualServiceNames(): string[] {
    return [this.virtualServiceName, ...(this.ingressVirtualService ? [this.ingressVirtualService.name] : [])];
  }

  /** Names of the additional subsets. */
  public get additionalSubsetNames(): string[] {
    return this._additionalSubsets.map(x => x.name);
  }

  /**
   * The `trafficRouting.istio` block of a Rollout driving these subsets.
   * @internal
   */
  public _toRolloutIstio(): any {
    const meshVs = {
      name: this.virtualServiceName,
      routes: this.httpRouteNames,
      ...(this._tlsRoutes.length > 0 ? { tlsRoutes: this._tlsRoutes.map(t => ({ port: t.port, sniHosts: [...t.sniHosts] })) } : {}),
      ...(this._tcpPorts.length > 0 ? { tcpRoutes: this._tcpPorts.map(port => ({ port })) } : {}),
    };
    const destinationRule = {
      name: this.destinationRuleName,
      stableSubsetName: this.stableSubsetName,
      canarySubsetName: this.canarySubsetName,
      ...(this._additionalSubsets.length > 0 ? { additionalSubsetNames: this.additionalSubsetNames } : {}),
    };
    if (this.ingressVirtualService) {
      return {
        virtualServices: [{ name: this.ingressVirtualService.name, routes: this.httpRouteNames }, meshVs],
        destinationRule,
      };
    }
    return { virtualService: meshVs, destinationRule };
  }

  /** The weighted routes: the service port's HTTP route, then one route per additional port (HTTP, TLS by SNI, or TCP). */
  private routePorts(additionalPorts: RoutedServicePort[]): { http: HttpRouteDef[]; tls: TlsRouteSelector[]; tcp: number[] } {
    const routes = { http: [{ name: this.routeName, port: this.servicePort }], tls: [] as TlsRouteSelector[], tcp: [] as number[] };
    const seenPorts = new Set([this.servicePort]);
    additionalPorts.forEach((p, i) => {
      assertIntInRange(`additionalPorts[${i}].port`, p.port, 1, 65535);
      if (seenPorts.has(p.port)) {
        throw new Error(`'additionalPorts[${i}].port' (${p.port}) is already routed: list each Service port once (servicePort is ${this.servicePort})`);
      }
      seenPorts.add(p.port);
      if (isHttpFamily(p.protocol)) {
        const routeName = p.routeName ?? `${p.protocol}-${p.port}`;
        assertDnsLabel(`additionalPorts[${i}].routeName`, routeName);
        if (routes.http.some(r => r.name === routeName)) {
          throw new Error(`'additionalPorts[${i}].routeName' ("${routeName}") is already the name of another weighted route: route names must be unique`);
        }
        routes.http.push({ name: routeName, port: p.port });
      } else if (p.protocol === ServicePortProtocol.TCP) {
        routes.tcp.push(p.port);
      } else {
        routes.tls.push({ port: p.port, sniHosts: this.sniHosts(p, i) });
      }
    });
    if ((routes.tls.length > 0 || routes.tcp.length > 0) && !this.mesh) {
      throw new Error("TLS and TCP ports are routed by the mesh VirtualService, but 'mesh' is false: keep 'mesh' true or drop those ports");
    }
    return routes;
  }

  /** The SNI hosts of the TLS route of an additional port: given, or the Service FQDN; each a host of the mesh VirtualService. */
  private sniHosts(p: RoutedServicePort, i: number): string[] {
    const sniHosts = p.sniHosts ?? [this.host];
    if (sniHosts.length === 0) {
      throw new Error(`'additionalPorts[${i}].sniHosts' is empty: a TLS route is matched by port and SNI hosts (Argo Rollouts and Istio require `
        + `at least one), for example ['${this.host}']`);
    }
    const vsHosts = this.meshHosts();
    for (const h of sniHosts) {
      if (!vsHosts.includes(h)) {
        throw new Error(`'additionalPorts[${i}].sniHosts' contains "${h}", which is not a host of the mesh VirtualService (${vsHosts.join(', ')}): `
          + 'Istio requires each SNI host of a TLS route to be one of the VirtualService hosts');
      }
    }
    return [...sniHosts];
  }

  private meshHosts(): string[] {
    return !this.separateIngress && this._gateways.length > 0 ? [...this._hosts, this.host] : [this.host];
  }

  /** Identity labels both subsets select. */
  public get subsetLabels(): { [key: string]: string } {
    return { ...this._subsetLabels };
  }

  /** External hosts routed from the gateways. */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** Gateway references (`<namespace>/<name>`, and `mesh`) the VirtualService is bound to. */
  public get gatewayRefs(): string[] {
    return [...this._gateways.map(g => g.gatewayRef), ...(this.mesh ? ['mesh'] : [])];
  }

  /** @internal */
  public _toDestinationRule(): istio.DestinationRuleSpec {
    return {
      host: this.host,
      ...(this.trafficPolicy ? { trafficPolicy: this.trafficPolicy._toKube() } : {}),
      subsets: [
        { name: this.stableSubsetName, labels: this.subsetLabels },
        { name: this.canarySubsetName, labels: this.subsetLabels },
      ],
    };
  }

  /**
   * The second DestinationRule: the same host, the additional subsets, and nothing else. Istio merges the
   * DestinationRules of one host in one namespace (same `exportTo`, no `workloadSelector`): subsets are concatenated,
   * and the top-level traffic policy is the older rule's that has one, so it carries none and the additional subsets
   * get the first rule's.
   *
   * @internal
   */
  public _toAdditionalDestinationRule(): istio.DestinationRuleSpec {
    return { host: this.host, subsets: this._additionalSubsets.map(x => ({ name: x.name, labels: { ...x.labels } })) };
  }

  /** @internal */
  public _toVirtualService(): istio.VirtualServiceSpec {
    const separate = this.ingressVirtualService !== undefined;
    const hosts = separate ? [this.host] : [...this._hosts, ...(this.mesh ? [this.host] : [])];
    const gateways = separate ? ['mesh'] : this.gatewayRefs;
    return {
      hosts,
      gateways,
      http: this.renderHttpRoutes(),
      ...(this._tlsRoutes.length > 0 ? {
        tls: this._tlsRoutes.map(t => ({ match: [{ port: t.port, sniHosts: [...t.sniHosts] }], route: this.weightedDestinations(t.port) })),
      } : {}),
      ...(this._tcpPorts.length > 0 ? {
        tcp: this._tcpPorts.map(port => ({ match: [{ port }], route: this.weightedDestinations(port) })),
      } : {}),
    };
  }

  /** @internal */
  public _toIngressVirtualService(): istio.VirtualServiceSpec {
    return {
      hosts: this.hosts,
      gateways: this._gateways.map(g => g.gatewayRef),
      http: this.renderHttpRoutes(),
    };
  }

  /** The weighted HTTP routes: each with the route policy, and matched by its port when there are several. */
  private renderHttpRoutes(): istio.VirtualServiceSpecHttp[] {
    const byPort = this._httpRoutes.length > 1;
    const policyMatch = this.routePolicy?.match;
    return this._httpRoutes.map(r => {
      const match = byPort ? (policyMatch ?? [{}]).map(m => ({ ...m, port: r.port })) : policyMatch;
      return {
        name: r.name,
        ...structuredClone(this.routePolicy?.fields ?? {}),
        ...(match ? { match: structuredClone(match) } : {}),
        route: this.weightedDestinations(r.port),
      };
    });
  }

  /** stable 100 - (fixed shares) / canary 0 / additional subsets with their shares. */
  private weightedDestinations(port: number): any[] {
    const destination = (subset: string) => ({ host: this.host, subset, port: { number: port } });
    const fixed = this._additionalSubsets.reduce((sum, x) => sum + x.weight, 0);
    return [
      { destination: destination(this.stableSubsetName), weight: 100 - fixed },
      { destination: destination(this.canarySubsetName), weight: 0 },
      ...this._additionalSubsets.map(x => ({ destination: destination(x.name), weight: x.weight })),
    ];
  }
}

/** The stable and canary subset names: DNS-1123 labels, and different. */
function assertSubsetNames(stable: string, canary: string): void {
  assertDnsLabel('stableSubsetName', stable, 'a DNS-1123 label (Istio subset names)');
  assertDnsLabel('canarySubsetName', canary, 'a DNS-1123 label (Istio subset names)');
  if (stable === canary) {
    throw new Error(`'stableSubsetName' and 'canarySubsetName' are both "${stable}": the stable and canary subsets need different names`);
  }
}

/**
 * The external hosts of the VirtualService: given, else the hosts of the gateways; without duplicates. Each gateway is
 * bound once and serves one of the hosts; without a gateway the VirtualService must apply to the mesh.
 */
function gatewayHosts(gateways: IIstioGateway[], given: string[] | undefined, mesh: boolean): string[] {
  const refs = gateways.map(g => g.gatewayRef);
  const dup = refs.find((r, i) => refs.indexOf(r) !== i);
  if (dup) throw new Error(`'gateways' lists "${dup}" twice: bind each gateway once`);
  if (!mesh && gateways.length === 0) {
    throw new Error("'mesh' is false and no 'gateways' are given: the VirtualService would apply to no traffic. Bind a gateway or keep 'mesh' true");
  }
  const hosts = [...new Set(given ?? gateways.flatMap(g => g.hosts))];
  hosts.forEach(h => assertHost('hosts', h));
  if (gateways.length > 0 && hosts.length === 0) {
    throw new Error(`'hosts' is empty but the VirtualService is bound to ${refs.join(', ')}: a gateway routes by host. `
      + "Set 'hosts' (for example ['shop.example.com']) or pass the gateway's hosts to IstioGateway.fromGatewayRef()");
  }
  for (const g of gateways) {
    if (g.hosts.length > 0 && !hosts.some(h => g.hosts.some(gh => hostsMatch(gh, h)))) {
      throw new Error(`none of the 'hosts' (${hosts.join(', ')}) is served by gateway ${g.gatewayRef} (${g.hosts.join(', ')}): `
        + 'Istio ignores a VirtualService whose hosts the gateway does not serve (IST0132). Use one of the gateway hosts');
    }
  }
  return hosts;
}

/**
 * Subsets that keep a fixed share of traffic: named uniquely, with valid labels that select endpoints of the Service
 * other than the Rollout's pods, and a total share below 100%.
 */
function checkAdditionalSubsets(subsets: AdditionalSubset[], taken: string[], serviceSelector: { [key: string]: string }): AdditionalSubset[] {
  subsets.forEach((sub, i) => {
    assertDnsLabel(`additionalSubsets[${i}].name`, sub.name, 'a DNS-1123 label (Istio subset names)');
    if (taken.includes(sub.name) || subsets.findIndex(x => x.name === sub.name) !== i) {
      throw new Error(`'additionalSubsets[${i}].name' ("${sub.name}") is already a subset name: subset names must be unique`);
    }
    assertLabels(`additionalSubsets[${i}].labels`, sub.labels);
    assertSelectsOtherEndpoints(`additionalSubsets[${i}].labels`, sub.labels, serviceSelector);
    assertIntInRange(`additionalSubsets[${i}].weight`, sub.weight, 0, 100, 'it is a percentage of the traffic');
  });
  const fixed = subsets.reduce((sum, x) => sum + x.weight, 0);
  if (fixed >= 100) {
    throw new Error(`'additionalSubsets' weights add up to ${fixed}%: stable would get no traffic. Keep their total below 100`);
  }
  return [...subsets];
}

/**
 * The labels of an additional subset select endpoints of the Service (pods with all of `serviceSelector`) that are
 * not the Rollout's pods (which carry exactly the selector's identity labels, plus release labels).
 */
function assertSelectsOtherEndpoints(prop: string, labels: { [key: string]: string }, serviceSelector: { [key: string]: string }): void {
  const given = JSON.stringify(labels);
  const conflict = Object.keys(labels).find(k => serviceSelector[k] !== undefined && serviceSelector[k] !== labels[k]);
  if (conflict !== undefined) {
    throw new Error(`'${prop}' (${given}) sets "${conflict}" to "${labels[conflict]}", but the Service selects pods with "${conflict}": `
      + `"${serviceSelector[conflict]}" ('subsetLabels'): no endpoint of the Service has both, so the subset is empty and its share of the traffic `
      + `fails with 503. Label the subset's pods with the Service's labels (${JSON.stringify(serviceSelector)}) and tell them apart with a label `
      + 'of their own, for example { track: "legacy" }');
  }
  if (Object.keys(labels).every(k => serviceSelector[k] === labels[k])) {
    const what = Object.keys(labels).length === 0 ? 'is empty' : "has only labels of the Service's selector ('subsetLabels')";
    throw new Error(`'${prop}' (${given}) ${what}, so the subset selects every pod of the Service, `
      + 'the Rollout\'s stable and canary pods too, and its share does not stay with other pods. Add a label that only its pods carry, '
      + 'for example { track: "legacy" }');
  }
}
