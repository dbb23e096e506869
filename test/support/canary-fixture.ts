// A valid subset-level canary as plain manifests (Service, DestinationRule, VirtualService, Gateway,
// AnalysisTemplate, Rollout), written for the rule tests. Every call returns fresh objects, so a test can
// mutate them freely.
import { contentHash } from '../../src/private/hash';

export const NS = 'shop';
export const FQDN = 'shop.shop.svc.cluster.local';

/** The pod template without its revision label. */
function podTemplate(): any {
  return {
    metadata: {
      labels: { 'app': 'shop', 'app.kubernetes.io/version': '1.4.2' },
      annotations: { 'sidecar.istio.io/inject': 'true' },
    },
    spec: {
      containers: [{
        name: 'main',
        image: 'registry.example.com/shop:1.4.2',
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      }],
    },
  };
}

/** The revision label as the library computes it: `<version>-<hash of the pod template>`. */
export const REVISION = (() => {
  const t = podTemplate();
  return `1.4.2-${contentHash({ labels: t.metadata.labels, annotations: t.metadata.annotations, spec: t.spec })}`;
})();

export function service(): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'shop', namespace: NS, labels: { app: 'shop' } },
    spec: {
      selector: { app: 'shop' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

export function destinationRule(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      host: FQDN,
      trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } },
      subsets: [
        { name: 'stable', labels: { app: 'shop' } },
        { name: 'canary', labels: { app: 'shop' } },
      ],
    },
  };
}

export function gateway(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['shop.example.com'], tls: { httpsRedirect: true } },
        { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['shop.example.com'], tls: { mode: 'SIMPLE', credentialName: 'shop-example-com-tls' } },
      ],
    },
  };
}

export function virtualService(): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      hosts: ['shop.example.com', FQDN],
      gateways: [`${NS}/shop`, 'mesh'],
      http: [{
        name: 'primary',
        route: [
          { destination: { host: FQDN, subset: 'stable', port: { number: 80 } }, weight: 100 },
          { destination: { host: FQDN, subset: 'canary', port: { number: 80 } }, weight: 0 },
        ],
      }],
    },
  };
}

export function analysisTemplate(): any {
  const selector = 'reporter="destination",destination_service_name="shop",destination_service_namespace="shop",'
    + 'destination_canonical_revision="{{args.canary-revision}}"';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'shop-success-rate', namespace: NS },
    spec: {
      args: [{ name: 'canary-revision' }, { name: 'prometheus', value: 'http://prometheus.istio-system:9090' }],
      metrics: [{
        name: 'success-rate',
        interval: '1m',
        failureLimit: 1,
        successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] >= 0.99',
        failureCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.99',
        provider: {
          prometheus: {
            address: '{{args.prometheus}}',
            query: `sum(rate(istio_requests_total{${selector},response_code!~"5.*"}[2m])) / sum(rate(istio_requests_total{${selector}}[2m]))`,
          },
        },
      }],
    },
  };
}

export function rollout(): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'shop' } },
      template: withRevision(podTemplate()),
      strategy: {
        canary: {
          trafficRouting: {
            istio: {
              virtualService: { name: 'shop', routes: ['primary'] },
              destinationRule: { name: 'shop', canarySubsetName: 'canary', stableSubsetName: 'stable' },
            },
          },
          analysis: {
            templates: [{ templateName: 'shop-success-rate' }],
            args: [{ name: 'canary-revision', value: REVISION }],
            startingStep: 0,
          },
          steps: [
            { setWeight: 10 },
            { pause: { duration: '5m' } },
            { setWeight: 30 },
            { pause: { duration: '5m' } },
            { setWeight: 50 },
            { pause: { duration: '5m' } },
            { setWeight: 100 },
            { pause: { duration: '2m' } },
          ],
        },
      },
    },
  };
}

function withRevision(template: any): any {
  template.metadata.labels['service.istio.io/canonical-revision'] = REVISION;
  return template;
}

/** The whole valid set, in a fixed order. */
export function canaryManifests(): any[] {
  return [service(), destinationRule(), gateway(), virtualService(), analysisTemplate(), rollout()];
}

/** The object of a kind (and name) in a set; throws when absent. */
export function get(manifests: any[], kind: string, name = 'shop'): any {
  const found = manifests.find(m => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`fixture has no ${kind} ${name}`);
  return found;
}
