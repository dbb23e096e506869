// What a user writes without the library, for the same YAML as bench/fleet.ts: the same charts and objects as
// raw cdk8s `ApiObject`s with literal JSON (no library code, no validation), written two ways:
// - `writeFloor`: each chart rendered with `ApiObject.toJson()` + `Yaml.stringify` into one file (the least
//   cdk8s can do, the *floor*);
// - `synthWithCdk8s`: the same objects under a plain cdk8s `App`, written by `App.synth()` (one file per chart).
// bench/run.ts checks that both write files byte-identical to the library's.
//
// Keep it in step with what the library renders: when CanaryService changes its output, the byte
// comparison fails and names the first differing line.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { NAMESPACE, REPO, SERVER, serviceName, serviceTag } from './names';

const PREREQUISITES = { 'argocd.argoproj.io/sync-wave': '-2' };

/** The pod spec, keys in sorted order (so that JSON.stringify of it is the canonical form that is hashed). */
function podSpec(name: string, tag: string): any {
  return {
    automountServiceAccountToken: false,
    containers: [{
      image: `ghcr.io/acme/${name}:${tag}`,
      imagePullPolicy: 'Always',
      name: 'main',
      ports: [{ containerPort: 8080 }],
      readinessProbe: { failureThreshold: 3, tcpSocket: { port: 8080 } },
      resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      },
    }],
    dnsPolicy: 'ClusterFirst',
    hostNetwork: false,
    restartPolicy: 'Always',
    securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    setHostnameAsFQDN: false,
    terminationGracePeriodSeconds: 30,
  };
}

function successRateQuery(): string {
  const sel = 'reporter="destination",destination_service_namespace="{{args.namespace}}",destination_service_name="{{args.service-name}}",'
    + 'destination_canonical_revision="{{args.canary-revision}}"';
  return '(\n'
    + `  sum(rate(istio_requests_total{${sel},response_code!~"5.."}[2m]))\n`
    + '  or on() vector(0)\n'
    + ')\n'
    + '/\n'
    + `sum(rate(istio_requests_total{${sel}}[2m]))\n`
    + 'and on()\n'
    + `sum(increase(istio_requests_total{${sel}}[2m])) >= 10`;
}

/** The objects of one service chart, in the order the library writes them. */
function serviceObjects(chart: Chart, name: string, tag: string): ApiObject[] {
  const ns = NAMESPACE;
  const host = `${name}.${ns}.svc.cluster.local`;
  const app = { app: name };
  const labels = {
    'app': name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/version': tag,
    'sidecar.istio.io/inject': 'true',
    'version': tag,
  };
  const spec = podSpec(name, tag);
  // The revision label: version and a hash of the pod template (labels and spec), as Argo Rollouts users
  // would have to compute it by hand.
  const hash = createHash('sha256').update(JSON.stringify({ labels, spec })).digest('hex').slice(0, 10);
  const revision = `${tag}-${hash}`;
  const route = (subset: string, weight: number) => ({ destination: { host, port: { number: 80 }, subset }, weight });
  return [
    new ApiObject(chart, 'AnalysisTemplate', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { annotations: PREREQUISITES, name: `${name}-success-rate`, namespace: ns },
      spec: {
        args: [{ name: 'namespace' }, { name: 'service-name' }, { name: 'canary-revision' }],
        metrics: [{
          failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.99',
          failureLimit: 1,
          inconclusiveLimit: 0,
          initialDelay: '1m',
          interval: '1m',
          name: 'success-rate',
          provider: { prometheus: { address: 'http://prometheus.istio-system.svc.cluster.local:9090', query: successRateQuery() } },
          successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99',
        }],
      },
    }),
    new ApiObject(chart, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { annotations: PREREQUISITES, name, namespace: ns },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: app, type: 'ClusterIP' },
    }),
    new ApiObject(chart, 'DestinationRule', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { annotations: PREREQUISITES, name, namespace: ns },
      spec: { host, subsets: [{ labels: app, name: 'stable' }, { labels: app, name: 'canary' }] },
    }),
    new ApiObject(chart, 'VirtualService', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '-1' }, name, namespace: ns },
      spec: {
        gateways: ['mesh'],
        hosts: [host],
        http: [{ name: 'primary', route: [route('stable', 100), route('canary', 0)] }],
      },
    }),
    new ApiObject(chart, 'Rollout', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '0' }, name, namespace: ns },
      spec: {
        progressDeadlineAbort: true,
        progressDeadlineSeconds: 600,
        replicas: 3,
        selector: { matchLabels: app },
        strategy: {
          canary: {
            analysis: {
              args: [
                { name: 'canary-revision', value: revision },
                { name: 'namespace', value: ns },
                { name: 'service-name', value: name },
              ],
              templates: [{ templateName: `${name}-success-rate` }],
            },
            steps: [
              { setWeight: 10 }, { pause: { duration: '5m' } },
              { setWeight: 30 }, { pause: { duration: '5m' } },
              { setWeight: 50 }, { pause: { duration: '5m' } },
              { setWeight: 100 }, { pause: { duration: '5m' } },
            ],
            trafficRouting: {
              istio: {
                destinationRule: { canarySubsetName: 'canary', name, stableSubsetName: 'stable' },
                virtualService: { name, routes: ['primary'] },
              },
            },
          },
        },
        template: { metadata: { labels: { ...labels, 'service.istio.io/canonical-revision': revision } }, spec },
      },
    }),
    new ApiObject(chart, 'PeerAuthentication', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { annotations: PREREQUISITES, name, namespace: ns },
      spec: { mtls: { mode: 'STRICT' }, selector: { matchLabels: app } },
    }),
    new ApiObject(chart, 'PodDisruptionBudget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { annotations: PREREQUISITES, name, namespace: ns },
      spec: { maxUnavailable: 1, selector: { matchLabels: app } },
    }),
  ];
}

