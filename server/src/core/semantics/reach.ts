/**
 * One pod's reachability against every other pod of the world, for the hover: which ports each
 * other pod may open to it, and which ports of each other pod it may open. The answers are the
 * ones `evaluate` gives pair by pair (a test checks that on random worlds), computed without a
 * verdict object per pair:
 *
 *   - the hovered pod's own rules are matched against every pod once (a mask per peer),
 *   - every other rule in the world is matched against the hovered pod once (a boolean per peer),
 *   - then each other pod costs a few lookups in the policies selecting it.
 *
 * Ports are asked per destination as the hover asks them: the destination's container ports,
 * else the numeric ports the world's ingress rules name, else 80/TCP (at most 8).
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './compile';
import { Endpoint, peerMatches, policiesSelecting, portEntryMatches, World } from './evaluate';

export interface PortRef {
  readonly port: number;
  readonly protocol: string;
}

export interface PairReach {
  readonly other: PodInfo;
  /** Ports of the hovered pod that `other` may open (`other` → pod). */
  readonly inPorts: readonly PortRef[];
  /** Ports of `other` the hovered pod may open (pod → `other`). */
  readonly outPorts: readonly PortRef[];
}

const MAX_PORTS = 8;

/** What every call on one world shares: endpoints, pod positions, each pod's candidate ports. */
interface WorldCache {
  readonly endpoints: readonly Endpoint[];
  readonly index: ReadonlyMap<PodInfo, number>;
  readonly ports: Map<PodInfo, PortRef[]>;
  /** Per peer of a policy: which pods of the world it matches. */
  readonly peerMasks: Map<CompiledPeer, Uint8Array>;
  /** The numeric ports the world's ingress rules name (the fallback for a pod without ports). */
  fallback?: PortRef[];
}

const CACHES = new WeakMap<World, WorldCache>();

function cacheOf(world: World): WorldCache {
  let c = CACHES.get(world);
  if (!c) {
    const index = new Map<PodInfo, number>();
    world.pods.forEach((p, i) => index.set(p, i));
    c = { endpoints: world.pods.map((p) => ({ kind: 'pod', pod: p })), index, ports: new Map(), peerMasks: new Map() };
    CACHES.set(world, c);
  }
  return c;
}

/** Ports worth asking about for a destination: its container ports, else the ports the rules name, else 80/TCP. */
export function candidatePorts(world: World, dest: PodInfo): PortRef[] {
  const cache = cacheOf(world);
  const known = cache.ports.get(dest);
  if (known) return known;
  const out = new Map<string, PortRef>();
  for (const cp of dest.ports) out.set(`${cp.port}/${cp.protocol}`, { port: cp.port, protocol: cp.protocol });
  if (out.size === 0) {
    if (!cache.fallback) {
      const named = new Map<string, PortRef>();
      for (const pol of world.policies) for (const r of pol.ingress) for (const pt of r.ports ?? []) if (typeof pt.port === 'number') named.set(`${pt.port}/${pt.protocol}`, { port: pt.port, protocol: pt.protocol });
      cache.fallback = [...named.values()];
    }
    for (const p of cache.fallback) out.set(`${p.port}/${p.protocol}`, p);
  }
  if (out.size === 0) out.set('80/TCP', { port: 80, protocol: 'TCP' });
  const list = [...out.values()].slice(0, MAX_PORTS);
  cache.ports.set(dest, list);
  return list;
}

function rulePortOk(rule: CompiledRule, p: PortRef, dest: Endpoint): boolean {
  return !rule.ports || rule.ports.some((e) => portEntryMatches(e, p.port, p.protocol, dest));
}

/**
 * For every pod of the world other than `pod`: the ports each way, exactly as
 * `evaluate(world, {from, to, port, protocol}).allowed` would answer them. `outOnly`: only the
 * ports from `pod` to the others (inPorts are left empty).
 */
