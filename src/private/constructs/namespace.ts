// The namespace of a construct's objects. Not exported from the package.
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { assertDnsLabel } from '../k8s';

/** The namespace objects of `scope` land in: the explicit one, else the chart's, else "default". */
export function resolveNamespace(scope: Construct, explicit?: string): string {
  const ns = explicit ?? Chart.of(scope).namespace ?? 'default';
  assertDnsLabel('namespace', ns, 'a DNS-1123 label (a namespace name)');
  return ns;
}
