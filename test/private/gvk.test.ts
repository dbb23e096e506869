import * as argo from '../../imports/argoproj.io';
import * as istio from '../../imports/networking.istio.io';
import * as sec from '../../imports/security.istio.io';
import * as gvk from '../../src/private/gvk';

describe('GVK constants', () => {
  test.each([
    ['ROLLOUT', argo.Rollout.GVK],
    ['ANALYSIS_TEMPLATE', argo.AnalysisTemplate.GVK],
    ['CLUSTER_ANALYSIS_TEMPLATE', argo.ClusterAnalysisTemplate.GVK],
    ['APPLICATION', argo.Application.GVK],
    ['DESTINATION_RULE', istio.DestinationRule.GVK],
    ['VIRTUAL_SERVICE', istio.VirtualService.GVK],
    ['GATEWAY', istio.Gateway.GVK],
    ['PEER_AUTHENTICATION', sec.PeerAuthentication.GVK],
    ['AUTHORIZATION_POLICY', sec.AuthorizationPolicy.GVK],
  ])('%s is the GVK of the generated binding', (name, generated) => {
    expect((gvk as any)[name]).toEqual({ apiVersion: generated.apiVersion, kind: generated.kind });
  });

  test('the enum values written as literals are those of the generated bindings', () => {
    expect(istio.GatewaySpecServersTlsMode.SIMPLE).toBe('SIMPLE');
    expect(sec.PeerAuthenticationSpecMtlsMode.STRICT).toBe('STRICT');
    expect(sec.AuthorizationPolicySpecAction.ALLOW).toBe('ALLOW');
  });

  test('loading the library does not load the generated bindings', () => {
    // in a fresh module registry, each binding is replaced by a module that fails when it is loaded
    jest.isolateModules(() => {
      for (const binding of ['../../imports/argoproj.io', '../../imports/networking.istio.io', '../../imports/security.istio.io']) {
        jest.doMock(binding, () => {
          throw new Error(`the library loaded ${binding} at run time: import its types with 'import type' and take constants from src/private/gvk.ts`);
        });
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(() => require('../../src')).not.toThrow();
    });
  });
});
