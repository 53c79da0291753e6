/**
 * Where a webhook may point. A contact's URL is typed by a person, and the node POSTs to it from
 * inside the network it runs in, so a URL naming the node itself, its Redis, a cloud metadata
 * service or a host of the internal network would let that person reach them. Only public
 * unicast addresses are destinations, unless WEBHOOK_ALLOWED_NETWORKS names the address (a
 * department's receiver on the government intranet, a test's loopback receiver).
 *
 * Checked twice: when the contact is saved (the URL's host, or every address its name resolves to
 * then), and when a notification is sent, on the addresses the name resolves to at that moment,
 * which are the ones the request then connects to (resolved once: a name that answers a public
 * address to the check and a loopback one to the connection, DNS rebinding, cannot slip through),
 * and once more on the address actually connected to. Ranges are classified by ipaddr.js; every
 * spelling of an IPv4 address (decimal, hex, octal, short forms) is normalized by the WHATWG URL
 * parser before it gets here, and IPv4-mapped IPv6 addresses are judged as the IPv4 they carry.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A resolved address, as dns.lookup answers it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (dns.lookup, the resolver the connection would use). */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolve: Resolve = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** How long saving a contact waits for its name to resolve; a name that does not answer by then is checked when sent. */
const SAVE_LOOKUP_TIMEOUT_MS = 5000;

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** IPv6 global unicast (2000::/3): the rest (IPv4-compatible ::/96 and other leftovers ipaddr.js calls unicast) is no public destination. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/** The range of `ip` as ipaddr.js names it, 'unicast' only for a public unicast address. */
function publicRange(ip: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = ip.range();
  if (range === 'unicast' && ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST)) return 'reserved';
  return range;
}

/** An address as the ranges judge it: an IPv4-mapped IPv6 address as the IPv4 address it carries. */
function normalized(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return ipaddr.process(address.replace(/^\[|\]$/g, ''));
}

/**
 * Parses WEBHOOK_ALLOWED_NETWORKS: addresses or CIDR ranges, comma-separated (e.g.
 * `10.20.0.0/16, 127.0.0.1, ::1`). Throws a RangeError naming an entry that is neither.
 */
export function parseAllowedNetworks(text: string): Cidr[] {
  return text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry): Cidr => {
    try {
      if (entry.includes('/')) {
        const [address, bits] = ipaddr.parseCIDR(entry);
        return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
          ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits];
      }
      const address = normalized(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new RangeError(`"${entry}" is neither an IP address nor a CIDR range`);
    }
  });
}

/** The destinations of a node with these settings. */
export function webhookDestinations(settings: { webhookAllowedNetworks: readonly string[] }): WebhookDestinations {
  return new WebhookDestinations(parseAllowedNetworks(settings.webhookAllowedNetworks.join(',')));
}

/** Which addresses webhooks may reach, and how names are resolved. */
export class WebhookDestinations {
  readonly #allowed: readonly Cidr[];
  readonly #resolve: Resolve;

  constructor(allowed: readonly Cidr[] = [], resolve: Resolve = systemResolve) {
    this.#allowed = allowed;
    this.#resolve = resolve;
  }

  /** Why `address` (an IP address) may not be a destination, or null when it may. */
  addressProblem(address: string): string | null {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = normalized(address);
    } catch {
      return `不是 IP 地址 ${address} (not an IP address: ${address})`;
    }
    const range = publicRange(ip);
    if (range === 'unicast') return null;
    if (this.#allowed.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits))) return null;
    return `不得指向非公网地址 ${ip.toString()} (${range}), 除非 WEBHOOK_ALLOWED_NETWORKS 允许 (must not point at the non-public address ${ip.toString()} (${range}) unless WEBHOOK_ALLOWED_NETWORKS names it)`;
  }

  /**
   * Why the webhook URL `url` may not be saved, or null: its host is refused when it is an address
   * that may not be a destination, or a name any address of which may not be. A name that does not
   * resolve now is taken (it may by the time a notice is sent, and is checked then).
   */
  async urlProblem(url: URL): Promise<string | null> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) return this.addressProblem(host);
    let resolved: ResolvedAddress[];
    try {
      resolved = await withTimeout(this.#resolve(host), SAVE_LOOKUP_TIMEOUT_MS);
    } catch {
      return null;
    }
    for (const { address } of resolved) {
      const problem = this.addressProblem(address);
      if (problem) return `${host}: ${problem}`;
    }
    return null;
  }

  /**
   * The `lookup` of a webhook request: resolves the name once, refuses the connection when any of
   * its addresses may not be a destination, and hands the checked addresses to the connection,
   * which connects to one of them and to nothing else.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.#resolve(hostname).then((resolved) => {
      const refused = resolved.map(({ address }) => this.addressProblem(address)).find((problem) => problem !== null);
      if (refused) return callback(Object.assign(new Error(refused), { code: 'EDESTINATION' }), '', 0);
      if (resolved.length === 0) return callback(Object.assign(new Error(`${hostname} 无地址 (no address)`), { code: 'ENOTFOUND' }), '', 0);
      const wanted = options.family === 4 || options.family === 6 ? resolved.filter((entry) => entry.family === options.family) : resolved;
      if (options.all) return (callback as unknown as (error: null, addresses: ResolvedAddress[]) => void)(null, wanted);
      const [first] = wanted;
      if (!first) return callback(Object.assign(new Error(`${hostname} 无 IPv${options.family} 地址 (no IPv${options.family} address)`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    }, (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0));
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
