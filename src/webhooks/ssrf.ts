// Which webhook URLs and addresses truce will send to (pure). A registrant must not turn the
// server into a way into the networks behind it (SSRF): by default only https, and never to a
// loopback, private, link-local, unique-local, shared (CGNAT), multicast or otherwise special
// address, nor to a cloud metadata endpoint. The same rules are applied to the address a name
// resolves to at delivery time (deliver.ts), so a name that later points inside (DNS rebinding)
// is refused then. `allowPrivate` (tests, local deployments) admits http and the private ranges,
// never the metadata endpoints, the unspecified address or multicast.
import ipaddr from 'ipaddr.js';

export interface UrlRules {
  /** Admit http:// and loopback, private, link-local, unique-local and CGNAT addresses. */
  allowPrivate: boolean;
}

/** Why a URL or an address is refused (a sentence for the problem document and the log), or null. */
export type Fault = string | null;

/** Cloud metadata services (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS IPv6; Alibaba). */
const METADATA = new Set(['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200']);
/** Names that are the machine itself or a cloud's metadata service, whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|localdomain|internal|local|home\.arpa)$/i;
const METADATA_NAMES = /^(metadata|metadata\.google\.internal|instance-data|instance-data\.ec2\.internal)$/i;
/** Ranges admitted only with allowPrivate. */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal', 'carrierGradeNat']);

export const MAX_URL_LENGTH = 2048;

/** May truce connect to this IP address (v4 or v6, as a string)? */
export function addressFault(address: string, rules: UrlRules): Fault {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.process(address); // an IPv4-mapped IPv6 address is judged as its IPv4 address
  } catch {
    return `${address} is not an IP address`;
  }
  const text = ip.toString();
  if (METADATA.has(text)) return `${text} is a cloud metadata address`;
  const range = ip.range();
  if (range === 'unicast') return null;
  if (rules.allowPrivate && PRIVATE_RANGES.has(range)) return null;
  return `${text} is a ${range} address, not a public one`;
}

/** Is this host an IP literal (as the URL parser leaves it: IPv6 in brackets)? */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}

/** May a webhook be registered for (and sent to) this URL? Judges the text alone; the resolved addresses are judged by addressFault. */
export function urlFault(raw: string, rules: UrlRules): Fault {
  if (raw.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (u.protocol !== 'https:' && !(rules.allowPrivate && u.protocol === 'http:')) return rules.allowPrivate ? 'must be an http or https URL' : 'must be an https URL';
  if (u.username || u.password) return 'must not carry a user name or password (the signature authenticates truce)';
  if (u.hash) return 'must not have a fragment';
  const host = u.hostname;
  if (!host) return 'has no host';
  const literal = ipLiteral(host);
  if (literal) {
    const f = addressFault(literal, rules);
    return f ? `points to ${f}` : null;
  }
  const name = host.replace(/\.$/, '');
  if (METADATA_NAMES.test(name)) return `points to a cloud metadata service (${name})`;
  if (!rules.allowPrivate && (LOCAL_NAMES.test(name) || !name.includes('.'))) return `names a local host (${name}), not a public one`;
  return null;
}