export function reachabilityOf(world: World, pod: PodInfo, opts: { readonly outOnly?: boolean } = {}): PairReach[] {
  const self: Endpoint = { kind: 'pod', pod };
  const cache = cacheOf(world);
  const { endpoints } = cache;

  // Whether a peer of some policy matches the hovered pod (each peer once).
  const matchesSelf = new Map<CompiledPeer, boolean>();
  const peerHitsSelf = (policy: CompiledPolicy, peer: CompiledPeer): boolean => {
    let v = matchesSelf.get(peer);
    if (v === undefined) matchesSelf.set(peer, (v = peerMatches(world, policy, peer, self)));
    return v;
  };
  const ruleHitsSelf = (policy: CompiledPolicy, rule: CompiledRule): boolean => !rule.peers || rule.peers.some((peer) => peerHitsSelf(policy, peer));

  // The hovered pod's own rules against every pod: one mask per peer (kept for the world), ORed per rule.
  const peerMask = (policy: CompiledPolicy, peer: CompiledPeer): Uint8Array => {
    let m = cache.peerMasks.get(peer);
    if (!m) {
      m = new Uint8Array(endpoints.length);
      for (let k = 0; k < endpoints.length; k++) if (peerMatches(world, policy, peer, endpoints[k])) m[k] = 1;
      cache.peerMasks.set(peer, m);
    }
    return m;
  };
  const ruleMask = (policy: CompiledPolicy, rule: CompiledRule): Uint8Array | undefined => {
    if (!rule.peers) return undefined; // every peer
    if (rule.peers.length === 1) return peerMask(policy, rule.peers[0]);
    const m = new Uint8Array(endpoints.length);
    for (const peer of rule.peers) {
      const pm = peerMask(policy, peer);
      for (let k = 0; k < endpoints.length; k++) m[k] |= pm[k];
    }
    return m;
  };
  const ownIngress = policiesSelecting(world, pod, 'ingress').flatMap((p) => p.ingress.map((rule) => ({ rule, mask: ruleMask(p, rule) })));
  const ownEgress = policiesSelecting(world, pod, 'egress').flatMap((p) => p.egress.map((rule) => ({ rule, mask: ruleMask(p, rule) })));
  const ingressIsolated = policiesSelecting(world, pod, 'ingress').length > 0;
  const egressIsolated = policiesSelecting(world, pod, 'egress').length > 0;

  const selfPorts = candidatePorts(world, pod);
  // Whether a policy's egress rules let a pod reach the hovered pod, per port of it (each policy once).
  const egressToSelf = new Map<CompiledPolicy, boolean[]>();
  const egressAllowsSelf = (pol: CompiledPolicy, i: number): boolean => {
    let v = egressToSelf.get(pol);
    if (!v) egressToSelf.set(pol, (v = selfPorts.map((p) => pol.egress.some((r) => rulePortOk(r, p, self) && ruleHitsSelf(pol, r)))));
    return v[i];
  };
  // Per port of the hovered pod: the masks of its ingress rules that allow that port (undefined: every peer).
  const ingressMasksByPort = selfPorts.map((p) => ownIngress.filter(({ rule }) => rulePortOk(rule, p, self)).map(({ mask }) => mask));
  // A rule without named ports allows a port whatever the destination: decide once per port.
  const numericOk = new Map<CompiledRule, Map<string, boolean>>();
  const egressRulePortOk = (rule: CompiledRule, p: PortRef, dest: Endpoint): boolean => {
    if (!rule.ports) return true;
    if (rule.ports.some((e) => typeof e.port === 'string')) return rulePortOk(rule, p, dest);
    let m = numericOk.get(rule);
    if (!m) numericOk.set(rule, (m = new Map()));
    const key = `${p.port}/${p.protocol}`;
    let v = m.get(key);
    if (v === undefined) m.set(key, (v = rulePortOk(rule, p, dest)));
    return v;
  };
  const none: readonly PortRef[] = [];
  const out: PairReach[] = [];
  const pods = world.pods;
  for (let k = 0; k < pods.length; k++) {
    const other = pods[k];
    if (other === pod) continue;
    const otherEp = endpoints[k];
    const sel = world.selecting.get(other);
    // other → pod: other's egress to the pod, the pod's ingress from other.
    let inPorts: PortRef[] | readonly PortRef[] = none;
    if (!opts.outOnly) {
      const otherEgress = sel ? sel.egress : policiesSelecting(world, other, 'egress');
      let list: PortRef[] | undefined;
      for (let i = 0; i < selfPorts.length; i++) {
        let ok = otherEgress.length === 0;
        for (let j = 0; !ok && j < otherEgress.length; j++) ok = egressAllowsSelf(otherEgress[j], i);
        if (ok && ingressIsolated) {
          const masks = ingressMasksByPort[i];
          ok = false;
          for (let j = 0; !ok && j < masks.length; j++) ok = !masks[j] || masks[j]![k] === 1;
        }
        if (ok) (list ??= []).push(selfPorts[i]);
      }
      if (list) inPorts = list;
    }
    // pod → other: the pod's egress to other, other's ingress from the pod.
    const otherIngress = sel ? sel.ingress : policiesSelecting(world, other, 'ingress');
    const outPorts = candidatePorts(world, other).filter((p) => {
      const egressOk = !egressIsolated || ownEgress.some(({ rule, mask }) => (!mask || mask[k] === 1) && egressRulePortOk(rule, p, otherEp));
      if (!egressOk) return false;
      return otherIngress.length === 0 || otherIngress.some((pol) => pol.ingress.some((r) => rulePortOk(r, p, otherEp) && ruleHitsSelf(pol, r)));
    });
    out.push({ other, inPorts, outPorts });
  }
  return out;
}
