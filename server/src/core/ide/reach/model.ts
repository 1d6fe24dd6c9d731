/**
 * The reachability model (ide/reachModel.ts) of a world: namespaces, pod nodes (grouped when
 * indistinguishable, nodes.ts), external address ranges named by ipBlocks, and one directed edge
 * per allowed pair with every port it allows (semantics/connset.ts: `connectivityIndex` in bulk,
 * equal to `pairConnections` pair by pair). Pure: the caller measures the time (`stats.ms` is 0
 * here) and turns provenance into lines with `locate`.
 */
import type { PodInfo } from '../../model/inventory';
import type { CompiledPolicy, PolicyRef } from '../../semantics/compile';
import { Endpoint, namespaceLabels, policiesSelecting, World } from '../../semantics/evaluate';
import {
  ConnSet,
  ConnectivityIndex,
  connHas,
  connIsAll,
  connIsEmpty,
  connToJson,
  connectivityIndex,
  externalRanges,
  externalRangeEndpoints,
  ipBlocksKey,
  pairConnections,
  ExternalRange,
  formatConn,
  NO_CONNECTIONS,
} from '../../semantics/connset';
import { dnsAllowed } from '../hoverText';
import type { Locate } from '../provenance';
import type { PolicyLink, ReachabilityModel, ReachabilityParams, ReachEdge, ReachNamespace, ReachNode, SourceLink } from '../reachModel';
import { compareText, memberName, PodGroup, podGroups } from './nodes';
import { reachStrings } from './strings';
import { t } from '../../l10n';

const MAX_LISTED = 5;

/** The words formatConn uses for the full and the empty set, localized. */
export function connWords(): { all: string; none: string } {
  return { all: t('all ports'), none: t('none') };
}

export function policyLink(ref: PolicyRef, locate: Locate | undefined): PolicyLink {
  return { policy: `${ref.namespace}/${ref.name}`, file: ref.file, line: locate?.(ref.file, ref.span.start) ?? 1 };
}

function sourceLink(p: PodInfo, locate: Locate | undefined): SourceLink {
  return { file: p.source.file, line: locate?.(p.source.file, p.source.span.start) ?? 1 };
}

function listed(names: readonly string[]): string {
  return names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');
}

/** The connections between two nodes; a node's own edge is between two of its pods (none for a single Pod). */
export function groupPairSet(idx: ConnectivityIndex, a: PodGroup, b: PodGroup): ConnSet {
  if (a !== b) return idx.between(a.indices[0], b.indices[0]);
  if (a.indices.length > 1) return idx.between(a.indices[0], a.indices[1]);
  return a.members[0].kind === 'Pod' ? NO_CONNECTIONS : idx.between(a.indices[0], a.indices[0]);
}

export function isDnsPod(p: PodInfo): boolean {
  return p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns';
}

/**
 * Whether DNS (UDP 53 to kube-dns) works for a pod isolated for egress: against the workspace's
 * kube-dns pods (both ends must allow it) when it has them, else as the hover and NP302 decide
 * (egress to kube-dns in kube-system, a stand-in pod labelled k8s-app=kube-dns).
 */
function dnsStatus(world: World, pod: PodInfo, dnsPods: readonly PodInfo[]): 'allowed' | 'blocked' {
  const allowed = dnsPods.length ? dnsPods.some((d) => connHas(pairConnections(world, { kind: 'pod', pod }, { kind: 'pod', pod: d }).set, 53, 'UDP')) : dnsAllowed(world, pod);
  return allowed ? 'allowed' : 'blocked';
}

/** Policies selecting any of the pods (the only ones whose ipBlocks matter for their edges). */
function relevantPolicies(world: World, pods: readonly PodInfo[]): CompiledPolicy[] {
  const set = new Set<CompiledPolicy>();
  for (const p of pods) for (const dir of ['ingress', 'egress'] as const) for (const pol of policiesSelecting(world, p, dir)) set.add(pol);
  return world.policies.filter((p) => set.has(p));
}

/** Edge objects; the JSON of each distinct port set is made once. */
function edgeMaker(): (from: string, to: string, set: ConnSet) => ReachEdge {
  const memo = new Map<string, Pick<ReachEdge, 'allowed' | 'label' | 'all'>>();
  const words = connWords();
  return (from, to, set) => {
    const label = formatConn(set, words);
    let m = memo.get(label);
    if (!m) memo.set(label, (m = { allowed: connToJson(set), label, all: connIsAll(set) }));
    return { id: `${from}->${to}`, from, to, ...m };
  };
}

