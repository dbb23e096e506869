// Istio: host names and how they match, the protocol of a Service port, durations. One definition each, shared by
// the constructs and the rules. Not exported from the package.
import { Duration } from 'cdk8s';
import { assertDnsSubdomain } from './k8s';

// -------------------------------------------------------------------------------------------------
// Hosts

/** The cluster DNS suffix Istio assumes (`svc.<domain>`). */
const DOMAIN = 'cluster.local';

/**
 * Istio's short-name rule: a host without a dot is expanded with the namespace of the object that names it;
 * a host with a dot is taken as it is (`reviews.prod` is not expanded).
 */
export function fqdn(host: string, namespace: string): string {
  if (!host || host.includes('.') || host.includes('*')) return host;
  return `${host}.${namespace}.svc.${DOMAIN}`;
}

/** The Service an FQDN host designates (`<name>.<ns>.svc.cluster.local`), if it has that form. */
export function serviceOfHost(host: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.cluster\.local$/.exec(host);
  return m ? { name: m[1], namespace: m[3] } : undefined;
}

/** Istio host matching with wildcards (`*`, `*.example.com`), in both directions. */
export function hostsMatch(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  const wild = (w: string, h: string) => w.startsWith('*.') && (h.endsWith(w.slice(1)) || (h.startsWith('*.') && h.endsWith(w.slice(1))));
  return wild(a, b) || wild(b, a);
}

/** VirtualServices with no `gateways`, or with `mesh` among them, apply to the sidecars. */
export function isMeshBound(vs: any): boolean {
  const gws = Array.isArray(vs?.spec?.gateways) ? vs.spec.gateways : [];
  return gws.length === 0 || gws.includes('mesh');
}

/**
 * A host of a Gateway server, `[<namespace>/]<host>`: the namespaces whose VirtualServices may bind to it (`*` for
 * any, `.` for the Gateway's own) and the host.
 */
export function splitServerHost(host: string, gatewayNamespace: string): { namespace: string; host: string } {
  const slash = host.indexOf('/');
  if (slash < 0) return { namespace: '*', host };
  const ns = host.slice(0, slash);
  return { namespace: ns === '.' ? gatewayNamespace : ns, host: host.slice(slash + 1) };
}


/** Validates an external host name (a DNS name, optionally with a leading `*.` wildcard). */
export function assertHost(prop: string, host: string): void {
  if (host === '*') {
    throw new Error(`'${prop}' contains "*": Istio does not allow a wildcard host on VirtualServices bound to the mesh, `
      + 'and a catch-all host would capture every request of the gateway. Name the hosts, for example "shop.example.com"');
  }
  assertDnsSubdomain(prop, host.startsWith('*.') ? host.slice(2) : host);
}

// -------------------------------------------------------------------------------------------------
// Header names and regular expressions, as Istio's webhook reads them (pkg/config/validation/validation.go)

/** A header name of HTTP's token characters (RFC 7230 `tchar`), Istio's `validHeaderNameRegex`. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;

/**
 * Throws unless `name` is a header name Istio matches: lowercase (Istio compares lowercase keys; "The header keys
 * must be lowercase and use hyphen as the separator") and made of token characters.
 */
export function assertMatchHeaderName(where: string, name: string): void {
  if (typeof name !== 'string' || !HEADER_NAME.test(name) || name !== name.toLowerCase()) {
    throw new Error(`${where}: header name "${name}" must be lowercase letters, digits or '-' (Istio matches lowercase header keys), `
      + `for example "${String(name).toLowerCase().replace(/[^a-z0-9-]/g, '-')}"`);
  }
}

/** Escapes Go's regexp package accepts after a backslash besides punctuation (regexp/syntax, `parseEscape`, `parsePerlClassEscape`, anchors). */
const RE2_LETTER_ESCAPES = 'afnrtvdDsSwWbBAzpPQEx';

/**
 * Why Go's `regexp.Compile` (RE2 syntax, which Istio's webhook runs on every regex of a VirtualService) refuses `re`,
 * or undefined. RE2 is close to JavaScript's syntax, so the expression is compiled by JavaScript once RE2's inline
 * flags (`(?i)`, `(?i:…)`) and named groups (`(?P<name>…)`) are rewritten; what RE2 refuses and JavaScript accepts is
 * checked first: lookarounds, backreferences and escapes of letters RE2 does not know (`\u0041`, `\cA`, `\k<n>`).
 * A rarer difference passes (the check never refuses what RE2 accepts, as far as these rewrites go).
 */
