/**
 * One pod's connections with every other pod of the world, for the hover: the ports each other
 * pod may open to it, and the ports of each other pod it may open, over every port (connection
 * sets, `connset.ts`). The answers are `connectionsBetween`'s pair by pair (a property test checks
 * that on random worlds, and `connectionsBetween` is checked against `evaluate`), computed without
 * a pair object:
 *
 *   - the hovered pod's own rules are matched against every pod once (a mask per peer, kept per world),
 *   - every other rule in the world is matched against the hovered pod once (a boolean per peer),
 *   - then each other pod costs a few lookups and set unions in the policies selecting it.
 */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from './compile';
import { Endpoint, namespaceLabels, peerMatches, policiesSelecting, World } from './evaluate';
import { matchesSelector } from './selector';
import { ALL_CONNECTIONS, ConnSet, connIsAll, connIsEmpty, intersectConn, NO_CONNECTIONS, rulePortSet, unionConn } from './connset';

/**
 * One pod's connections with every pod of the world, by position in `world.pods` (`pods`); the
 * pod's own position `self` (or -1) holds nothing. Arrays, not an object per pair: a hover reads a
 * thousand pairs for each pod it shows.
 */
export interface PodConnections {
  readonly pods: readonly PodInfo[];
  readonly self: number;
  /** What `pods[k]` may open to the pod (`pods[k]` → pod). */
  readonly inSets: readonly ConnSet[];
  /** What the pod may open to `pods[k]` (pod → `pods[k]`). */
  readonly outSets: readonly ConnSet[];
}

/** What every call on one world shares: endpoints, pod positions, peer masks. */
interface WorldCache {
  readonly endpoints: readonly Endpoint[];
  /** Per peer of a policy: which pods of the world it matches. */
  readonly peerMasks: Map<CompiledPeer, Uint8Array>;
  /** Per rule without named ports: its ports (the same whatever the destination). */
  readonly fixedSets: Map<CompiledRule, ConnSet>;
  /** Per rule with named ports: its ports per destination container-port list id (pods share a few lists). */
  readonly namedSets: Map<CompiledRule, (ConnSet | undefined)[]>;
  /** Per pod position: the id of its container-port list (pods with the same list share one), for namedSets; built on first use. */
  portKeyIds?: Int32Array;
  /** Pod positions per namespace. */
  byNamespace?: Map<string, number[]>;
  /** The last answers per pod (hovering the same policy again, or a source several policies name), at most RECENT. */
  readonly recent: Map<string, { readonly pod: PodInfo; readonly sets: PodConnections }>;
  /** Per pod position, the positions of the policies selecting it (built on first use). */
  selectingAt?: { readonly egressOf: Int32Array[]; readonly ingressOf: Int32Array[] };
}

const RECENT = 32;

const CACHES = new WeakMap<World, WorldCache>();

function cacheOf(world: World): WorldCache {
  let c = CACHES.get(world);
  if (!c) {
    c = { endpoints: world.pods.map((p) => ({ kind: 'pod', pod: p })), peerMasks: new Map(), fixedSets: new Map(), namedSets: new Map(), recent: new Map() };
    CACHES.set(world, c);
  }
  return c;
}

// Set algebra with the identities taken first: most pairs are all or nothing, and this loop runs
// for every pod of the world on each hover (the general operations allocate).
function isNone(a: ConnSet): boolean {
  return a === NO_CONNECTIONS || connIsEmpty(a);
}

/**
 * Results of the set operations by operand identity: the sets come from a few rules' port lists,
 * so the same unions and intersections recur for most pairs; answers are shared objects. Pure
 * memo (module level, bounded), like the per-world caches.
 */
const OPS = { union: new WeakMap<ConnSet, Map<ConnSet, ConnSet>>(), intersect: new WeakMap<ConnSet, Map<ConnSet, ConnSet>>() };
const MAX_OPS_PER_SET = 256;

function memoOp(table: WeakMap<ConnSet, Map<ConnSet, ConnSet>>, a: ConnSet, b: ConnSet, op: () => ConnSet): ConnSet {
  let m = table.get(a);
  if (!m) table.set(a, (m = new Map()));
  let v = m.get(b);
  if (!v) {
    if (m.size >= MAX_OPS_PER_SET) m.clear();
    m.set(b, (v = op()));
  }
  return v;
}

function union(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL_CONNECTIONS || b === ALL_CONNECTIONS) return ALL_CONNECTIONS;
  if (a === b || isNone(b)) return a;
  if (isNone(a)) return b;
  return memoOp(OPS.union, a, b, () => canonical(unionConn(a, b)));
}

