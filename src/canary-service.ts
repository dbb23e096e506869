import { ApiObject, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IAnalysisTemplate } from './analysis-template';
import { ArgoRollout, RolloutAntiAffinity } from './argo-rollout';
import { CanaryLabels } from './canary-labels';
import { CanaryStep, CanaryStepKind } from './canary-step';
import { IIstioGateway } from './istio-gateway';
import { IstioMetrics } from './istio-metrics';
import { AdditionalSubset, IstioSubsets } from './istio-subsets';
import { CanaryAuthorizationOptions } from './mesh-security';
import { atConstructPath } from './private/constructs/construct-path';
import { defineMeshSecurity } from './private/constructs/mesh-security';
import { resolveNamespace } from './private/constructs/namespace';
import { ResolvedServicePort, isHttpFamily, resolveServicePorts } from './private/constructs/service-ports';
import { PREREQUISITES_ANNOTATIONS } from './private/constructs/wave-annotations';
import { assertDnsLabel, assertPinnedImage, assertIdentityLabels } from './private/k8s';
import { attachAppRules } from './private/synth/app-rules';
import { countServiceForWarmUp } from './private/synth/warm-up';
import { BackgroundAnalysisOptions } from './rollout-analysis';
import { RolloutNotification } from './rollout-notification';
import { RoutePolicy } from './route-policy';
import { CanaryServicePort } from './service-port';
import { TrafficPolicy } from './traffic-policy';

/** The Service port when `ports` is not given. */
const DEFAULT_PORT: CanaryServicePort = { port: 80, targetPort: 8080 };

