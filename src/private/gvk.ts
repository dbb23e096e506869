// Internal: apiVersion and kind of the custom resources the library writes.
//
// The bindings that `cdk8s import` generated in imports/ are used for their types only (`import type`), so
// loading the library does not load them: the Argo bindings alone took about 25 ms of every process start,
// for four constants. test/private/gvk.test.ts checks every constant against the generated `GVK` of its class.

/** An API group/version and kind, as the generated bindings' `GVK`. */
export interface Gvk {
  readonly apiVersion: string;
  readonly kind: string;
}

export const ROLLOUT: Gvk = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
export const ANALYSIS_TEMPLATE: Gvk = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate' };
export const CLUSTER_ANALYSIS_TEMPLATE: Gvk = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ClusterAnalysisTemplate' };
export const APPLICATION: Gvk = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };
export const DESTINATION_RULE: Gvk = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' };
export const VIRTUAL_SERVICE: Gvk = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' };
export const GATEWAY: Gvk = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' };
export const PEER_AUTHENTICATION: Gvk = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication' };
export const AUTHORIZATION_POLICY: Gvk = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' };

/** The API group of an apiVersion (`apps/v1` → `apps`; `''` for the core group `v1` and for anything not a string). */
export function apiGroupOf(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