function intersect(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL_CONNECTIONS || a === b) return b;
  if (b === ALL_CONNECTIONS) return a;
  if (isNone(a) || isNone(b)) return NO_CONNECTIONS;
  return memoOp(OPS.intersect, a, b, () => {
    const r = intersectConn(a, b);
    return isNone(r) ? NO_CONNECTIONS : r;
  });
}

/** The same set, as the shared constant when it is everything (so the identities above apply). */
function canonical(a: ConnSet): ConnSet {
  return a === ALL_CONNECTIONS || connIsAll(a) ? ALL_CONNECTIONS : isNone(a) ? NO_CONNECTIONS : a;
}

/**
 * Which pods of the world a peer matches: `peerMatches` decides every pod, but only pods that
 * can match are asked: a pod selector alone matches in the policy's namespace only, and a
 * namespace selector only in the namespaces whose labels it matches (the first test
 * `peerMatches` makes).
 */
function buildMask(world: World, cache: WorldCache, policy: CompiledPolicy, peer: CompiledPeer): Uint8Array {
  const { endpoints } = cache;
  const m = new Uint8Array(endpoints.length);
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) {
    for (let k = 0; k < endpoints.length; k++) if (peerMatches(world, policy, peer, endpoints[k])) m[k] = 1;
    return m;
  }
  if (!cache.byNamespace) {
    const by = new Map<string, number[]>();
    world.pods.forEach((p, k) => {
      const list = by.get(p.namespace);
      if (list) list.push(k);
      else by.set(p.namespace, [k]);
    });
    cache.byNamespace = by;
  }
  // The namespace test is peerMatches's first; what is left for each pod of a matching namespace is
  // its pod selector (none: every pod there).
  const pods = world.pods;
  for (const [ns, ks] of cache.byNamespace) {
    if (peer.namespaceSelector ? !matchesSelector(peer.namespaceSelector, namespaceLabels(world, ns)) : ns !== policy.ref.namespace) continue;
    const podSelector = peer.podSelector;
    for (const k of ks) if (!podSelector || matchesSelector(podSelector, pods[k].labels)) m[k] = 1;
  }
  return m;
}

function peerMaskOf(world: World, cache: WorldCache, policy: CompiledPolicy, peer: CompiledPeer): Uint8Array {
  let m = cache.peerMasks.get(peer);
  if (!m) {
    m = buildMask(world, cache, policy, peer);
    cache.peerMasks.set(peer, m);
  }
  return m;
}

/** The pods of the world `peer` matches (in the world's order), read from its mask (built on first use, kept per world). */
export function podsMatchedBy(world: World, policy: CompiledPolicy, peer: CompiledPeer): PodInfo[] {
  const mask = peerMaskOf(world, cacheOf(world), policy, peer);
  const out: PodInfo[] = [];
  for (let k = 0; k < mask.length; k++) if (mask[k] === 1) out.push(world.pods[k]);
  return out;
}

/**
 * Builds the per-peer masks of every policy of the world ahead of the hovers (priming, prime.ts),
 * `chunk` policies per step: a hover then only looks them up, for its own rules and to decide
 * whether another policy's peer matches the hovered pod.
 */
export function* buildPeerMasksSteps(world: World, chunk = 25): Generator<void, number, void> {
  const cache = cacheOf(world);
  let built = 0;
  for (let i = 0; i < world.policies.length; i++) {
    const policy = world.policies[i];
    for (const rule of [...policy.ingress, ...policy.egress]) for (const peer of rule.peers ?? []) if (!cache.peerMasks.has(peer)) (peerMaskOf(world, cache, policy, peer), built++);
    if ((i + 1) % chunk === 0 && i + 1 < world.policies.length) yield;
  }
  return built;
}

/** A rule's ports towards `dest`; kept per world for rules whose ports do not depend on the destination. */
function portSet(cache: WorldCache, rule: CompiledRule, dest: Endpoint): ConnSet {
  if (hasNamedPort(rule)) return canonical(rulePortSet(rule, dest));
  let v = cache.fixedSets.get(rule);
  if (!v) cache.fixedSets.set(rule, (v = canonical(rulePortSet(rule, dest))));
  return v;
}

/** A rule's ports towards the pod at position `k` of the world; kept per world and container-port list. */
function portSetAt(world: World, cache: WorldCache, rule: CompiledRule, k: number): ConnSet {
  if (!hasNamedPort(rule)) return portSet(cache, rule, cache.endpoints[k]);
  const ids = (cache.portKeyIds ??= portKeyIds(world.pods));
  let byId = cache.namedSets.get(rule);
  if (!byId) cache.namedSets.set(rule, (byId = []));
  const id = ids[k];
  let v = byId[id];
  if (!v) byId[id] = v = canonical(rulePortSet(rule, cache.endpoints[k]));
  return v;
}

