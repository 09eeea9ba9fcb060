/**
 * Who is calling: the client address behind an optional trusted reverse proxy, and the address
 * prefix that per-address budgets count against. Addresses stay in memory only; nothing here logs
 * or stores them.
 */
import { BlockList, isIP } from 'node:net';
import { OptionError } from '../../core/errors';

/** Resolves the client address of a request. */
export interface ClientAddressResolver {
  /**
   * The socket peer, unless the peer is a trusted proxy: then the right-most `X-Forwarded-For` hop
   * that is not itself a trusted proxy (the left-most hop when every hop is trusted).
   */
  resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string;
  /** Whether `address` is one of the trusted proxies. */
  isTrusted(address: string): boolean;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; lower-case IPv6; '' for an unusable value. */
export function normalizeAddress(raw: string | undefined): string {
  const a = (raw ?? '').trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  return isIP(a) ? a : '';
}

/** Parses `cidr[,cidr…]` (a bare address counts as /32 or /128); throws `OptionError` naming the entry. */
export function parseCidrList(list: readonly string[]): BlockList {
  const block = new BlockList();
  for (const entry of list) {
    const [net = '', bitsText] = entry.trim().split('/');
    const address = normalizeAddress(net);
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const bits = bitsText === undefined ? max : Number(bitsText);
    if (!family || !Number.isInteger(bits) || bits < 0 || bits > max || bitsText === '') {
      throw new OptionError(
        `Trusted proxy "${entry}" is not an address or CIDR block (e.g. 10.0.0.0/8, 127.0.0.1, fd00::/8).`,
      );
    }
    block.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return block;
}

/** Creates a resolver that trusts `X-Forwarded-For` only from `trustedProxies` (CIDR blocks). */
export function createClientAddressResolver(o: {
  readonly trustedProxies: readonly string[];
}): ClientAddressResolver {
  const trusted = parseCidrList(o.trustedProxies);
  const any = o.trustedProxies.length > 0;
  const isTrusted = (address: string): boolean => {
    const family = isIP(address);
    return any && family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return {
    isTrusted,
    resolve(peer, forwardedFor) {
      const socket = normalizeAddress(peer) || 'unknown';
      if (!isTrusted(socket) || forwardedFor === undefined) return socket;
      const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
        .split(',')
        .map(normalizeAddress);
      // A garbled hop ends the walk: nothing left of it can be attributed.
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i]!;
        if (!hop) return socket;
        if (!isTrusted(hop) || i === 0) return hop;
      }
      return socket;
    },
  };
}

/** Expands an IPv6 address to its eight 16-bit groups (null when malformed). */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/**
 * The key a per-address budget counts against: the IPv4 address itself, or the first
 * `ipv6PrefixBits` of an IPv6 address (one subscriber usually holds a whole /56 or /64).
 */
export function addressPrefixKey(raw: string, ipv6PrefixBits: number): string {
  const address = normalizeAddress(raw) || raw;
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const kept = groups.map((g, i) => {
    const bits = Math.max(0, Math.min(16, ipv6PrefixBits - 16 * i));
    return bits === 0 ? 0 : g & (0xffff << (16 - bits));
  });
  return `${kept.map((g) => g.toString(16)).join(':')}/${ipv6PrefixBits}`;
}

/** IPv6 prefix counted as one client: a subscriber usually holds a whole /56 or /64. */
export const IPV6_CLIENT_PREFIX_BITS = 56;

/**
 * The key every per-client limit counts against (rate limit, open connections, join seats): the
 * IPv4 address, or the IPv6 /56, so rotating through one's own IPv6 addresses buys nothing.
 */
export function clientKey(address: string): string {
  return addressPrefixKey(address, IPV6_CLIENT_PREFIX_BITS);
}
