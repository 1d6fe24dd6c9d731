/**
 * IP and CIDR parsing as the API server does it for ipBlock (k8s.io/utils/net ParseCIDRSloppy:
 * Go's net.ParseCIDR, but IPv4 octets may have leading zeros). Addresses are kept as byte
 * arrays so containment is exact for IPv4 and IPv6 alike. ipaddr.js parses IPv6 text.
 */
import * as ipaddr from 'ipaddr.js';

export interface Cidr {
  readonly family: 4 | 6;
  /** The address as written (host bits possibly set). */
  readonly ip: readonly number[];
  /** The network address: ip with the bits after the prefix cleared. */
  readonly network: readonly number[];
  readonly prefix: number;
  /** Whether the written address has bits set after the prefix (10.0.0.1/24). */
  readonly hostBitsSet: boolean;
  /** Whether it used leading zeros or an IPv4-mapped IPv6 address (accepted, but non-standard). */
  readonly nonStandard: boolean;
}

function parseIPv4Sloppy(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Go's dtoi: digits only, any number of leading zeros (the sloppy parser's point); fits a byte.
    if (!/^[0-9]+$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Parses an IP address as Go's sloppy parser does; IPv4 as 4 bytes, IPv6 as 16. */
export function parseIPSloppy(s: string): { bytes: number[]; family: 4 | 6; nonStandard: boolean } | undefined {
  if (s.includes(':')) {
    if (s.includes('%') || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
    // Go accepts an embedded IPv4 tail with leading zeros only in sloppy mode; normalise it for ipaddr.js.
    let text = s;
    let nonStandard = false;
    const tail = /:([0-9.]+)$/.exec(s);
    if (tail && tail[1].includes('.')) {
      const v4 = parseIPv4Sloppy(tail[1]);
      if (!v4) return undefined;
      const canon = v4.join('.');
      if (canon !== tail[1]) nonStandard = true;
      text = s.slice(0, s.length - tail[1].length) + canon;
    }
    if (!ipaddr.IPv6.isValid(text)) return undefined;
    try {
      const addr = ipaddr.IPv6.parse(text);
      if (addr.isIPv4MappedAddress()) nonStandard = true;
      return { bytes: addr.toByteArray(), family: 6, nonStandard };
    } catch {
      return undefined;
    }
  }
  const v4 = parseIPv4Sloppy(s);
  if (!v4) return undefined;
  return { bytes: v4, family: 4, nonStandard: v4.join('.') !== s };
}

function mask(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return bits === 8 ? b : b & ((0xff << (8 - bits)) & 0xff);
  });
}

/** Parsed CIDRs by text (several rules and the engine parse the same ones); bounded. */
const CIDR_CACHE = new Map<string, Cidr | undefined>();
const CIDR_CACHE_MAX = 10_000;

/** ParseCIDRSloppy; undefined where the API server says "must be a valid CIDR value". */
export function parseCidr(s: string): Cidr | undefined {
  if (CIDR_CACHE.has(s)) return CIDR_CACHE.get(s);
  const c = parseCidrUncached(s);
  if (CIDR_CACHE.size >= CIDR_CACHE_MAX) CIDR_CACHE.clear();
  CIDR_CACHE.set(s, c);
  return c;
}

function parseCidrUncached(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0 || slash !== s.lastIndexOf('/')) return undefined;
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const ip = parseIPSloppy(ipText);
  if (!ip || !/^[0-9]+$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const network = mask(ip.bytes, prefix);
  const hostBitsSet = network.some((b, i) => b !== ip.bytes[i]);
  const nonStandard = ip.nonStandard || (prefixText.length > 1 && prefixText[0] === '0');
  return { family: ip.family, ip: ip.bytes, network, prefix, hostBitsSet, nonStandard };
}

/** Whether `net` contains the address `bytes` (same family only, as Go's IPNet.Contains). */
export function cidrContains(net: Cidr, bytes: readonly number[]): boolean {
  if (bytes.length !== net.network.length) return false;
  const m = mask(bytes, net.prefix);
  return m.every((b, i) => b === net.network[i]);
}

/** The 4-byte form of an IPv4 or IPv4-mapped IPv6 address (Go's IP.To4), else undefined. */
function to4(bytes: readonly number[]): readonly number[] | undefined {
  if (bytes.length === 4) return bytes;
  const mapped = bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : undefined;
}

/**
 * The API server's rule for except: `cidr.Contains(except's network)` and a strictly longer
 * prefix. Containment is Go's IPNet.Contains, which compares IPv4-mapped IPv6 addresses as IPv4
 * (so 10.0.0.0/8 contains ::ffff:10.1.0.0/112), while the prefix lengths are compared as written.
 */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  const outer4 = to4(outer.network);
  const net = outer4 ?? outer.network;
  const prefix = outer4 && outer.family === 6 ? outer.prefix - 96 : outer.prefix;
  const ip = to4(inner.network) ?? inner.network;
  if (ip.length !== net.length) return false;
  const contained = mask(ip, prefix).every((b, i) => b === net[i]);
  return contained && outer.prefix < inner.prefix;
}

export function formatAddress(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  return ipaddr.fromByteArray([...bytes]).toString();
}

/** The canonical network form, e.g. "10.0.0.0/24". */
export function formatCidr(c: Cidr): string {
  return `${formatAddress(c.network)}/${c.prefix}`;
}

/** Number of addresses in the range, as a bigint (an IPv6 /0 has 2^128). */
export function addressCount(c: Cidr): bigint {
  return 1n << BigInt((c.family === 4 ? 32 : 128) - c.prefix);
}