/** Per pod, the id of its container-port list: equal lists (name, port, protocol, in order) get one id. */
function portKeyIds(pods: readonly PodInfo[]): Int32Array {
  const ids = new Int32Array(pods.length);
  const byKey = new Map<string, number>();
  for (let k = 0; k < pods.length; k++) {
    const key = pods[k].ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(' ');
    let id = byKey.get(key);
    if (id === undefined) byKey.set(key, (id = byKey.size));
    ids[k] = id;
  }
  return ids;
}

/** Whether a rule names a port (its ports then depend on the destination's containers); kept per rule. */
const NAMED = new WeakMap<CompiledRule, boolean>();
function hasNamedPort(rule: CompiledRule): boolean {
  let v = NAMED.get(rule);
  if (v === undefined) NAMED.set(rule, (v = !!rule.ports?.some((e) => typeof e.port === 'string')));
  return v;
}

/**
 * For every pod of the world other than `pod`, by position: the connection sets each way, equal
 * to `connectionsBetween(world, other, pod)` and `connectionsBetween(world, pod, other)`.
 * `outOnly`: only pod → other is needed (inSets are empty unless a full answer was at hand).
 * Answers are kept per world for the last few pods; the arrays are shared, do not change them.
 */
export function connectionsOf(world: World, pod: PodInfo, opts: { readonly outOnly?: boolean } = {}): PodConnections {
  const cache = cacheOf(world);
  const index = world.pods.indexOf(pod);
  const full = cache.recent.get(`${index}`);
  if (full && full.pod === pod) return full.sets;
  const key = `${index}${opts.outOnly ? ' out' : ''}`;
  const known = cache.recent.get(key);
  if (known && known.pod === pod) return known.sets;
  const sets = compute(world, cache, pod, index, opts);
  if (cache.recent.size >= RECENT) cache.recent.delete(cache.recent.keys().next().value!);
  cache.recent.set(key, { pod, sets });
  return sets;
}

