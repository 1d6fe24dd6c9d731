/**
 * External address ranges: the parts of the address space every ipBlock treats alike (the ipBlocks'
 * cidrs and excepts cut it; ranges no ipBlock tells apart are one), as the reachability model, the
 * semantic diff and the assertions name outside addresses. Re-exported by connset.ts.
 */
import type { CompiledPolicy } from './compile';
import type { Endpoint, World } from './evaluate';
import type { Cidr } from './cidr';
import { formatAddress } from './cidr';

export interface ExternalRange {
  /** A stable id: `ip:` and the first CIDR of the range. */
  readonly id: string;
  readonly family: 4 | 6;
  /** The range as CIDRs (disjoint, in address order); may be long for an odd range (see `label`). */
  readonly cidrs: readonly string[];
  /** Short text for people: the ipBlock that is exactly this range, else the CIDRs (at most 3, then "…"). */
  readonly label: string;
  /** Whether no ipBlock of the world contains it (the rest of the address space). */
  readonly unmatched: boolean;
  /** An address inside the range: every ipBlock treats every address of the range as it treats this one. */
  readonly endpoint: Endpoint;
}

function toBig(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBig(v: bigint, len: number): number[] {
  const out = new Array<number>(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function cidrBounds(c: Cidr): [bigint, bigint] {
  const bits = c.family === 4 ? 32 : 128;
  const lo = toBig(c.network);
  return [lo, lo + (1n << BigInt(bits - c.prefix)) - 1n];
}

/** The CIDRs that exactly cover [lo, hi]. */
function intervalCidrs(lo: bigint, hi: bigint, family: 4 | 6): string[] {
  const bits = family === 4 ? 32 : 128;
  const len = family === 4 ? 4 : 16;
  const out: string[] = [];
  while (lo <= hi) {
    let size = 0;
    while (size < bits && (lo & ((1n << BigInt(size + 1)) - 1n)) === 0n && lo + (1n << BigInt(size + 1)) - 1n <= hi) size++;
    out.push(`${formatAddress(fromBig(lo, len))}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

const short = (xs: readonly string[]): string => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')}, …`);

/**
 * A range's name: its CIDRs when they are few; else the most specific ipBlock that contains it
 * (the whole family's space when none does), with the other ranges inside that block as excepts.
 */
function rangeLabel(
  sig: string,
  cidrs: readonly string[],
  list: readonly { readonly text: string; readonly cidr: [bigint, bigint]; readonly except: [bigint, bigint][] }[],
  groups: ReadonlyMap<string, [bigint, bigint][]>,
  family: 4 | 6,
): string {
  if (cidrs.length <= 3) return cidrs.join(', ');
  const members = list.filter((_, k) => sig[k] === '1');
  const max = (1n << BigInt(family === 4 ? 32 : 128)) - 1n;
  const block = members.sort((a, b) => (a.cidr[1] - a.cidr[0] < b.cidr[1] - b.cidr[0] ? -1 : 1))[0] ?? { text: family === 4 ? '0.0.0.0/0' : '::/0', cidr: [0n, max] as [bigint, bigint], except: [] };
  const others: string[] = [];
  for (const [s, intervals] of groups) {
    if (s === sig) continue;
    for (const [lo, hi] of intervals) {
      if (lo < block.cidr[0] || hi > block.cidr[1] || block.except.some(([a, b]) => lo >= a && hi <= b)) continue;
      others.push(...intervalCidrs(lo, hi, family));
    }
  }
  if (others.length === 0) return block.text;
  return `${block.text}${block.except.length ? ', ' : ' except '}${short(others)}`;
}

/**
 * The ipBlocks `externalRanges` splits the address space by, as one string (in the order it reads
 * them): two policy lists with the same key have the same external ranges.
 */
export function ipBlocksKey(policies: readonly CompiledPolicy[]): string {
  const seen = new Set<string>();
  for (const pol of policies) {
    for (const rule of [...pol.ingress, ...pol.egress]) {
      for (const peer of rule.peers ?? []) {
        const b = peer.ipBlock;
        if (!b) continue;
        seen.add(`${b.cidr.family}|${b.except.length ? `${b.cidrText} except ${b.except.map((e) => e.text).join(',')}` : b.cidrText}`);
      }
    }
  }
  return [...seen].join('\n');
}

/**
 * Splits the address space by every ipBlock cidr and except of the world's policies into ranges
 * that no ipBlock tells apart, grouped by which ipBlocks contain them. Only families some ipBlock
 * names appear. The group no ipBlock contains is kept (marked `unmatched`) when the family appears.
 */
export function externalRanges(world: World): ExternalRange[] {
  const out: ExternalRange[] = [];
  for (const { family, list, groups } of splitAddressSpace(world)) {
    for (const [sig, intervals] of groups) {
      const cidrs = intervals.flatMap(([lo, hi]) => intervalCidrs(lo, hi, family));
      const label = rangeLabel(sig, cidrs, list, groups, family);
      const bytes = fromBig(intervals[0][0], family === 4 ? 4 : 16);
      out.push({ id: `ip:${cidrs[0]}`, family, cidrs, label, unmatched: !sig.includes('1'), endpoint: { kind: 'ip', bytes, text: formatAddress(bytes) } });
    }
  }
  return out;
}

/**
 * The endpoints of `externalRanges(world)`, in the same order, without their CIDRs and labels
 * (cheaper: for counting connections with ranges that are not shown).
 */
export function externalRangeEndpoints(world: World): Endpoint[] {
  const out: Endpoint[] = [];
  for (const { family, groups } of splitAddressSpace(world)) {
    for (const intervals of groups.values()) {
      const bytes = fromBig(intervals[0][0], family === 4 ? 4 : 16);
      out.push({ kind: 'ip', bytes, text: formatAddress(bytes) });
    }
  }
  return out;
}

interface IpBlockBounds {
  readonly text: string;
  readonly cidr: [bigint, bigint];
  readonly except: [bigint, bigint][];
}

/** The address space of each family some ipBlock names, split by every cidr and except: intervals grouped by which ipBlocks contain them. */
function splitAddressSpace(world: World): { family: 4 | 6; list: IpBlockBounds[]; groups: Map<string, [bigint, bigint][]> }[] {
  const blocks: Record<4 | 6, IpBlockBounds[]> = { 4: [], 6: [] };
  const seen = new Set<string>();
  for (const pol of world.policies) {
    for (const rule of [...pol.ingress, ...pol.egress]) {
      for (const peer of rule.peers ?? []) {
        const b = peer.ipBlock;
        if (!b) continue;
        const text = b.except.length ? `${b.cidrText} except ${b.except.map((e) => e.text).join(',')}` : b.cidrText;
        const key = `${b.cidr.family}|${text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        blocks[b.cidr.family].push({ text, cidr: cidrBounds(b.cidr), except: b.except.filter((e) => e.cidr.family === b.cidr.family).map((e) => cidrBounds(e.cidr)) });
      }
    }
  }
  const out: { family: 4 | 6; list: IpBlockBounds[]; groups: Map<string, [bigint, bigint][]> }[] = [];
  for (const family of [4, 6] as const) {
    const list = blocks[family];
    if (list.length === 0) continue;
    const max = (1n << BigInt(family === 4 ? 32 : 128)) - 1n;
    const cuts = new Set<bigint>([0n]);
    for (const b of list) {
      for (const [lo, hi] of [b.cidr, ...b.except]) {
        cuts.add(lo);
        if (hi < max) cuts.add(hi + 1n);
      }
    }
    const starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const inside = (b: IpBlockBounds, v: bigint) => v >= b.cidr[0] && v <= b.cidr[1] && !b.except.some(([lo, hi]) => v >= lo && v <= hi);
    const groups = new Map<string, [bigint, bigint][]>();
    for (let i = 0; i < starts.length; i++) {
      const lo = starts[i];
      const hi = i + 1 < starts.length ? starts[i + 1] - 1n : max;
      const sig = list.map((b) => (inside(b, lo) ? '1' : '0')).join('');
      const g = groups.get(sig);
      if (g) g.push([lo, hi]);
      else groups.set(sig, [[lo, hi]]);
    }
    out.push({ family, list, groups });
  }
  return out;
}

/**
 * The external ranges of several worlds at once: split by the ipBlocks of all of them, so that each
 * range is uniform in every world (the semantic diff compares two worlds on the same ranges).
 */
export function externalRangesOf(worlds: readonly World[]): ExternalRange[] {
  if (worlds.length === 0) return [];
  return externalRanges({ ...worlds[0], policies: worlds.flatMap((w) => w.policies) });
}