type MakeEdge = ReturnType<typeof edgeMaker>;

/**
 * The edges of one namespace's nodes: with each other, both ways with the nodes of the namespaces
 * before it, and both ways with the external ranges (`ranges[k]` is endpoint `podCount + k`).
 */
function namespaceEdges(idx: ConnectivityIndex, mine: readonly PodGroup[], before: readonly PodGroup[], ranges: readonly ExternalRange[], makeEdge: MakeEdge, perRange: number[]): ReachEdge[] {
  const out: ReachEdge[] = [];
  const add = (from: string, to: string, set: ConnSet): boolean => {
    if (connIsEmpty(set)) return false;
    out.push(makeEdge(from, to, set));
    return true;
  };
  for (const g of mine) {
    for (const h of before) {
      add(g.id, h.id, groupPairSet(idx, g, h));
      add(h.id, g.id, groupPairSet(idx, h, g));
    }
    for (const h of mine) add(g.id, h.id, groupPairSet(idx, g, h));
    ranges.forEach((r, k) => {
      if (add(g.id, r.id, idx.between(g.indices[0], idx.podCount + k))) perRange[k]++;
      if (add(r.id, g.id, idx.between(idx.podCount + k, g.indices[0]))) perRange[k]++;
    });
  }
  return out;
}

function byNamespace(groups: readonly PodGroup[]): PodGroup[][] {
  const out: PodGroup[][] = [];
  for (const g of groups) {
    const last = out[out.length - 1];
    if (last && last[0].namespace === g.namespace) last.push(g);
    else out.push([g]);
  }
  return out;
}

/** Every edge of the nodes: between them, and with the address ranges their policies' ipBlocks name. */
function allEdges(world: World, groups: readonly PodGroup[], makeEdge: MakeEdge) {
  const pods = groups.flatMap((g) => g.members);
  // The address space split by the ipBlocks of the policies selecting these pods: no other ipBlock decides their edges.
  const ranges = externalRanges({ ...world, policies: relevantPolicies(world, pods) });
  const idx = connectivityIndex(world, ranges.map((r) => r.endpoint));
  const perRange = ranges.map(() => 0);
  const kept: PodGroup[] = [];
  const edges: ReachEdge[] = [];
  for (const ns of byNamespace(groups)) {
    edges.push(...namespaceEdges(idx, ns, kept, ranges, makeEdge, perRange));
    kept.push(...ns);
  }
  return { ranges, perRange, kept, edges, omitted: [] as string[] };
}

interface ExternalEdges {
  readonly ranges: ExternalRange[];
  readonly perRange: number[];
  readonly edges: ReachEdge[];
}

/** The edges between the nodes and the external ranges (the address space split by the ipBlocks of their policies). */
function externalOnly(world: World, groups: readonly PodGroup[], makeEdge: MakeEdge, policies = relevantPolicies(world, groups.flatMap((g) => g.members))): ExternalEdges {
  return externalWith(world, groups, externalRanges({ ...world, policies }), makeEdge, { edges: [], perRange: [] });
}

/**
 * `before` (the edges of other nodes with the same `ranges`) and the edges between `groups` and
 * `ranges`. An edge between a node and a range depends on the two alone (the node's policies'
 * ipBlocks), not on which other nodes are shown, so edges computed on the same ranges stay valid.
 */
function externalWith(world: World, groups: readonly PodGroup[], ranges: ExternalRange[], makeEdge: MakeEdge, before: Pick<ExternalEdges, 'edges' | 'perRange'>): ExternalEdges {
  const reps = groups.map((g) => g.members[0]);
  // An index over the nodes' representatives and the ranges only (peers are matched against those alone).
  const idx = connectivityIndex({ ...world, pods: reps }, ranges.map((r) => r.endpoint));
  const perRange = ranges.map((_, k) => before.perRange[k] ?? 0);
  const edges: ReachEdge[] = [...before.edges];
  for (const [i, g] of groups.entries()) {
    ranges.forEach((r, k) => {
      const out = idx.between(i, idx.podCount + k);
      if (!connIsEmpty(out)) {
        edges.push(makeEdge(g.id, r.id, out));
        perRange[k]++;
      }
      const back = idx.between(idx.podCount + k, i);
      if (!connIsEmpty(back)) {
        edges.push(makeEdge(r.id, g.id, back));
        perRange[k]++;
      }
    });
  }
  return { ranges, perRange, edges };
}

