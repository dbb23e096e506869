import { Chart, Testing } from 'cdk8s';
import { AnalysisTemplate, AnalysisTemplateArg } from '../../../src/analysis-template';
import { ArgoRollout } from '../../../src/argo-rollout';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryService } from '../../../src/canary-service';
import { IstioGateway } from '../../../src/istio-gateway';
import { IstioSubsets } from '../../../src/istio-subsets';
import { atConstructPath } from '../../../src/private/constructs/construct-path';

const IMAGE = 'ghcr.io/acme/shop:1.4.2';

/** The message of the error `build` throws. */
function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e: any) {
    return e.message;
  }
  throw new Error('expected an error');
}

describe('construct-time errors name the construct path', () => {
  const chart = () => new Chart(Testing.app(), 'apps', { namespace: 'shop' });
  const subsets = (c: Chart) => new IstioSubsets(c, 'subsets', { serviceName: 'shop', servicePort: 80, subsetLabels: { app: 'shop' } });

  test.each([
    ['CanaryService', (c: Chart) => new CanaryService(c, 'shop', { name: 'Shop', image: IMAGE }), /^\[apps\/shop\] 'name' \("Shop"\)/],
    ['IstioSubsets', (c: Chart) => new IstioSubsets(c, 'subsets', { serviceName: 'Shop', servicePort: 80, subsetLabels: { app: 'shop' } }),
      /^\[apps\/subsets\] 'serviceName' \("Shop"\)/],
    ['ArgoRollout', (c: Chart) => new ArgoRollout(c, 'rollout', { subsets: subsets(c), replicas: 1.5, containers: [{ image: IMAGE, portNumber: 8080 }] }),
      /^\[apps\/rollout\] 'replicas' \(1.5\)/],
    ['IstioGateway', (c: Chart) => new IstioGateway(c, 'gw', { name: 'pub.lic', hosts: ['shop.example.com'] }), /^\[apps\/gw\] 'name' \("pub.lic"\)/],
    ['AnalysisTemplate', (c: Chart) => new AnalysisTemplate(c, 't', { args: [AnalysisTemplateArg.required('a'), AnalysisTemplateArg.required('a')] }),
      /^\[apps\/t\] argument 'a' is declared twice/],
    ['ArgoCdApplication', (c: Chart) => new ArgoCdApplication(c, 'app', { name: 'shop', repoUrl: 'not a url', path: 'apps/shop' } as any), /^\[apps\/app\] /],
  ])('fails if %s gets a bad prop, naming its path', (_kind, build, expected) => {
    expect(messageOf(() => build(chart()))).toMatch(expected);
  });

  test('an error of a construct inside another names the innermost construct, once', () => {
    const message = messageOf(() => new CanaryService(chart(), 'shop', { image: IMAGE, hosts: ['shop.example.com'], gateway: IstioGateway.fromGatewayRef('a/b'), mesh: false, separateIngressVirtualService: true } as any));
    expect(message).toMatch(/^\[apps\/shop\/Subsets\] [^[]/);
  });

  test('an error that already names a path is left as it is; other values are passed through', () => {
    const c = chart();
    const inner = atConstructPath(c, new Error('boom')) as Error;
    expect((atConstructPath(c.node.root, inner) as Error).message).toBe('[apps] boom');
    expect(atConstructPath(c, 'not an error')).toBe('not an error');
    expect((atConstructPath(c, new Error('[apps/routes] written by the check')) as Error).message).toBe('[apps/routes] written by the check');
  });
});
