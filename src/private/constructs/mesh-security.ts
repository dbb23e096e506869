// The PeerAuthentication and AuthorizationPolicy of a workload. Not exported from the package.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryAuthorizationOptions } from '../../mesh-security';
import { AUTHORIZATION_POLICY, PEER_AUTHENTICATION } from '../gvk';
import { assertDnsLabel, assertDnsSubdomain } from '../k8s';
import { PREREQUISITES_ANNOTATIONS } from './wave-annotations';
import type * as sec from '../../../imports/security.istio.io';

/** Settings for the PeerAuthentication and AuthorizationPolicy of a workload. */
export interface MeshSecurityProps {
  readonly name: string;
  readonly namespace: string;
  readonly selector: { [key: string]: string };
  readonly ports: number[];
  readonly strictMtls: boolean;
  readonly authorization?: CanaryAuthorizationOptions;
  readonly gatewayBound: boolean;
}

/**
 * Defines the workload's PeerAuthentication (mTLS STRICT) and, when callers are given, an
 * AuthorizationPolicy that allows only them on the service ports. Returns the objects made.
 */
export function defineMeshSecurity(scope: Construct, props: MeshSecurityProps): { peerAuthentication?: ApiObject; authorizationPolicy?: ApiObject } {
  const annotations = { ...PREREQUISITES_ANNOTATIONS };
  const out: { peerAuthentication?: ApiObject; authorizationPolicy?: ApiObject } = {};
  if (props.strictMtls) {
    const spec: sec.PeerAuthenticationSpec = {
      selector: { matchLabels: { ...props.selector } },
      mtls: { mode: 'STRICT' as sec.PeerAuthenticationSpecMtlsMode.STRICT },
    };
    out.peerAuthentication = new ApiObject(scope, 'PeerAuthentication', {
      ...PEER_AUTHENTICATION,
      metadata: { name: props.name, namespace: props.namespace, annotations },
      spec,
    });
  }
  const auth = props.authorization;
  if (auth) {
    const trustDomain = auth.trustDomain ?? 'cluster.local';
    assertDnsSubdomain('authorization.trustDomain', trustDomain);
    const principal = (prop: string, ref: string) => {
      const parts = ref.split('/');
      if (parts.length !== 2) {
        throw new Error(`'${prop}' ("${ref}") must be "<namespace>/<service account>", for example "shop/storefront"`);
      }
      assertDnsLabel(`${prop} namespace`, parts[0]);
      assertDnsSubdomain(`${prop} name`, parts[1]);
      return `${trustDomain}/ns/${parts[0]}/sa/${parts[1]}`;
    };
    const principals = (auth.serviceAccounts ?? []).map(sa => principal('authorization.serviceAccounts', sa));
    if (auth.allowIngressGateway ?? props.gatewayBound) {
      principals.push(principal('authorization.ingressGatewayServiceAccount', auth.ingressGatewayServiceAccount ?? 'istio-system/istio-ingressgateway-service-account'));
    }
    const namespaces = [...(auth.namespaces ?? [])];
    namespaces.forEach(ns => assertDnsLabel('authorization.namespaces', ns));
    if (principals.length === 0 && namespaces.length === 0) {
      throw new Error("'authorization' allows nobody: an ALLOW policy without callers denies every request. Give 'serviceAccounts', "
        + "'namespaces' or 'allowIngressGateway: true', or leave 'authorization' out");
    }
    if (!props.strictMtls) {
      throw new Error("'authorization' identifies callers by their mTLS identity, but 'strictMtls' is false: plaintext requests carry no "
        + "identity and would be denied. Keep 'strictMtls' true (the default) or leave 'authorization' out");
    }
    const from: sec.AuthorizationPolicySpecRulesFrom[] = [];
    if (principals.length > 0) from.push({ source: { principals: dedupe(principals) } });
    if (namespaces.length > 0) from.push({ source: { namespaces: dedupe(namespaces) } });
    const spec: sec.AuthorizationPolicySpec = {
      selector: { matchLabels: { ...props.selector } },
      action: 'ALLOW' as sec.AuthorizationPolicySpecAction.ALLOW,
      rules: [{ from, to: [{ operation: { ports: dedupe(props.ports.map(p => `${p}`)) } }] }],
    };
    out.authorizationPolicy = new ApiObject(scope, 'AuthorizationPolicy', {
      ...AUTHORIZATION_POLICY,
      metadata: { name: props.name, namespace: props.namespace, annotations },
      spec,
    });
  }
  return out;
}


function dedupe(values: string[]): string[] {
  return values.filter((v, i) => values.indexOf(v) === i);
}
