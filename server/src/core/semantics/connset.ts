/**
 * Connection sets: which (protocol, port) pairs one endpoint may open to another, over every
 * port at once. `evaluate` answers one port; the reachability view, the semantic diff and the
 * assertions need the whole set per pair ("TCP 80,8080-8090; UDP 53").
 *
 * A pair's set is the intersection of what the source's egress allows towards the destination and
 * what the destination's ingress allows from the source, each the union of the ports of the rules
 * whose peers match the other end (a side not isolated allows everything). Named ports resolve on
 * the destination pod's container ports (name and protocol), as in `evaluate`. The protocols are
 * the three NetworkPolicy knows (TCP, UDP, SCTP); ports 1-65535.
 *
 * For a port p and protocol P, `connHas(connectionsBetween(w, a, b), p, P)` equals
 * `evaluate(w, {from: a, to: b, port: p, protocol: P}).allowed` (property test in
 * test/core/connset.test.ts).
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule, PolicyRef } from './compile';
import { Endpoint, peerMatches, policiesSelecting, World } from './evaluate';

export { externalRangeEndpoints, externalRanges, externalRangesOf, ipBlocksKey } from './ranges';
export type { ExternalRange } from './ranges';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export const MAX_PORT = 65535;

/** An inclusive port range. */
export type PortRange = readonly [number, number];

/** Per protocol: sorted, disjoint, non-adjacent inclusive ranges within 1..65535. */
export interface ConnSet {
  readonly TCP: readonly PortRange[];
  readonly UDP: readonly PortRange[];
  readonly SCTP: readonly PortRange[];
}

const FULL: readonly PortRange[] = [[1, MAX_PORT]];
export const NO_CONNECTIONS: ConnSet = { TCP: [], UDP: [], SCTP: [] };
export const ALL_CONNECTIONS: ConnSet = { TCP: FULL, UDP: FULL, SCTP: FULL };

function isProtocol(p: string): p is Protocol {
  return p === 'TCP' || p === 'UDP' || p === 'SCTP';
}

/** Sorts and merges ranges (overlapping or adjacent), clipped to 1..65535. */
export function normalizeRanges(ranges: readonly PortRange[]): PortRange[] {
  const clipped = ranges.map(([a, b]) => [Math.max(1, a), Math.min(MAX_PORT, b)] as [number, number]).filter(([a, b]) => a <= b);
  clipped.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of clipped) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function unionRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  if (a.length === 0 || b === FULL) return b;
  if (b.length === 0 || a === FULL) return a;
  return normalizeRanges([...a, ...b]);
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  if (a === FULL) return b;
  if (b === FULL) return a;
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: readonly PortRange[], b: readonly PortRange[]): readonly PortRange[] {
  if (b.length === 0) return a;
  const out: PortRange[] = [];
  for (const [s, e] of a) {
    let cur = s;
    for (const [bs, be] of b) {
      if (be < cur || bs > e) continue;
      if (bs > cur) out.push([cur, bs - 1]);
      cur = Math.max(cur, be + 1);
      if (cur > e) break;
    }
    if (cur <= e) out.push([cur, e]);
  }
  return out;
}

function rangesEqual(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  return a.length === b.length && a.every((r, i) => r[0] === b[i][0] && r[1] === b[i][1]);
}

function lift(f: (a: readonly PortRange[], b: readonly PortRange[]) => readonly PortRange[]) {
  return (a: ConnSet, b: ConnSet): ConnSet => ({ TCP: f(a.TCP, b.TCP), UDP: f(a.UDP, b.UDP), SCTP: f(a.SCTP, b.SCTP) });
}

export const unionConn = lift(unionRanges);
export const intersectConn = lift(intersectRanges);
/** What `a` allows that `b` does not. */
export const subtractConn = lift(subtractRanges);

export function connEquals(a: ConnSet, b: ConnSet): boolean {
  return a === b || PROTOCOLS.every((p) => rangesEqual(a[p], b[p]));
}

export function connIsEmpty(a: ConnSet): boolean {
  return a.TCP.length === 0 && a.UDP.length === 0 && a.SCTP.length === 0;
}

