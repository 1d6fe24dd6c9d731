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
    if (!/^[0-9]+$/.test(p) || p.length > 10) return undefined;
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

/** ParseCIDRSloppy; undefined where the API server says "must be a valid CIDR value". */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0 || slash !== s.lastIndexOf('/')) return undefined;
  const ipText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const ip = parseIPSloppy(ipText);
  if (!ip || !/^[0-9]+$/.test(prefixText) || prefixText.length > 10) return undefined;
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

/** The API server's rule for except: inside cidr and strictly smaller. */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return cidrContains(outer, inner.network) && outer.prefix < inner.prefix;
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
