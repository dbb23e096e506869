// The namespace of a construct's objects. Not exported from the package.
import { assertDnsLabel } from '../k8s';

let cdk8sModule: typeof import('cdk8s') | undefined;

/** The namespace objects of `scope` land in: the explicit one, else the chart's, else "default". */
export function resolveNamespace(scope: import('constructs').Construct, explicit?: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  cdk8sModule = cdk8sModule ?? require('cdk8s') as typeof import('cdk8s'); // resolved once: a require() per call is slow
  const { Chart } = cdk8sModule;
  const ns = explicit ?? Chart.of(scope).namespace ?? 'default';
  assertDnsLabel('namespace', ns, 'a DNS-1123 label (a namespace name)');
  return ns;
}
