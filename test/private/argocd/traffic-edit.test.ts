import { trafficEditCosts } from '../../../src/private/argocd/traffic-edit';

const NS = 'shop';
const dest = (subset: string, weight: number) => ({ destination: { host: 'shop', subset, port: { number: 80 } }, weight });
const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop', namespace: NS }, spec: { hosts: ['shop'], http: [{ name: 'primary', route: [dest('stable', 100), dest('canary', 0)] }] } };
const dr = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'shop', namespace: NS }, spec: { host: 'shop', subsets: [{ name: 'stable', labels: { app: 'shop' } }, { name: 'canary', labels: { app: 'shop' } }] } };

function rollout(steps: any[], extra: any = {}): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'shop', namespace: NS },
    spec: {
      strategy: {
        canary: {
          steps,
          trafficRouting: {
            managedRoutes: [{ name: 'testers' }],
            istio: { virtualService: { name: 'shop', routes: ['primary'] }, destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary', ...extra } },
          },
        },
      },
    },
  };
}

describe('a route edit applied mid-canary', () => {
  test('weights flap from the first weight on; the header route flaps at its own step and is lost after it', () => {
    const steps = [
      { setHeaderRoute: { name: 'testers', match: [{ headerName: 'x-test', headerValue: { exact: '1' } }] } },
      { pause: {} },
      { setWeight: 20 },
      { pause: { duration: '5m' } },
    ];
    expect(trafficEditCosts(rollout(steps), [vs, dr])).toEqual({
      costs: [
        { step: 0, weightsFlapped: false, managedRoutesLost: [], managedRoutesFlapped: ['testers'] },
        { step: 1, weightsFlapped: false, managedRoutesLost: ['testers'], managedRoutesFlapped: [] },
        { step: 2, weightsFlapped: true, managedRoutesLost: ['testers'], managedRoutesFlapped: [] },
        { step: 3, weightsFlapped: true, managedRoutesLost: ['testers'], managedRoutesFlapped: [] },
      ],
    });
  });

  test('says why it cannot tell: a VirtualService that is not among the manifests, a setting the model does not cover', () => {
    expect(trafficEditCosts(rollout([{ setWeight: 10 }]), [dr])).toEqual({ reason: 'VirtualService shop/shop is not among the manifests' });
    expect(trafficEditCosts(rollout([{ setWeight: 10 }], { additionalSubsetNames: ['x'] }), [vs, dr])).toEqual({ reason: 'destinationRule.additionalSubsetNames is not modelled' });
    expect(trafficEditCosts(rollout([{ setHeaderRoute: { name: 'testers', match: [] } }]), [{ ...vs, spec: { hosts: ['shop'], tcp: [] } }, dr]).reason)
      .toMatch(/spec.http not found/);
  });
});