/**
 * At most `max` edges: namespaces are added one by one while everything fits (the first always).
 * The external ranges are split again at each step by the ipBlocks of the kept pods' policies
 * only, so that a namespace left out does not make the others' ranges finer. When a namespace's
 * policies add no ipBlock, the ranges stay the same and only its own edges with them are computed.
 */
function limitedEdges(world: World, groups: readonly PodGroup[], max: number, makeEdge: MakeEdge) {
  const namespaces = byNamespace(groups);
  // The pair index over the first namespaces' node pods only (a prefix of world.pods holds their
  // indices, so they stay the same): a pair's connections depend on its two pods alone, and a limit
  // usually keeps a few namespaces of many. Rebuilt over twice as many namespaces when the loop
  // gets past it. podsThrough[k]: the prefix that covers namespaces 0..k.
  const podsThrough: number[] = [];
  for (const ns of namespaces) podsThrough.push(Math.max(podsThrough[podsThrough.length - 1] ?? 0, ...ns.flatMap((g) => g.indices.map((i) => i + 1))));
  let covered = 0;
  let idx: ConnectivityIndex | undefined;
  const indexFor = (n: number): ConnectivityIndex => {
    if (!idx || n >= covered) {
      covered = Math.min(namespaces.length, Math.max(2, 2 * (n + 1)));
      idx = connectivityIndex(covered === namespaces.length ? world : { ...world, pods: world.pods.slice(0, podsThrough[covered - 1]) });
    }
    return idx;
  };
  const kept: PodGroup[] = [];
  const podEdges: ReachEdge[] = [];
  // While adding namespaces, the edges with the external ranges are only counted (against the
  // ranges' endpoints, without their CIDRs); they are made once, for the namespaces kept.
  let extCount = 0;
  let ends: Endpoint[] = [];
  let relevant = new Set<CompiledPolicy>();
  let keptPolicies: CompiledPolicy[] = [];
  let blocks = ipBlocksKey([]);
  let n = 0;
  for (; n < namespaces.length; n++) {
    const nextPod = namespaceEdges(indexFor(n), namespaces[n], kept, [], makeEdge, []);
    if (kept.length > 0 && podEdges.length + nextPod.length > max) break;
    const nextRelevant = new Set([...relevant, ...relevantPolicies(world, namespaces[n].flatMap((g) => g.members))]);
    const policies = world.policies.filter((p) => nextRelevant.has(p));
    const nextBlocks = ipBlocksKey(policies);
    // The same ipBlocks, the same ranges: the kept nodes' edges with them stay as counted.
    const same = nextBlocks === blocks;
    const nextEnds = same ? ends : externalRangeEndpoints({ ...world, policies });
    const nextCount = same ? extCount + countExternal(world, namespaces[n], nextEnds) : countExternal(world, [...kept, ...namespaces[n]], nextEnds);
    if (kept.length > 0 && podEdges.length + nextPod.length + nextCount > max) break;
    kept.push(...namespaces[n]);
    podEdges.push(...nextPod);
    extCount = nextCount;
    ends = nextEnds;
    relevant = nextRelevant;
    keptPolicies = policies;
    blocks = nextBlocks;
  }
  const ext = externalOnly(world, kept, makeEdge, keptPolicies);
  return { ranges: ext.ranges, perRange: ext.perRange, kept, edges: [...podEdges, ...ext.edges], omitted: namespaces.slice(n).map((ns) => ns[0].namespace) };
}

/** How many edges `groups` have with the ranges whose endpoints are `ends` (both ways), as externalWith makes them. */
function countExternal(world: World, groups: readonly PodGroup[], ends: readonly Endpoint[]): number {
  if (ends.length === 0 || groups.length === 0) return 0;
  const idx = connectivityIndex({ ...world, pods: groups.map((g) => g.members[0]) }, ends);
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    for (let k = 0; k < ends.length; k++) {
      if (!connIsEmpty(idx.between(i, idx.podCount + k))) count++;
      if (!connIsEmpty(idx.between(idx.podCount + k, i))) count++;
    }
  }
  return count;
}

/**
 * The pods the edges are computed from: each node's first member (and its second, for the node's
 * edge to itself), with the groups' `indices` pointing into that list. Peers are then matched
 * against these pods only.
 */
