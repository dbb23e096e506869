import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { atConstructPath } from './private/constructs/construct-path';
import { resolveNamespace } from './private/constructs/namespace';
import { PREREQUISITES_ANNOTATIONS } from './private/constructs/wave-annotations';
import { GATEWAY } from './private/gvk';
import { assertHost } from './private/istio';
import { assertDnsLabel, assertDnsSubdomain, assertLabels } from './private/k8s';
import type * as istio from '../imports/networking.istio.io';
import { attachAppRules } from './private/synth/app-rules';

/** An Istio Gateway that VirtualServices can bind to. */
export interface IIstioGateway {
  /** The reference VirtualServices use: `<namespace>/<name>`. */
  readonly gatewayRef: string;
  /** The hosts the gateway serves (a VirtualService bound to it must use one of them). Empty when unknown. */
  readonly hosts: string[];
}

/** TLS settings of a new gateway. */
export interface IstioGatewayTlsOptions {
  /**
   * Name of the Kubernetes TLS Secret holding the certificate. It must live in the namespace of the
   * gateway workload (for the default ingress gateway, `istio-system`), for example created by cert-manager.
   */
  readonly credentialName: string;
  /**
   * Redirect plain HTTP requests to HTTPS with a 301.
   * @default true
   */
  readonly httpsRedirect?: boolean;
}

/** Props of `IstioGateway`. */
export interface IstioGatewayProps {
  /**
   * External hosts served, for example `shop.example.com` or `*.example.com`.
   */
  readonly hosts: string[];
  /**
   * Gateway name.
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Namespace of the Gateway object.
   * @default - the chart's namespace, else "default"
   */
  readonly namespace?: string;
  /**
   * Labels selecting the gateway workload (the Envoy pods that serve it).
   * @default { istio: 'ingressgateway' }
   */
  readonly selector?: { [key: string]: string };
  /**
   * Serve HTTPS with this certificate. Without it the gateway serves plain HTTP only.
   * @default - plain HTTP on port 80
   */
  readonly tls?: IstioGatewayTlsOptions;
}

/**
 * An Istio ingress Gateway (networking.istio.io/v1) for the canary's external hosts: plain HTTP, or HTTPS
 * with a redirect from HTTP.
 *
 * @example
 * const gw = new IstioGateway(chart, 'public', {
 *   hosts: ['shop.example.com'],
 *   tls: { credentialName: 'shop-example-com-tls' },
 * });
 */
export class IstioGateway extends Construct implements IIstioGateway {
  /**
   * References a Gateway defined elsewhere.
   *
   * @param gatewayRef `<namespace>/<name>`, for example `istio-system/public`
   * @param hosts the hosts it serves, when known (used to check that VirtualService hosts match)
   */
  public static fromGatewayRef(gatewayRef: string, hosts?: string[]): IIstioGateway {
    const parts = gatewayRef.split('/');
    if (parts.length !== 2) {
      throw new Error(`'gatewayRef' ("${gatewayRef}") must be "<namespace>/<name>", for example "istio-system/public-gateway": `
        + 'a bare name would be resolved in the VirtualService namespace');
    }
    assertDnsLabel('gatewayRef namespace', parts[0]);
    assertDnsLabel('gatewayRef name', parts[1]);
    (hosts ?? []).forEach(h => assertHost('hosts', h));
    return { gatewayRef, hosts: [...(hosts ?? [])] };
  }

  /** `<namespace>/<name>`. */
  public readonly gatewayRef: string;
  /** Gateway name. */
  public readonly name: string;
  /** Gateway namespace. */
  public readonly namespace: string;
  /** The underlying object, for escape hatches. */
  public readonly apiObject: ApiObject;
  private readonly _hosts: string[];
  private readonly props: IstioGatewayProps;

  constructor(scope: Construct, id: string, props: IstioGatewayProps) {
    super(scope, id);
    try {
      this.name = props.name ?? id.toLowerCase();
      attachAppRules(this);
      assertDnsLabel('name', this.name, 'a DNS-1123 label (Istio rejects Gateway names with dots)');
      this.namespace = resolveNamespace(this, props.namespace);
      if (props.hosts.length === 0) {
        throw new Error("'hosts' is empty: a Gateway needs at least one host, for example ['shop.example.com']");
      }
      props.hosts.forEach(h => assertHost('hosts', h));
      if (props.selector) assertLabels('selector', props.selector);
      if (props.tls) assertDnsSubdomain('tls.credentialName', props.tls.credentialName);
      this._hosts = [...props.hosts];
      this.props = props;
      this.gatewayRef = `${this.namespace}/${this.name}`;
      this.apiObject = new ApiObject(this, 'Resource', {
        ...GATEWAY,
        metadata: { name: this.name, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
        spec: Lazy.any({ produce: () => this._toKube() }),
      });
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /** Hosts served. */
  public get hosts(): string[] {
    return [...this._hosts];
  }

  /** @internal */
  public _toKube(): istio.GatewaySpec {
    const hosts = this.hosts;
    const servers: istio.GatewaySpecServers[] = [];
    const tls = this.props.tls;
    if (tls) {
      servers.push({
        port: { number: 80, name: 'http', protocol: 'HTTP' },
        hosts,
        ...((tls.httpsRedirect ?? true) ? { tls: { httpsRedirect: true } } : {}),
      });
      servers.push({
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts,
        tls: { mode: 'SIMPLE' as istio.GatewaySpecServersTlsMode.SIMPLE, credentialName: tls.credentialName },
      });
    } else {
      servers.push({ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts });
    }
    return { selector: this.props.selector ?? { istio: 'ingressgateway' }, servers };
  }
}