export function connIsAll(a: ConnSet): boolean {
  return connEquals(a, ALL_CONNECTIONS);
}

export function connHas(a: ConnSet, port: number, protocol: string): boolean {
  if (!isProtocol(protocol)) return false;
  return a[protocol].some(([s, e]) => port >= s && port <= e);
}

/** Number of (protocol, port) pairs in the set. */
export function connSize(a: ConnSet): number {
  let n = 0;
  for (const p of PROTOCOLS) for (const [s, e] of a[p]) n += e - s + 1;
  return n;
}

/** A set from explicit ranges per protocol (normalised). */
export function connOf(parts: Partial<Record<Protocol, readonly PortRange[]>>): ConnSet {
  return { TCP: normalizeRanges(parts.TCP ?? []), UDP: normalizeRanges(parts.UDP ?? []), SCTP: normalizeRanges(parts.SCTP ?? []) };
}

function formatRanges(r: readonly PortRange[]): string {
  return r.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(',');
}

/**
 * `TCP 80,8080-8090; UDP 53`; `TCP 1-65535` for every port of a protocol. The words for the empty
 * and the full set are the caller's (they are localized): `all` / `none` here.
 */
export function formatConn(a: ConnSet, words: { readonly all: string; readonly none: string } = { all: 'all ports', none: 'none' }): string {
  if (connIsEmpty(a)) return words.none;
  if (connIsAll(a)) return words.all;
  return PROTOCOLS.filter((p) => a[p].length > 0)
    .map((p) => `${p} ${formatRanges(a[p])}`)
    .join('; ');
}

/** The JSON form: `[{protocol, ports: [[start, end], …]}]`, protocols without ports left out. */
export function connToJson(a: ConnSet): { protocol: Protocol; ports: [number, number][] }[] {
  return PROTOCOLS.filter((p) => a[p].length > 0).map((p) => ({ protocol: p, ports: a[p].map(([s, e]) => [s, e] as [number, number]) }));
}

// ---------------------------------------------------------------------------------------------
// One rule's ports, one pair's set

/** The ports a rule allows towards `dest` (named ports resolved on the destination pod). */
export function rulePortSet(rule: CompiledRule, dest: Endpoint): ConnSet {
  if (!rule.ports) return ALL_CONNECTIONS;
  const parts: Record<Protocol, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const e of rule.ports) {
    if (!isProtocol(e.protocol)) continue;
    if (e.port === undefined) parts[e.protocol].push([1, MAX_PORT]);
    else if (typeof e.port === 'number') parts[e.protocol].push([e.port, e.endPort ?? e.port]);
    else if (dest.kind === 'pod') {
      for (const cp of dest.pod.ports) if (cp.name === e.port && cp.protocol === e.protocol) parts[e.protocol].push([cp.port, cp.port]);
    }
  }
  return connOf(parts);
}

function hasNamedPort(rule: CompiledRule): boolean {
  return !!rule.ports?.some((e) => typeof e.port === 'string');
}

/** Per rule without named ports, its ports (the same towards every destination); sets are never changed. */
const FIXED_PORTS = new WeakMap<CompiledRule, ConnSet>();

/** `rulePortSet`, kept per rule when it does not depend on the destination. */
function portsTowards(rule: CompiledRule, dest: Endpoint): ConnSet {
  let v = FIXED_PORTS.get(rule);
  if (v) return v;
  v = rulePortSet(rule, dest);
  if (!hasNamedPort(rule)) FIXED_PORTS.set(rule, v);
  return v;
}

/** One rule's contribution to a pair: the rule, the peer that matched (none: every peer) and its ports. */
export interface RuleContribution {
  readonly policy: PolicyRef;
  readonly direction: 'ingress' | 'egress';
  readonly rule: CompiledRule;
  readonly peer?: CompiledPeer;
  readonly set: ConnSet;
}

export interface SideConnections {
  /** Whether this end is a pod isolated for this direction. */
  readonly isolated: boolean;
  readonly isolatedBy: readonly PolicyRef[];
  /** The rules that match the other end (with the ports each allows). */
  readonly rules: readonly RuleContribution[];
  /** What this side allows: everything when not isolated. */
  readonly set: ConnSet;
}