/** Props of `CanaryService`. Only `image` is required. */
export interface CanaryServiceProps {
  /**
   * The container image of the release, pinned by tag or digest (for example `ghcr.io/acme/shop:1.4.2`).
   * Changing it starts a canary release.
   */
  readonly image: string;
  /**
   * Name of the Service, DestinationRule, VirtualService and Rollout (a DNS-1123 label).
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else "default"
   */
  readonly namespace?: string;
  /**
   * The release name on the pods (`app.kubernetes.io/version`, `version`).
   * @default - the image tag (or a short form of the image digest)
   */
  readonly version?: string;
  /**
   * Service ports. Each targets a container port of the same number unless `targetPort` is set.
   * @default - one HTTP port: 80 → container port 8080, named "http"
   */
  readonly ports?: CanaryServicePort[];
  /**
   * The Service port whose traffic the canary route splits.
   * @default - the first HTTP-family port
   */
  readonly routePort?: number;
  /**
   * Identity labels: the Service and Rollout selector and the DestinationRule subsets. They must not vary
   * between releases.
   * @default { app: <name> }
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Number of pods. 0 scales the service down (a release then runs no canary, which the rollout plan notes: PLAN014).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Release steps.
   * @default ArgoRollout.DEFAULT_STEPS
   */
  readonly steps?: CanaryStep[];
  /**
   * Background analysis of the release.
   * @default - when `defaultAnalysis` is true: the `IstioMetrics.successRate()` preset (success rate of
   * the canary's own requests at least 99%, measured every minute) from the first step that sends users to
   * the canary (a weight above 0)
   */
  readonly analysis?: BackgroundAnalysisOptions;
  /**
   * Create the default background analysis when `analysis` is not given. A bad canary is then aborted
   * (traffic back to stable) without anyone watching.
   * @default true
   */
  readonly defaultAnalysis?: boolean;
  /**
   * Environment variables of the container.
   * @default - none
   */
  readonly envVariables?: { [name: string]: kplus.EnvValue };
  /**
   * Command of the container.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments of the container.
   * @default - the image's command
   */
  readonly args?: string[];
  /**
   * CPU and memory requests and limits.
   * @default - cdk8s-plus defaults (requests 1000m CPU / 512Mi, limits 1500m / 2048Mi)
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Readiness probe. Traffic reaches a pod only once it is ready, so a real check (for example
   * `Probe.fromHttpGet('/healthz')`) makes the canary safer.
   * @default - a TCP check on the first container port
   */
  readonly readiness?: kplus.Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: kplus.Probe;
  /**
   * Service account of the pods.
   * @default - the namespace's default account, without a mounted token
   */
  readonly serviceAccount?: kplus.IServiceAccount;
  /**
   * Ingress gateway to bind the VirtualService to (a new `IstioGateway` or `IstioGateway.fromGatewayRef()`).
   * @default - mesh traffic only
   */
  readonly gateway?: IIstioGateway;
  /**
   * External hosts routed from the gateway.
   * @default - the gateway's hosts
   */
  readonly hosts?: string[];
  /**
   * Also route traffic from sidecars inside the mesh.
   * @default true
   */
  readonly mesh?: boolean;
  /**
   * DestinationRule traffic policy.
   * @default - none
   */
  readonly trafficPolicy?: TrafficPolicy;
  /**
   * Request policy of the weighted HTTP route(s): timeout, retries, rewrite, match, CORS, header changes, fault
   * injection (see `IstioSubsetsProps.routePolicy` and docs/route-policy.md).
   * @default - none (Istio's defaults: no timeout, the mesh's retry policy)
   */
  readonly routePolicy?: RoutePolicy;
  /**
   * Progress deadline of the Rollout.
   * @default Duration.seconds(600)
   */
  readonly progressDeadline?: Duration;
  /**
   * With a gateway, define a separate VirtualService for ingress traffic (`<name>-ingress`) next to the mesh
   * one; the Rollout shifts both.
   * @default false
   */
  readonly separateIngressVirtualService?: boolean;
  /**
   * Subsets that keep a fixed share of traffic during the release.
   * @default - none
   */
  readonly additionalSubsets?: AdditionalSubset[];
  /**
   * Scale stable down as the canary grows (see `ArgoRolloutProps.dynamicStableScale` for the caveats).
   * @default false
   */
  readonly dynamicStableScale?: boolean;
  /**
   * Anti-affinity between new and previous pods.
   * @default - none
   */
  readonly antiAffinity?: RolloutAntiAffinity;
  /**
   * Require mutual TLS for every connection to the pods (a PeerAuthentication in STRICT mode selecting
   * them). Callers without an Istio sidecar are then rejected; set false only for services that must accept
   * plaintext from outside the mesh.
   * @default true
   */
  readonly strictMtls?: boolean;
  /**
   * Allow only these callers (an Istio AuthorizationPolicy ALLOW on the service ports, by mTLS identity).
   * @default - no AuthorizationPolicy: every caller that passes mTLS is allowed
   */
  readonly authorization?: CanaryAuthorizationOptions;
  /**
   * Define a PodDisruptionBudget (`maxUnavailable: 1`) when there is more than one pod, so that node
   * drains never take several pods of the service at once.
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /**
   * The request rate the service receives; the rollout plan estimates from it how many requests a bad
   * canary serves before it is aborted.
   * @default - not declared
   */
  readonly expectedRequestsPerSecond?: number;
  /**
   * Notifications of the release (see `ArgoRolloutProps.notifications`).
   * @default - none
   */
  readonly notifications?: RolloutNotification[];
  /**
   * Fast rollback to one of the last `rollbackWindow` revisions (see `ArgoRolloutProps.rollbackWindow`).
   * @default - none: going back to any revision but the stable one runs the whole release
   */
  readonly rollbackWindow?: number;
  /**
   * How many old ReplicaSets the controller keeps (see `ArgoRolloutProps.revisionHistoryLimit`).
   * @default - Argo Rollouts' default (10)
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * A canary-released service in one call: the Service, the Istio DestinationRule and VirtualService
 * (`IstioSubsets`) and the Argo Rollout, with names, labels, ports and subsets that agree by construction.
 *
 * @example
 * new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
 */
export class CanaryService extends Construct {
  /** Name shared by the Service, DestinationRule, VirtualService and Rollout. */
  public readonly name: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** The Kubernetes Service, for escape hatches. */
  public readonly service: ApiObject;
  /** The DestinationRule and VirtualService. */
  public readonly subsets: IstioSubsets;
  /** The Rollout. Use it to add containers, volumes, env, or to change the pod spec. */
  public readonly rollout: ArgoRollout;
  /** The main container. */
  public readonly container: kplus.Container;
  /**
   * The PeerAuthentication requiring mTLS.
   * @default - none when `strictMtls` is false
   */
  public readonly peerAuthentication?: ApiObject;
  /**
   * The AuthorizationPolicy.
   * @default - none unless `authorization` is given
   */
  public readonly authorizationPolicy?: ApiObject;
  /**
   * The PodDisruptionBudget.
   * @default - none for a single pod or when `podDisruptionBudget` is false
   */
  public readonly podDisruptionBudget?: ApiObject;
  /** The templates of the background analysis (the default success-rate template, unless replaced). */
  public readonly analysisTemplates: IAnalysisTemplate[];
  private readonly ports: ResolvedServicePort[];
  private readonly selectorLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: CanaryServiceProps) {
    super(scope, id);
    try {
      countServiceForWarmUp(this);
      this.name = props.name ?? id.toLowerCase();
      attachAppRules(this);
      assertDnsLabel(props.name === undefined ? 'name (from the construct id)' : 'name', this.name);
      this.namespace = resolveNamespace(this, props.namespace);
      assertPinnedImage('image', props.image);
      this.ports = resolveServicePorts(props.ports ?? [DEFAULT_PORT]);
      const routePort = this.resolveRoutePort(props.routePort);
      this.selectorLabels = { ...(props.selectorLabels ?? { [CanaryLabels.APP]: this.name }) };
      assertIdentityLabels('selectorLabels', this.selectorLabels);

      this.service = new ApiObject(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: this.name, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
        spec: Lazy.any({ produce: () => this._toService() }),
      });

      this.subsets = this.defineSubsets(props, routePort);
      const defaultAnalysis = props.defaultAnalysis ?? true;
      const analysis = props.analysis ?? (defaultAnalysis ? this.defaultAnalysis(props.steps ?? ArgoRollout.DEFAULT_STEPS) : undefined);
      this.analysisTemplates = [...(analysis?.templates ?? [])];
      this.rollout = this.defineRollout(props, analysis);
      this.container = this.addMainContainer(props);
      ApiObject.of(this.rollout).addDependency(this.service, this.subsets.virtualService);

      const security = defineMeshSecurity(this, {
        name: this.name,
        namespace: this.namespace,
        selector: this.selectorLabels,
        ports: this.containerPorts,
        strictMtls: props.strictMtls ?? true,
        authorization: props.authorization,
        gatewayBound: props.gateway !== undefined,
      });
      this.peerAuthentication = security.peerAuthentication;
      this.authorizationPolicy = security.authorizationPolicy;

      if ((props.podDisruptionBudget ?? true) && (props.replicas ?? 2) > 1) this.podDisruptionBudget = this.definePodDisruptionBudget();
    } catch (e) {
      throw atConstructPath(this, e);
    }
  }

  /** The DestinationRule and VirtualService(s) of the service, routing on `routePort`. */
  private defineSubsets(props: CanaryServiceProps, routePort: ResolvedServicePort): IstioSubsets {
    return new IstioSubsets(this, 'Subsets', {
      serviceName: this.name,
      namespace: this.namespace,
      servicePort: routePort.port,
      subsetLabels: this.selectorLabels,
      gateways: props.gateway ? [props.gateway] : undefined,
      hosts: props.hosts,
      mesh: props.mesh,
      trafficPolicy: props.trafficPolicy,
      additionalPorts: this.ports.filter(p => p !== routePort).map(p => ({
        port: p.port, protocol: p.protocol, routeName: p.name, sniHosts: p.sniHosts,
      })),
      additionalSubsets: props.additionalSubsets,
      separateIngressVirtualService: props.separateIngressVirtualService,
      routePolicy: props.routePolicy,
    });
  }

  /** The Rollout of the service, without its container. */
  private defineRollout(props: CanaryServiceProps, analysis: BackgroundAnalysisOptions | undefined): ArgoRollout {
    return new ArgoRollout(this, 'Rollout', {
      metadata: { namespace: this.namespace }, // the service's namespace, also when it is not the chart's
      analysis,
      subsets: this.subsets,
      replicas: props.replicas,
      steps: props.steps,
      version: props.version,
      progressDeadline: props.progressDeadline,
      serviceAccount: props.serviceAccount,
      dynamicStableScale: props.dynamicStableScale,
      antiAffinity: props.antiAffinity,
      expectedRequestsPerSecond: props.expectedRequestsPerSecond,
      notifications: props.notifications,
      rollbackWindow: props.rollbackWindow,
      revisionHistoryLimit: props.revisionHistoryLimit,
    });
  }

  /** The service's one container ("main"), listening on every target port. */
  private addMainContainer(props: CanaryServiceProps): kplus.Container {
    const containerPorts = this.containerPorts;
    return this.rollout.addContainer({
      name: 'main',
      image: props.image,
      ports: containerPorts.map(number => ({ number })),
      envVariables: props.envVariables,
      command: props.command,
      args: props.args,
      resources: props.resources,
      readiness: props.readiness ?? kplus.Probe.fromTcpSocket({ port: containerPorts[0] }),
      liveness: props.liveness,
    });
  }

  /** The container ports the Service's ports target, each once, in the order of the ports. */
  private get containerPorts(): number[] {
    return [...new Set(this.ports.map(p => p.targetPort))];
  }

  /** @internal */
  public _toService(): any {
    return {
      type: 'ClusterIP',
      selector: { ...this.selectorLabels },
      ports: this.ports.map(p => ({
        name: p.name,
        port: p.port,
        targetPort: p.targetPort,
        protocol: 'TCP',
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      })),
    };
  }

  /**
   * The default background analysis: the success-rate preset, from the first step that sends users to the canary.
   * Before the first weight above 0 the canary only serves header or mirrored requests, too few to judge (the release
   * would pause as inconclusive).
   */
  private defaultAnalysis(steps: CanaryStep[]): BackgroundAnalysisOptions {
    const template = IstioMetrics.successRateTemplate(this, 'SuccessRate', {
      templateMetadata: { name: `${this.name}-success-rate`, namespace: this.namespace },
    });
    const firstTraffic = steps.findIndex(st => st.kind === CanaryStepKind.SET_WEIGHT && st.trafficWeight! > 0);
    return firstTraffic > 0 ? { templates: [template], startingStep: firstTraffic } : { templates: [template] };
  }

  /** A PodDisruptionBudget that lets node drains take at most one pod of the service at once. */
  private definePodDisruptionBudget(): ApiObject {
    return new ApiObject(this, 'PodDisruptionBudget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: this.name, namespace: this.namespace, annotations: { ...PREREQUISITES_ANNOTATIONS } },
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...this.selectorLabels } } },
    });
  }

  private resolveRoutePort(routePort?: number): ResolvedServicePort {
    if (routePort === undefined) {
      const http = this.ports.find(p => isHttpFamily(p.protocol));
      if (!http) {
        throw new Error(`no HTTP-family port among 'ports' (${this.ports.map(p => `${p.name}:${p.port}`).join(', ')}): the canary splits `
          + 'HTTP requests. Add an HTTP, HTTP2 or GRPC port, or set \'routePort\'');
      }
      return http;
    }
    const port = this.ports.find(p => p.port === routePort);
    if (!port) {
      throw new Error(`'routePort' (${routePort}) is not one of the Service ports (${this.ports.map(p => p.port).join(', ')}): pick one of them`);
    }
    if (!isHttpFamily(port.protocol)) {
      throw new Error(`'routePort' (${routePort}) is a ${port.protocol} port: weighted HTTP routes only apply to HTTP, HTTP2, GRPC or GRPC-Web ports`);
    }
    return port;
  }
}
