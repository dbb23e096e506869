// The bundled example app: an online shop released with canaries on two environments.
//
// - `storefront` is exposed to the internet through an Istio ingress gateway (HTTPS, with a redirect from
//   HTTP) and is also called inside the mesh;
// - `cart` is called only inside the mesh, by the storefront.
//
// The storefront's release is verified beyond its own Prometheus metrics: a smoke test against the canary alone
// before any user reaches it, a load test that keeps the canary's traffic above the analysis floor while users get
// 10%, and a web check of the payment provider's status page. The cart tries out a Datadog metric (dry run) next to
// its Prometheus one.
//
// The storefront's settings are a content-hashed ConfigMap: a settings-only change is a canary release of its own
// (docs/config-changes.md). The cart reads its database password from a Secret that external-secrets writes; its
// version is in the pod template, so a rotation is a canary too.
//
// Staging releases quickly (short pauses); production slowly. Each environment tells its Slack channel when a
// release is aborted or an analysis fails or errors, and can go back to one of its last 3 releases without
// re-running the steps (rollbackWindow, docs/rollback.md). An Argo CD Application per environment deploys its
// chart from the GitOps repository. Run `npx projen synth` to write dist/shop-staging.k8s.yaml,
// dist/shop-production.k8s.yaml and dist/argocd.k8s.yaml (the layout of docs/gitops-layout.md; the committed
// copy is examples/shop/manifests/).
import { Chart, ChartProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisMetric, AnalysisTemplate, ArgoCdApplication, CanaryApp, CanaryService, CanaryStep, CanaryTestTraffic, DatadogIstioMetrics, IstioGateway,
  IstioMetrics, LoadBalancerAlgorithm, MetricCondition, NotificationSecret, NotificationService, NotificationsConfig, RolloutNotification,
  StringMatch, SyncWave, TrafficPolicy, VersionedConfigMap,
} from '../../src';

/** What differs between environments. */
export interface ShopEnvironmentProps extends ChartProps {
  /** Namespace of the environment. */
  readonly namespace: string;
  /** Public host name of the storefront. */
  readonly host: string;
  /** Pods per service. */
  readonly replicas: number;
  /** How long each canary step is observed before the next weight increase. */
  readonly stepPause: Duration;
  /** The Slack channel that hears about aborted releases and failed analyses. */
  readonly releasesChannel: string;
  /** Request rate the storefront receives (for the rollout plan's exposure estimate). */
  readonly storefrontRequestsPerSecond: number;
  /** Image tags released in this environment. */
  readonly storefrontTag: string;
  readonly cartTag: string;
  /** The storefront's settings file (settings.yaml), and the earlier versions that pods of older revisions may still read. */
  readonly storefrontSettings: string;
  readonly previousStorefrontSettings?: string[];
  /** Version of the cart's database credentials, raised by the team at each rotation in the secrets store. */
  readonly cartDbSecretVersion: string;
}

/** One environment of the shop: gateway, storefront and cart. */
export class ShopEnvironment extends Chart {
  public readonly storefront: CanaryService;
  public readonly cart: CanaryService;