export function re2Problem(re: string): string | undefined {
  if (re.length > 1024) return `it is ${re.length} characters long, and Istio accepts at most 1024 ("regex is too large, max length allowed is 1024")`;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const next = re[i + 1] ?? '';
      if (/[1-9]/.test(next) && !(/[1-7]/.test(next) && /[0-7]/.test(re[i + 2] ?? ''))) {
        return `it uses the backreference "\\${next}", which RE2 does not support`;
      }
      if (/[A-Za-z]/.test(next) && !RE2_LETTER_ESCAPES.includes(next)) return `it uses the escape "\\${next}", which RE2 does not know`;
      i++;
    } else if (c === '[' && !inClass) {
      inClass = true;
    } else if (c === ']' && inClass) {
      inClass = false;
    } else if (c === '(' && !inClass && /^\(\?<?[=!]/.test(re.slice(i, i + 4))) {
      return `it uses the lookaround "${re.slice(i, i + (re[i + 2] === '<' ? 4 : 3))}", which RE2 does not support`;
    }
  }
  const js = re.replace(/\(\?P</g, '(?<').replace(/\(\?[imsU]*(-[imsU]*)?\)/g, '').replace(/\(\?[imsU]*(-[imsU]*)?:/g, '(?:');
  try {
    new RegExp(js);
  } catch (e: any) {
    return `it is not a valid RE2 expression (${String(e.message).replace(/^Invalid regular expression: /, '')})`;
  }
  return undefined;
}

/** Istio's duration string (`5s`, `250ms`). */
export function istioDuration(d: Duration | undefined): string | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds();
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// -------------------------------------------------------------------------------------------------
// The protocol of a Service port

/** The protocols Istio knows by name (pkg/config/protocol/instance.go, `Parse`), by lowercase name. */
const PROTOCOLS: { readonly [name: string]: string } = {
  'tcp': 'TCP',
  'udp': 'UDP',
  'grpc': 'GRPC',
  'grpc-web': 'GRPC-Web',
  'http': 'HTTP',
  'http_proxy': 'HTTP_PROXY',
  'http2': 'HTTP2',
  'https': 'HTTPS',
  'tls': 'TLS',
  'mongo': 'Mongo',
  'redis': 'Redis',
  'mysql': 'MySQL',
};

/** The protocol of a port whose protocol Istio cannot tell (it then sniffs the traffic). */
export const UNSUPPORTED_PROTOCOL = 'Unsupported';

/** The protocols Istio routes per request, with HTTP routes (`Instance.IsHTTP`). */
const HTTP_PROTOCOLS: readonly string[] = ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-Web'];

/** `appProtocol` values of Kubernetes itself, and the protocol Istio reads from each. */
const KUBERNETES_APP_PROTOCOLS: { readonly [appProtocol: string]: string } = {
  'kubernetes.io/h2c': 'HTTP2',
  'kubernetes.io/ws': 'HTTP',
  'kubernetes.io/wss': 'HTTPS',
};

/** Ports Istio treats as TCP when their name names no protocol (pkg/config/kube/conversion.go, `wellKnownPorts`). */
const WELL_KNOWN_TCP_PORTS: readonly number[] = [25, 53, 3306, 27017];

/**
 * The protocol a port name selects (pkg/config/kube/conversion.go, `ConvertProtocol`): a name starting with
 * "grpc-web" is GRPC-Web, otherwise the text before the first '-' names the protocol, case-insensitively ("http",
 * "http-api", "GRPC-internal"). Undefined when it names none.
 */
export function protocolOfPortName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('grpc-web')) return PROTOCOLS['grpc-web'];
  const dash = lower.indexOf('-');
  return PROTOCOLS[dash < 0 ? lower : lower.slice(0, dash)];
}

/**
 * The protocol Istio uses for a Service port (`{ name, port, protocol, appProtocol }` as in the manifest), or
 * `UNSUPPORTED_PROTOCOL`: a UDP port is UDP; `appProtocol`, when set, wins over the name; a port named "udp..." on TCP
 * stays TCP; an unnamed protocol on a well-known port (SMTP, DNS, MySQL, MongoDB) is TCP.
 */
export function portProtocol(port: any): string {
  if (String(port?.protocol ?? '').toUpperCase() === 'UDP') return 'UDP';
  const app = port?.appProtocol;
  if (typeof app === 'string' && app !== '') {
    return KUBERNETES_APP_PROTOCOLS[app] ?? PROTOCOLS[app.toLowerCase()] ?? UNSUPPORTED_PROTOCOL;
  }
  const named = protocolOfPortName(String(port?.name ?? ''));
  if (named === 'UDP') return 'TCP';
  if (named !== undefined) return named;
  return WELL_KNOWN_TCP_PORTS.includes(port?.port) ? 'TCP' : UNSUPPORTED_PROTOCOL;
}

/** Whether Istio routes a protocol per request: HTTP routes, weights, header matches and mirrors apply. */
export function isHttpProtocol(protocol: string): boolean {
  return HTTP_PROTOCOLS.includes(protocol);
}