function application(chart: Chart, name: string): ApiObject {
  return new ApiObject(chart, name, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      destination: { server: SERVER },
      ignoreDifferences: [
        {
          group: 'networking.istio.io',
          jqPathExpressions: ['.spec.subsets[]?.labels["rollouts-pod-template-hash"]'],
          jsonPointers: ['/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts'],
          kind: 'DestinationRule',
          name,
          namespace: NAMESPACE,
        },
        {
          group: 'networking.istio.io',
          jqPathExpressions: ['.spec.http[]?.route[]?.weight'],
          kind: 'VirtualService',
          name,
          namespace: NAMESPACE,
        },
      ],
      project: 'default',
      source: { directory: { include: `${name}.k8s.yaml` }, path: `apps/${name}`, repoURL: REPO, targetRevision: 'main' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { backoff: { duration: '5s', factor: 2, maxDuration: '3m' }, limit: 5 },
        syncOptions: ['ApplyOutOfSyncOnly=true'],
      },
    },
  });
}

/** The floor graph of N services: the app, the Application objects and each service chart's objects. */
interface FloorGraph {
  readonly app: App;
  readonly applications: ApiObject[];
  readonly perChart: Array<[string, ApiObject[]]>;
}

function buildFloor(n: number, outdir?: string): FloorGraph {
  const app = new App({ outdir });
  const argocd = new Chart(app, 'argocd');
  const perChart: Array<[string, ApiObject[]]> = [];
  const applications: ApiObject[] = [];
  for (let i = 0; i < n; i++) {
    const name = serviceName(i);
    const chart = new Chart(app, name, { namespace: NAMESPACE });
    perChart.push([name, serviceObjects(chart, name, serviceTag(i))]);
    applications.push(application(argocd, name));
  }
  return { app, applications, perChart };
}

/** Builds the floor graph of N services and writes one YAML file per chart into `outdir`. */
export function writeFloor(n: number, outdir: string): void {
  const { applications, perChart } = buildFloor(n);
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, 'argocd.k8s.yaml'), Yaml.stringify(...applications.map(o => o.toJson())));
  for (const [name, objects] of perChart) {
    fs.writeFileSync(path.join(outdir, `${name}.k8s.yaml`), Yaml.stringify(...objects.map(o => o.toJson())));
  }
}

/**
 * Builds the same graph under a plain cdk8s `App` and writes it with `App.synth()` (validation of every construct,
 * dependency resolution and ordering, then the same serializer, one file per chart).
 */
export function synthWithCdk8s(n: number, outdir: string): void {
  const app = buildFloor(n, outdir).app;
  app.synth();
}
