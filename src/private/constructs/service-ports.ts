// Validated, fully defaulted Service ports. Not exported from the package.
import { CanaryServicePort, ServicePortProtocol } from '../../service-port';
import { isHttpProtocol, protocolOfPortName } from '../istio';
import { assertDnsLabel } from '../k8s';
import { assertIntInRange } from '../validate';

/** A validated, fully defaulted Service port. */
export interface ResolvedServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: ServicePortProtocol;
  readonly appProtocol?: string;
  readonly sniHosts?: string[];
}

/** The protocols' values. */
const PROTOCOLS: string[] = Object.values(ServicePortProtocol);

/** True when Istio routes the protocol per request (HTTP routes, weights, header matches). */
export function isHttpFamily(protocol: ServicePortProtocol): boolean {
  return isHttpProtocol(protocolOfPortName(protocol) ?? '');
}

/**
 * The protocol Istio derives from a port name (`protocolOfPortName`), when it is one the library routes; undefined
 * when the name names none of them.
 */
export function protocolFromName(name: string): ServicePortProtocol | undefined {
  const protocol = protocolOfPortName(name)?.toLowerCase();
  return protocol !== undefined && PROTOCOLS.includes(protocol) ? protocol as ServicePortProtocol : undefined;
}

/** Validates and defaults Service ports. */
export function resolveServicePorts(ports: CanaryServicePort[]): ResolvedServicePort[] {
  if (ports.length === 0) {
    throw new Error("'ports' is empty: a canary Service needs at least one port (for example { port: 80, targetPort: 8080 })");
  }
  const used = new Set<string>();
  const resolved: ResolvedServicePort[] = [];
  ports.forEach((p, i) => {
    assertIntInRange(`ports[${i}].port`, p.port, 1, 65535);
    const targetPort = p.targetPort ?? p.port;
    assertIntInRange(`ports[${i}].targetPort`, targetPort, 1, 65535);
    if (targetPort >= 15000 && targetPort <= 15090) {
      throw new Error(`'ports[${i}].targetPort' (${targetPort}) is in the range 15000-15090 that the Istio sidecar reserves for itself: `
        + 'move the application to another port');
    }
    const protocol = p.protocol ?? (p.name ? protocolFromName(p.name) : undefined) ?? ServicePortProtocol.HTTP;
    let name = p.name;
    if (name === undefined) {
      name = used.has(protocol) ? `${protocol}-${p.port}` : protocol;
    }
    assertDnsLabel(`ports[${i}].name`, name, 'a DNS-1123 label (a Service port name)');
    if (!p.appProtocol) {
      const fromName = protocolFromName(name);
      if (fromName !== protocol) {
        throw new Error(`'ports[${i}].name' ("${name}") does not tell Istio the protocol ${protocol}: Istio reads the protocol from the text before `
          + `the first '-' of the port name. Name it "${protocol}" or "${protocol}-<suffix>", or set 'appProtocol' to "${protocol}"`);
      }
    }
    used.add(protocol);
    resolved.push({ name, port: p.port, targetPort, protocol, appProtocol: p.appProtocol, sniHosts: p.sniHosts });
  });
  assertDistinct(resolved, 'port');
  assertDistinct(resolved, 'name');
  return resolved;
}

function assertDistinct(resolved: ResolvedServicePort[], key: 'port' | 'name'): void {
  const seen = new Map<string | number, number>();
  for (let i = 0; i < resolved.length; i++) {
    const value = resolved[i][key];
    const prev = seen.get(value);
    if (prev !== undefined) {
      throw new Error(`'ports[${i}].${key}' (${JSON.stringify(value)}) is already used by ports[${prev}]: each Service port needs a distinct ${key}`);
    }
    seen.set(value, i);
  }
}