export interface PairConnections {
  /** The same Pod at both ends (always allowed). */
  readonly self: boolean;
  readonly egress: SideConnections;
  readonly ingress: SideConnections;
  readonly set: ConnSet;
}

function side(world: World, self: Endpoint, other: Endpoint, dest: Endpoint, dir: 'ingress' | 'egress', caveats?: Set<string>): SideConnections {
  if (self.kind !== 'pod') return { isolated: false, isolatedBy: [], rules: [], set: ALL_CONNECTIONS };
  const selecting = policiesSelecting(world, self.pod, dir);
  if (selecting.length === 0) return { isolated: false, isolatedBy: [], rules: [], set: ALL_CONNECTIONS };
  const rules: RuleContribution[] = [];
  let set: ConnSet = NO_CONNECTIONS;
  for (const p of selecting) {
    for (const rule of dir === 'egress' ? p.egress : p.ingress) {
      let peer: CompiledPeer | undefined;
      if (rule.peers) {
        peer = rule.peers.find((pe) => peerMatches(world, p, pe, other, caveats));
        if (!peer) continue;
      }
      const s = portsTowards(rule, dest);
      rules.push({ policy: p.ref, direction: dir, rule, peer, set: s });
      set = unionConn(set, s);
    }
  }
  return { isolated: true, isolatedBy: selecting.map((p) => p.ref), rules, set };
}

/** Every connection `from` may open to `to`, with each side's contributing rules. */
export function pairConnections(world: World, from: Endpoint, to: Endpoint, caveats?: Set<string>): PairConnections {
  const self = from.kind === 'pod' && to.kind === 'pod' && from.pod === to.pod && from.pod.kind === 'Pod';
  const egress = side(world, from, to, to, 'egress', caveats);
  const ingress = side(world, to, from, to, 'ingress', caveats);
  return { self, egress, ingress, set: self ? ALL_CONNECTIONS : intersectConn(egress.set, ingress.set) };
}

export function connectionsBetween(world: World, from: Endpoint, to: Endpoint): ConnSet {
  return pairConnections(world, from, to).set;
}

// ---------------------------------------------------------------------------------------------
// Bulk: every pod against every pod (and the external ranges)

interface SideRule {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
  /** Which endpoints of the index the rule's peers match; undefined: every peer. Computed on first use. */
  mask(): Uint8Array | undefined;
  /** The rule's ports when they do not depend on the destination. */
  readonly fixed?: ConnSet;
}

export interface ConnectivityIndex {
  /** Pods of the world, then the external ranges' representative addresses. */
  readonly endpoints: readonly Endpoint[];
  /** How many of `endpoints` are pods (the first ones, in the world's order). */
  readonly podCount: number;
  /** The connections from endpoints[i] to endpoints[j]. */
  between(i: number, j: number): ConnSet;
  /** The same with each side's contributing rules: equal to `pairConnections` of the two endpoints (without caveats). */
  contributions(i: number, j: number): PairConnections;
}

/**
 * Precomputes, per peer, which endpoints it matches, so that each pair costs a few mask lookups.
 * `extra`: endpoints beyond the world's pods (external addresses), appended after them.
 */