  constructor(scope: Construct, id: string, props: ShopEnvironmentProps) {
    super(scope, id, props);

    const steps = [
      CanaryStep.weight(10),
      CanaryStep.pause(props.stepPause),
      CanaryStep.weight(30),
      CanaryStep.pause(props.stepPause),
      CanaryStep.weight(50),
      CanaryStep.pause(props.stepPause),
      CanaryStep.weight(100),
      CanaryStep.pause(props.stepPause),
    ];

    // Test traffic that reaches only the storefront's canary, through a header route the Rollout manages.
    const tests = new CanaryTestTraffic({ serviceName: 'storefront', namespace: props.namespace });
    const smoke = new AnalysisTemplate(this, 'storefront-smoke', {
      metadata: { name: 'storefront-smoke' },
      metrics: [tests.smokeTest({ paths: ['/healthz', '/', '/products'] })],
    });
    // Background verification from the first user traffic: the canary's success rate, a load test for the first three
    // steps (the canary's own requests stay above the success rate's traffic floor even at 10%), and the payment
    // provider's status page (a degraded provider stops the release instead of being blamed on the canary).
    const verification = new AnalysisTemplate(this, 'storefront-verification', {
      metadata: { name: 'storefront-verification' },
      metrics: [
        IstioMetrics.successRate(),
        tests.loadTest({ requestsPerSecond: 10, duration: Duration.seconds(props.stepPause.toSeconds() * 3) }),
        AnalysisMetric.web({
          name: 'payments-status',
          url: 'https://status.payments.example.com/api/v2/status.json',
          jsonPath: '{$.status.indicator}',
          condition: MetricCondition.equalTo('none'),
          interval: Duration.minutes(1),
          failureLimit: 2,
        }),
      ],
    });

    // The storefront's release starts dark: a smoke test against the canary alone, then testers reach it with a
    // header, and a fifth of the read requests is mirrored to it (responses discarded) before any user is served by it.
    const storefrontSteps = [
      CanaryStep.canaryScale({ replicas: 1 }), // one canary pod, no user traffic yet
      tests.headerRoute(),
      CanaryStep.analysis({ templates: [smoke] }),
      CanaryStep.headerRoute({
        name: 'canary-by-header',
        match: [{ headerName: 'x-shop-canary', value: StringMatch.exact('always') }],
      }),
      CanaryStep.mirrorRoute({
        name: 'mirror-reads',
        percentage: 20,
        match: [{ method: StringMatch.exact('GET') }],
      }),
      CanaryStep.pause(props.stepPause),
      CanaryStep.removeMirrorRoute('mirror-reads'),
      steps[0], // 10% of the users
      CanaryStep.canaryScale({ matchTrafficWeight: true }), // from now on the canary scales with its weight
      ...steps.slice(1),
    ];

    const gateway = new IstioGateway(this, 'public', {
      name: 'shop-public',
      hosts: [props.host],
      tls: { credentialName: `${props.namespace}-shop-tls` },
    });

    // The environment's own notifications configuration (the controller runs with
    // --self-service-notification-enabled). The Slack token stays in the Secret argo-rollouts-notification-secret,
    // created outside git; the ConfigMap only refers to it.
    const notifications = new NotificationsConfig(this, 'notifications', {
      services: [NotificationService.slack({ token: NotificationSecret.key('slack-token'), username: 'shop releases' })],
    });
    const releases = notifications.service('slack').to(props.releasesChannel);
    const alerts = [
      RolloutNotification.onRolloutAborted(releases),
      RolloutNotification.onAnalysisRunFailed(releases),
      RolloutNotification.onAnalysisRunError(releases),
    ];

    // Each service runs as its own identity, so that the cart can allow exactly the storefront.
    const identity = (name: string) => new kplus.ServiceAccount(this, `${name}-sa`, {
      metadata: { name, annotations: { [SyncWave.ANNOTATION]: `${SyncWave.PREREQUISITES}` } },
      automountToken: false,
    });

    this.storefront = new CanaryService(this, 'storefront', {
      image: `ghcr.io/acme/storefront:${props.storefrontTag}`,
      replicas: props.replicas,
      expectedRequestsPerSecond: props.storefrontRequestsPerSecond,
      steps: storefrontSteps,
      notifications: alerts,
      rollbackWindow: 3,
      gateway,
      serviceAccount: identity('storefront'),
      // only the ingress gateway (bound above) and workloads of this namespace may call the storefront
      authorization: { allowIngressGateway: true, namespaces: [props.namespace] },
      ports: [{ port: 80, targetPort: 8080 }],
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      analysis: { templates: [verification], startingStep: storefrontSteps.indexOf(steps[0]) },
      envVariables: {
        CART_URL: kplus.EnvValue.fromValue(`http://cart.${props.namespace}.svc.cluster.local`),
      },
      // A page may take 10s in all; a try that gets no connection is retried twice, each try within 3s. Only
      // requests that never reached a pod are retried, so a checkout is never sent twice. (The header and mirror
      // steps' routes do not carry this policy: synth warns with CR238 and CR239, see docs/route-policy.md.)
      routePolicy: {
        timeout: Duration.seconds(10),
        retries: { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: ['connect-failure', 'refused-stream', 'reset-before-request'] },
      },
      trafficPolicy: TrafficPolicy.of({
        loadBalancer: LoadBalancerAlgorithm.LEAST_REQUEST,
        outlierDetection: { consecutive5xxErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30) },
      }),
    });
    const settings = new VersionedConfigMap(this, 'storefront-settings', {
      data: { 'settings.yaml': props.storefrontSettings },
      previousVersions: (props.previousStorefrontSettings ?? []).map(text => ({ data: { 'settings.yaml': text } })),
    });
    this.storefront.container.mount('/etc/storefront', kplus.Volume.fromConfigMap(this, 'settings-volume', settings));

