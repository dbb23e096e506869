// Istio: hosts, durations. Not exported from the package.
import { Duration } from 'cdk8s';
import { assertDnsSubdomain } from './k8s';

/** Validates an external host name (a DNS name, optionally with a leading `*.` wildcard). */
export function assertHost(prop: string, host: string): void {
  if (host === '*') {
    throw new Error(`'${prop}' contains "*": Istio does not allow a wildcard host on VirtualServices bound to the mesh, `
      + 'and a catch-all host would capture every request of the gateway. Name the hosts, for example "shop.example.com"');
  }
  assertDnsSubdomain(prop, host.startsWith('*.') ? host.slice(2) : host);
}

/** Istio's duration string (`5s`, `250ms`). */
export function istioDuration(d: Duration | undefined): string | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds();
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