/** `index`: the pod's position in `world.pods`. */
function compute(world: World, cache: WorldCache, pod: PodInfo, index: number, opts: { readonly outOnly?: boolean }): PodConnections {
  const self: Endpoint = { kind: 'pod', pod };
  const { endpoints } = cache;

  // Whether a peer of some policy matches the hovered pod (each peer once): its mask when built
  // (priming builds them all), else asked directly.
  const matchesSelf = new Map<CompiledPeer, boolean>();
  const peerHitsSelf = (policy: CompiledPolicy, peer: CompiledPeer): boolean => {
    const mask = cache.peerMasks.get(peer);
    if (mask && index >= 0) return mask[index] === 1;
    let v = matchesSelf.get(peer);
    if (v === undefined) matchesSelf.set(peer, (v = peerMatches(world, policy, peer, self)));
    return v;
  };
  const ruleHitsSelf = (policy: CompiledPolicy, rule: CompiledRule): boolean => !rule.peers || rule.peers.some((peer) => peerHitsSelf(policy, peer));

  // The hovered pod's own rules against every pod: one mask per peer (kept for the world), ORed per rule.
  const peerMask = (policy: CompiledPolicy, peer: CompiledPeer): Uint8Array => peerMaskOf(world, cache, policy, peer);
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
  // A rule's ports towards the hovered pod.
  const selfSet = (rule: CompiledRule): ConnSet => (index >= 0 ? portSetAt(world, cache, rule, index) : portSet(cache, rule, self));
  const ingressPolicies = policiesSelecting(world, pod, 'ingress');
  const egressPolicies = policiesSelecting(world, pod, 'egress');
  // The pod's ingress rules: the destination is the pod itself, so each rule's ports are fixed.
  const ownIngress = ingressPolicies.flatMap((p) => p.ingress.map((rule) => ({ mask: ruleMask(p, rule), set: selfSet(rule) })));
  // The pod's egress rules: named ports resolve on each destination.
  const ownEgress = egressPolicies.flatMap((p) => p.egress.map((rule) => ({ rule, mask: ruleMask(p, rule), fixed: hasNamedPort(rule) ? undefined : selfSet(rule) })));

  // Per policy of the world (by position), computed on first use: another pod's egress policy
  // towards the hovered pod (the union of its rules that match the pod), and another pod's ingress
  // policy towards the hovered pod as a source (its rules that match the pod, and their union when
  // no rule names a port: otherwise it depends on the destination pod).
  const policies = world.policies;
  const egressToSelf: (ConnSet | undefined)[] = new Array(policies.length);
  const egressSetToSelf = (j: number): ConnSet => {
    let v = egressToSelf[j];
    if (!v) {
      const pol = policies[j];
      v = NO_CONNECTIONS;
      for (const r of pol.egress) if (ruleHitsSelf(pol, r)) v = union(v, selfSet(r));
      egressToSelf[j] = v;
    }
    return v;
  };
  const ingressFromSelf: ({ rules: CompiledRule[]; fixed?: ConnSet } | undefined)[] = new Array(policies.length);
  const ingressRulesFromSelf = (j: number): { rules: CompiledRule[]; fixed?: ConnSet } => {
    let v = ingressFromSelf[j];
    if (!v) {
      const pol = policies[j];
      const rules = pol.ingress.filter((r) => ruleHitsSelf(pol, r));
      let fixed: ConnSet | undefined = NO_CONNECTIONS;
      for (const r of rules) {
        if (hasNamedPort(r)) {
          fixed = undefined;
          break;
        }
        fixed = union(fixed, selfSet(r));
      }
      ingressFromSelf[j] = v = { rules, fixed };
    }
    return v;
  };

  const pods = world.pods;
  const { egressOf, ingressOf } = (cache.selectingAt ??= selectingAt(world));
  const inSets: ConnSet[] = new Array(pods.length);
  const outSets: ConnSet[] = new Array(pods.length);
  for (let k = 0; k < pods.length; k++) {
    if (pods[k] === pod) {
      inSets[k] = outSets[k] = NO_CONNECTIONS;
      continue;
    }
    // other → pod: other's egress towards the pod, the pod's ingress from other.
    let inSet: ConnSet = NO_CONNECTIONS;
    if (!opts.outOnly) {
      const otherEgress = egressOf[k];
      let e: ConnSet = otherEgress.length === 0 ? ALL_CONNECTIONS : NO_CONNECTIONS;
      for (let j = 0; j < otherEgress.length && e !== ALL_CONNECTIONS; j++) e = union(e, egressSetToSelf(otherEgress[j]));
      if (!isNone(e)) {
        let i: ConnSet = ingressPolicies.length === 0 ? ALL_CONNECTIONS : NO_CONNECTIONS;
        for (let j = 0; j < ownIngress.length && i !== ALL_CONNECTIONS; j++) {
          const { mask, set } = ownIngress[j];
          if (!mask || mask[k] === 1) i = union(i, set);
        }
        inSet = intersect(e, i);
      }
    }
    // pod → other: the pod's egress towards other, other's ingress from the pod.
    let e: ConnSet = egressPolicies.length === 0 ? ALL_CONNECTIONS : NO_CONNECTIONS;
    for (let j = 0; j < ownEgress.length && e !== ALL_CONNECTIONS; j++) {
      const { rule, mask, fixed } = ownEgress[j];
      if (!mask || mask[k] === 1) e = union(e, fixed ?? portSetAt(world, cache, rule, k));
    }
    let outSet: ConnSet = NO_CONNECTIONS;
    if (!isNone(e)) {
      const otherIngress = ingressOf[k];
      let i: ConnSet = otherIngress.length === 0 ? ALL_CONNECTIONS : NO_CONNECTIONS;
      for (let j = 0; j < otherIngress.length && i !== ALL_CONNECTIONS; j++) {
        const { rules, fixed } = ingressRulesFromSelf(otherIngress[j]);
        if (fixed) i = union(i, fixed);
        else for (const r of rules) i = union(i, portSetAt(world, cache, r, k));
      }
      outSet = intersect(e, i);
    }
    inSets[k] = inSet;
    outSets[k] = outSet;
  }
  return { pods, self: pods.indexOf(pod), inSets, outSets };
}

/** Per pod position, the positions (in `world.policies`) of the policies selecting it, per direction. */
function selectingAt(world: World): { egressOf: Int32Array[]; ingressOf: Int32Array[] } {
  const at = new Map<CompiledPolicy, number>();
  world.policies.forEach((p, j) => at.set(p, j));
  const positions = (list: readonly CompiledPolicy[]): Int32Array => Int32Array.from(list, (p) => at.get(p) ?? -1);
  const egressOf: Int32Array[] = [];
  const ingressOf: Int32Array[] = [];
  for (const pod of world.pods) {
    egressOf.push(positions(policiesSelecting(world, pod, 'egress')));
    ingressOf.push(positions(policiesSelecting(world, pod, 'ingress')));
  }
  return { egressOf, ingressOf };
}