function nodePods(world: World, groups: readonly PodGroup[]): { readonly nodeWorld: World; readonly groups: PodGroup[] } {
  const pods: PodInfo[] = [];
  const local = groups.map((g) => {
    const indices = g.members.slice(0, 2).map((m) => pods.push(m) - 1);
    return { ...g, indices };
  });
  return { nodeWorld: { ...world, pods }, groups: local };
}

export function buildReachabilityModel(world: World, locate?: Locate, opts: ReachabilityParams = {}): ReachabilityModel {
  const makeEdge = edgeMaker();
  const { nodeWorld, groups } = nodePods(world, podGroups(world, opts.namespaces));
  const r = opts.maxEdges === undefined ? allEdges(nodeWorld, groups, makeEdge) : limitedEdges(nodeWorld, groups, opts.maxEdges, makeEdge);
  const { ranges, perRange, kept: included, edges } = r;
  const omitted = r.omitted.length ? r.omitted : undefined;

  const dnsPods = world.pods.filter(isDnsPod);
  const nodes: ReachNode[] = included.map((g) => {
    const rep = g.members[0];
    const ingress = policiesSelecting(world, rep, 'ingress').map((p) => policyLink(p.ref, locate));
    const egress = policiesSelecting(world, rep, 'egress').map((p) => policyLink(p.ref, locate));
    return {
      id: g.id,
      kind: 'pods',
      namespace: g.namespace,
      label: g.label,
      members: g.members.map(memberName),
      sources: g.members.map((m) => sourceLink(m, locate)),
      isolation: { ingress, egress },
      ...(egress.length ? { dns: dnsStatus(world, rep, dnsPods) } : {}),
      ...(isDnsPod(rep) ? { isDns: true } : {}),
    };
  });
  ranges.forEach((r, k) => {
    // The rest of the address space only where some pod reaches it or is reached from it.
    if (r.unmatched && perRange[k] === 0) return;
    nodes.push({
      id: r.id,
      kind: 'external',
      label: r.unmatched ? t('{0} (addresses no ipBlock names)', r.label) : r.label,
      members: [],
      sources: [],
      isolation: { ingress: [], egress: [] },
      cidrs: r.cidrs,
      unmatched: r.unmatched,
    });
  });

  const namespaces: ReachNamespace[] = [];
  for (const g of included) {
    const last = namespaces[namespaces.length - 1];
    if (last && last.name === g.namespace) (last.nodes as string[]).push(g.id);
    else namespaces.push({ name: g.namespace, labels: namespaceLabels(world, g.namespace), nodes: [g.id] });
  }

  const shownNs = new Set(namespaces.map((n) => n.name));
  const wanted = opts.namespaces ? new Set(opts.namespaces) : undefined;
  const notApplied = world.rejected
    .filter((r) => !wanted || wanted.has(r.ref.namespace))
    .map((r) => ({ ...policyLink(r.ref, locate), reason: r.reason }));

  const caveats: string[] = [];
  const shownPods = included.flatMap((g) => g.members);
  if (ranges.length > 0 || world.policies.some((p) => [...p.ingress, ...p.egress].some((r) => r.peers?.some((pe) => pe.ipBlock)))) {
    const noIp = shownPods.filter((p) => p.ips.length === 0).map(memberName);
    if (noIp.length) caveats.push(t('{0} of the pods shown have no known IP (status.podIP), so no ipBlock was matched against them: {1}', noIp.length, listed(noIp)));
  }
  if (world.policies.some((p) => [...p.ingress, ...p.egress].some((r) => r.peers?.some((pe) => pe.namespaceSelector)))) {
    const unknown = [...shownNs].filter((ns) => !world.namespaces.has(ns));
    if (unknown.length) caveats.push(t('namespaces without a Namespace manifest are known to namespaceSelectors only by their kubernetes.io/metadata.name label: {0}', listed(unknown)));
  }
  if (shownPods.some((p) => p.kind !== 'Pod')) caveats.push(t('a workload stands for all its pods: its edge to itself is between two of its pods'));
  if (omitted) caveats.push(t('{0} namespaces left out, over {1} connections to show at once (choose namespaces to see them): {2}', omitted.length, opts.maxEdges, listed(omitted)));

  return {
    namespaces,
    nodes,
    edges,
    notApplied,
    caveats,
    stats: { pods: shownPods.length, policies: world.policies.length, nodes: nodes.length, edges: edges.length, ms: 0 },
    strings: reachStrings(),
    ...(omitted ? { omittedNamespaces: omitted } : {}),
    allNamespaces: [...new Set(world.pods.map((p) => p.namespace))].sort(compareText),
  };
}