    // The cart's analysis: Istio's success rate from Prometheus, and the same from Datadog as a dry run while the
    // team moves to Datadog (measured and reported, never deciding).
    const cartAnalysis = new AnalysisTemplate(this, 'cart-success-rate', {
      metadata: { name: 'cart-success-rate' },
      metrics: [IstioMetrics.successRate(), DatadogIstioMetrics.successRate()],
      dryRunMetrics: ['datadog-success-rate'],
    });

    this.cart = new CanaryService(this, 'cart', {
      image: `ghcr.io/acme/cart:${props.cartTag}`,
      replicas: props.replicas,
      steps,
      analysis: { templates: [cartAnalysis] },
      notifications: alerts,
      rollbackWindow: 3,
      serviceAccount: identity('cart'),
      // only the storefront may call the cart
      authorization: { serviceAccounts: [`${props.namespace}/storefront`] },
      ports: [
        { port: 80, targetPort: 8080 },
        { port: 9090, name: 'grpc-admin', targetPort: 9090 },
      ],
      readiness: kplus.Probe.fromHttpGet('/ready', { port: 8080 }),
    });
    // written by external-secrets from the secrets store; only its name and version are in git
    const db = this.cart.rollout.referenceSecret('cart-db', { version: props.cartDbSecretVersion });
    this.cart.container.env.addVariable('DB_PASSWORD', kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }));
  }
}

const app = new CanaryApp();
const staging = new ShopEnvironment(app, 'shop-staging', {
  namespace: 'shop-staging',
  host: 'staging.shop.example.com',
  replicas: 2,
  stepPause: Duration.minutes(3),
  releasesChannel: '#shop-staging',
  storefrontRequestsPerSecond: 5,
  storefrontTag: '2.8.0',
  cartTag: '1.12.1',
  // a settings-only change, released to staging first: the previous version stays next to it
  storefrontSettings: 'catalog:\n  pageSize: 24\nsearch:\n  suggestions: true\n',
  previousStorefrontSettings: ['catalog:\n  pageSize: 12\nsearch:\n  suggestions: true\n'],
  cartDbSecretVersion: '2026-11-02',
});
const production = new ShopEnvironment(app, 'shop-production', {
  namespace: 'shop',
  host: 'shop.example.com',
  replicas: 4,
  stepPause: Duration.minutes(10),
  releasesChannel: '#shop-releases',
  storefrontRequestsPerSecond: 400,
  storefrontTag: '2.7.3',
  cartTag: '1.12.1',
  storefrontSettings: 'catalog:\n  pageSize: 12\nsearch:\n  suggestions: true\n',
  cartDbSecretVersion: '2026-10-05',
});

// The Applications live in their own chart; each deploys one environment's file from apps/shop.
const argocd = new Chart(app, 'argocd');
for (const env of [staging, production]) {
  new ArgoCdApplication(argocd, env.node.id, {
    name: env.node.id,
    sourceRepoUrl: 'https://git.example.com/acme/gitops.git',
    sourcePath: 'apps/shop',
    sourceTargetRevision: 'main',
    destinationServer: 'https://kubernetes.default.svc',
    charts: [env],
  });
}

app.synth();
