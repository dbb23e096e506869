import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { assertDnsLabel, assertIntInRange, resolveNamespace } from './_util';
import { assertIdentityLabels } from './canary-labels';
import { IIstioGateway, assertHost } from './istio-gateway';
import { SyncWave } from './sync-wave';
import { TrafficPolicy } from './traffic-policy';
import * as istio from '../imports/networking.istio.io';

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
  /** The DestinationRule object, for escape hatches. */
  public readonly destinationRule: ApiObject;
  /** The VirtualService object, for escape hatches. */
  public readonly virtualService: ApiObject;
  private readonly _subsetLabels: { [key: string]: string };
  private readonly _gateways: IIstioGateway[];
  private readonly _hosts: string[];
  private readonly trafficPolicy?: TrafficPolicy;

  constructor(scope: Construct, id: string, props: IstioSubsetsProps) {
    super(scope, id);
    assertDnsLabel('serviceName', props.serviceName);
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
    assertDnsLabel('stableSubsetName', this.stableSubsetName, 'a DNS-1123 label (Istio subset names)');
    assertDnsLabel('canarySubsetName', this.canarySubsetName, 'a DNS-1123 label (Istio subset names)');
    if (this.stableSubsetName === this.canarySubsetName) {
      throw new Error(`'stableSubsetName' and 'canarySubsetName' are both "${this.stableSubsetName}": the stable and canary subsets need different names`);
    }
    this.routeName = props.routeName ?? 'primary';
    assertDnsLabel('routeName', this.routeName, 'a DNS-1123 label');
    this.mesh = props.mesh ?? true;
    this._gateways = [...(props.gateways ?? [])];
    this._subsetLabels = { ...props.subsetLabels };
    this.trafficPolicy = props.trafficPolicy;

    const refs = this._gateways.map(g => g.gatewayRef);
    const dup = refs.find((r, i) => refs.indexOf(r) !== i);
    if (dup) throw new Error(`'gateways' lists "${dup}" twice: bind each gateway once`);
    if (!this.mesh && this._gateways.length === 0) {
      throw new Error("'mesh' is false and no 'gateways' are given: the VirtualService would apply to no traffic. Bind a gateway or keep 'mesh' true");
    }
    this._hosts = [...(props.hosts ?? this._gateways.flatMap(g => g.hosts))].filter((h, i, all) => all.indexOf(h) === i);
    this._hosts.forEach(h => assertHost('hosts', h));
    if (this._gateways.length > 0 && this._hosts.length === 0) {
      throw new Error(`'hosts' is empty but the VirtualService is bound to ${refs.join(', ')}: a gateway routes by host. `
        + "Set 'hosts' (for example ['shop.example.com']) or pass the gateway's hosts to IstioGateway.fromGatewayRef()");
    }
    for (const g of this._gateways) {
      if (g.hosts.length > 0 && !this._hosts.some(h => g.hosts.some(gh => hostMatches(gh, h)))) {
        throw new Error(`none of the 'hosts' (${this._hosts.join(', ')}) is served by gateway ${g.gatewayRef} (${g.hosts.join(', ')}): `
          + 'Istio ignores a VirtualService whose hosts the gateway does not serve (IST0132). Use one of the gateway hosts');
      }
    }

    this.destinationRule = new ApiObject(this, 'DestinationRule', {
      ...istio.DestinationRule.GVK,
      metadata: { name: this.destinationRuleName, namespace: this.namespace, annotations: { [SyncWave.ANNOTATION]: `${SyncWave.PREREQUISITES}` } },
      spec: Lazy.any({ produce: () => this._toDestinationRule() }),
    });
    this.virtualService = new ApiObject(this, 'VirtualService', {
      ...istio.VirtualService.GVK,
      metadata: { name: this.virtualServiceName, namespace: this.namespace, annotations: { [SyncWave.ANNOTATION]: `${SyncWave.ROUTING}` } },
      spec: Lazy.any({ produce: () => this._toVirtualService() }),
    });
    this.virtualService.addDependency(this.destinationRule);
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

  /** @internal */
  public _toVirtualService(): istio.VirtualServiceSpec {
    const destination = (subset: string) => ({ host: this.host, subset, port: { number: this.servicePort } });
    return {
      hosts: [...this._hosts, ...(this.mesh ? [this.host] : [])],
      gateways: this.gatewayRefs,
      http: [{
        name: this.routeName,
        route: [
          { destination: destination(this.stableSubsetName), weight: 100 },
          { destination: destination(this.canarySubsetName), weight: 0 },
        ],
      }],
    };
  }
}

/** Istio host matching: exact, or a `*.suffix` wildcard that matches one or more labels. */
function hostMatches(pattern: string, host: string): boolean {
  const bare = pattern.includes('/') ? pattern.split('/')[1] : pattern;
  if (bare === '*' || bare === host) return true;
  if (bare.startsWith('*.')) return host.endsWith(bare.slice(1)) || host === bare;
  return false;
}