export function connectivityIndex(world: World, extra: readonly Endpoint[] = []): ConnectivityIndex {
  const endpoints: Endpoint[] = [...world.pods.map((pod): Endpoint => ({ kind: 'pod', pod })), ...extra];
  const n = endpoints.length;
  const peerMasks = new Map<CompiledPeer, Uint8Array>();
  const peerMask = (policy: CompiledPolicy, peer: CompiledPeer): Uint8Array => {
    let m = peerMasks.get(peer);
    if (!m) {
      m = new Uint8Array(n);
      for (let k = 0; k < n; k++) if (peerMatches(world, policy, peer, endpoints[k])) m[k] = 1;
      peerMasks.set(peer, m);
    }
    return m;
  };
  const ruleInfo = new Map<CompiledRule, SideRule>();
  const sideRule = (policy: CompiledPolicy, rule: CompiledRule): SideRule => {
    let r = ruleInfo.get(rule);
    if (r) return r;
    let mask: Uint8Array | undefined;
    let done = false;
    const computeMask = (): Uint8Array | undefined => {
      if (done) return mask;
      done = true;
      if (rule.peers) {
        if (rule.peers.length === 1) mask = peerMask(policy, rule.peers[0]);
        else {
          mask = new Uint8Array(n);
          for (const peer of rule.peers) {
            const pm = peerMask(policy, peer);
            for (let k = 0; k < n; k++) mask[k] |= pm[k];
          }
        }
      }
      return mask;
    };
    r = { policy, rule, mask: computeMask, fixed: hasNamedPort(rule) ? undefined : rulePortSet(rule, { kind: 'ip', bytes: [], text: '' }) };
    ruleInfo.set(rule, r);
    return r;
  };
  const sides = (dir: 'ingress' | 'egress'): (readonly SideRule[] | undefined)[] =>
    endpoints.map((ep) => {
      if (ep.kind !== 'pod') return undefined;
      const sel = policiesSelecting(world, ep.pod, dir);
      if (sel.length === 0) return undefined;
      return sel.flatMap((p) => (dir === 'egress' ? p.egress : p.ingress).map((rule) => sideRule(p, rule)));
    });
  const egress = sides('egress');
  const ingress = sides('ingress');
  const contributing = (rules: readonly SideRule[] | undefined, self: number, other: number, dest: Endpoint, dir: 'ingress' | 'egress'): SideConnections => {
    if (!rules) return { isolated: false, isolatedBy: [], rules: [], set: ALL_CONNECTIONS };
    const ep = endpoints[self];
    const isolatedBy = ep.kind === 'pod' ? policiesSelecting(world, ep.pod, dir).map((p) => p.ref) : [];
    const out: RuleContribution[] = [];
    let set: ConnSet = NO_CONNECTIONS;
    for (const r of rules) {
      const mask = r.mask();
      if (mask && mask[other] !== 1) continue;
      const peer = r.rule.peers?.find((pe) => peerMask(r.policy, pe)[other] === 1);
      const ports = r.fixed ?? rulePortSet(r.rule, dest);
      out.push({ policy: r.policy.ref, direction: dir, rule: r.rule, peer, set: ports });
      set = unionConn(set, ports);
    }
    return { isolated: true, isolatedBy, rules: out, set };
  };
  const collect = (rules: readonly SideRule[] | undefined, other: number, dest: Endpoint): ConnSet => {
    if (!rules) return ALL_CONNECTIONS;
    let set: ConnSet = NO_CONNECTIONS;
    for (const r of rules) {
      const mask = r.mask();
      if (mask && mask[other] !== 1) continue;
      set = unionConn(set, r.fixed ?? rulePortSet(r.rule, dest));
      if (set === ALL_CONNECTIONS) break;
    }
    return set;
  };
  return {
    endpoints,
    podCount: world.pods.length,
    between(i: number, j: number): ConnSet {
      const a = endpoints[i];
      const b = endpoints[j];
      if (a.kind === 'pod' && b.kind === 'pod' && a.pod === b.pod && a.pod.kind === 'Pod') return ALL_CONNECTIONS;
      const e = collect(egress[i], j, b);
      if (connIsEmpty(e)) return NO_CONNECTIONS;
      return intersectConn(e, collect(ingress[j], i, b));
    },
    contributions(i: number, j: number): PairConnections {
      const a = endpoints[i];
      const b = endpoints[j];
      const self = a.kind === 'pod' && b.kind === 'pod' && a.pod === b.pod && a.pod.kind === 'Pod';
      const e = contributing(egress[i], i, j, b, 'egress');
      const g = contributing(ingress[j], j, i, b, 'ingress');
      return { self, egress: e, ingress: g, set: self ? ALL_CONNECTIONS : intersectConn(e.set, g.set) };
    },
  };
}

/** The pods of a world as endpoints, in order. */
export function podEndpoints(pods: readonly PodInfo[]): Endpoint[] {
  return pods.map((pod) => ({ kind: 'pod', pod }));
}
