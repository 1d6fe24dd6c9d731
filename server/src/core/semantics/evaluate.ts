/**
 * Decides whether one connection is allowed, exactly as Kubernetes defines NetworkPolicy:
 *   - A pod is isolated for egress (ingress) only when some policy in its own namespace selects
 *     it and has Egress (Ingress) among its effective policyTypes. A pod that is not isolated
 *     for a direction allows everything in that direction.
 *   - Policies are additive allow-lists: an isolated pod allows what any selecting policy's rules
 *     allow; nothing can deny. Rule order does not matter.
 *   - A connection needs both ends: the source's egress and the destination's ingress. Traffic to
 *     or from an address outside the cluster checks only the in-cluster end.
 *   - Peers inside one from/to element are ANDed (podSelector with namespaceSelector); the
 *     elements of from/to are ORed. A podSelector alone means the policy's own namespace; a
 *     namespaceSelector alone means every pod in the matching namespaces. An ipBlock matches
 *     addresses in cidr but not in except (pod IPs only when known).
 *   - ports absent or empty: every port; an entry without port: every port of its protocol;
 *     endPort: a range; a named port matches the destination pod's container port of that name
 *     and protocol. Named ports never match an address outside the cluster.
 *   - A pod can always reach itself.
 * Every verdict says which policies isolate each end and which policy, rule, peer and port
 * allowed it.
 */
import type { Inventory, NamespaceInfo, PodInfo } from '../model/inventory';
import { cidrContains } from './cidr';
import type { CompiledPeer, CompiledPolicies, CompiledPolicy, CompiledPort, CompiledRule, PolicyRef, RejectedPolicy } from './compile';
import { formatSelector, isEmptySelector, Labels, matchesSelector } from './selector';
import type { LabelSelector } from '../model/types';
import * as l10n from '../l10n';

/** Selectors that only look at kubernetes.io/metadata.name (or nothing) do not depend on unknown labels. */
function isOnlyNameSelector(sel: LabelSelector): boolean {
  if (isEmptySelector(sel)) return true;
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((r) => r?.key)];
  return keys.every((k) => k === 'kubernetes.io/metadata.name');
}

export interface World {
  readonly pods: readonly PodInfo[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly policies: readonly CompiledPolicy[];
  readonly rejected: readonly RejectedPolicy[];
  /** For each pod of `pods`, the policies selecting it per direction (computed once per world). */
  readonly selecting: ReadonlyMap<PodInfo, { readonly ingress: readonly CompiledPolicy[]; readonly egress: readonly CompiledPolicy[] }>;
}

export type Endpoint =
  | { readonly kind: 'pod'; readonly pod: PodInfo }
  | { readonly kind: 'ip'; readonly bytes: readonly number[]; readonly text: string };

export interface Traffic {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  readonly protocol: string;
}

export interface RuleMatch {
  readonly policy: PolicyRef;
  readonly direction: 'ingress' | 'egress';
  readonly rule: CompiledRule;
  /** The peer that matched; undefined when the rule allows every peer. */
  readonly peer?: CompiledPeer;
  /** The port entry that matched; undefined when the rule allows every port. */
  readonly port?: CompiledPort;
}

export interface DirectionVerdict {
  /** Whether this end is a pod in the cluster (an outside address has no policies). */
  readonly inCluster: boolean;
  readonly isolatedBy: readonly PolicyRef[];
  readonly allowedBy: readonly RuleMatch[];
  readonly allowed: boolean;
}

export interface Verdict {
  readonly allowed: boolean;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  readonly self: boolean;
  /** Policies in the namespaces involved that the API server would reject (not applied). */
  readonly notApplied: readonly RejectedPolicy[];
  /** Where the answer rests on something the files cannot tell (an unknown pod IP). */
  readonly caveats: readonly string[];
}

export function buildWorld(inventory: Inventory, compiled: CompiledPolicies): World {
  const namespaces = new Map<string, NamespaceInfo>();
  for (const ns of inventory.namespaces) namespaces.set(ns.name, ns);
  const implicit = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { 'kubernetes.io/metadata.name': name } });
  };
  for (const p of inventory.pods) implicit(p.namespace);
  for (const p of compiled.policies) implicit(p.ref.namespace);
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of compiled.policies) {
    const list = byNamespace.get(p.ref.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.ref.namespace, [p]);
  }
  const selecting = new Map<PodInfo, { ingress: CompiledPolicy[]; egress: CompiledPolicy[] }>();
  for (const pod of inventory.pods) {
    const mine = (byNamespace.get(pod.namespace) ?? []).filter((p) => matchesSelector(p.podSelector, pod.labels));
    selecting.set(pod, { ingress: mine.filter((p) => p.isolatesIngress), egress: mine.filter((p) => p.isolatesEgress) });
  }
  return { pods: inventory.pods, namespaces, policies: compiled.policies, rejected: compiled.rejected, selecting };
}

export function namespaceLabels(world: World, ns: string): Labels {
  return world.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns };
}

/** Policies in the pod's namespace that select it, for one direction. */
export function policiesSelecting(world: World, pod: PodInfo, direction: 'ingress' | 'egress'): readonly CompiledPolicy[] {
  const known = world.selecting.get(pod);
  if (known) return known[direction];
  return world.policies.filter((p) => p.ref.namespace === pod.namespace && (direction === 'ingress' ? p.isolatesIngress : p.isolatesEgress) && matchesSelector(p.podSelector, pod.labels));
}

function ipInBlock(bytes: readonly number[], peer: CompiledPeer): boolean {
  const b = peer.ipBlock;
  if (!b) return false;
  return cidrContains(b.cidr, bytes) && !b.except.some((e) => cidrContains(e.cidr, bytes));
}

/** Whether `peer` of `policy` matches the endpoint at the other end. */
export function peerMatches(world: World, policy: CompiledPolicy, peer: CompiledPeer, other: Endpoint, caveats?: Set<string>): boolean {
  if (peer.ipBlock) {
    if (other.kind === 'ip') return ipInBlock(other.bytes, peer);
    if (other.pod.ips.length === 0) {
      caveats?.add(l10n.t('{0} has no known IP, so ipBlock {1} of {2} was not matched against it', `${other.pod.namespace}/${other.pod.name}`, peer.ipBlock.cidrText, `${policy.ref.namespace}/${policy.ref.name}`));
      return false;
    }
    return other.pod.ips.some((ip) => ipInBlock(ip, peer));
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (other.kind === 'ip') return false;
  const pod = other.pod;
  const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, namespaceLabels(world, pod.namespace)) : pod.namespace === policy.ref.namespace;
  if (peer.namespaceSelector && !world.namespaces.get(pod.namespace)?.source && !isOnlyNameSelector(peer.namespaceSelector)) {
    caveats?.add(l10n.t('namespace {0} has no Namespace manifest in the workspace, so only its kubernetes.io/metadata.name label is known to namespaceSelector {1}', pod.namespace, formatSelector(peer.namespaceSelector)));
  }
  return nsOk && (!peer.podSelector || matchesSelector(peer.podSelector, pod.labels));
}

/** Whether a rule's port entry allows `port`/`protocol` to the destination. */
export function portEntryMatches(entry: CompiledPort, port: number, protocol: string, dest: Endpoint): boolean {
  if (entry.protocol !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'number') return entry.endPort !== undefined ? port >= entry.port && port <= entry.endPort : port === entry.port;
  if (dest.kind !== 'pod') return false;
  const name = entry.port;
  return dest.pod.ports.some((cp) => cp.name === name && cp.protocol === entry.protocol && cp.port === port);
}

function ruleMatches(world: World, policy: CompiledPolicy, direction: 'ingress' | 'egress', rule: CompiledRule, other: Endpoint, t: Traffic, caveats: Set<string>): RuleMatch | undefined {
  let peer: CompiledPeer | undefined;
  if (rule.peers) {
    peer = rule.peers.find((p) => peerMatches(world, policy, p, other, caveats));
    if (!peer) return undefined;
  }
  let port: CompiledPort | undefined;
  if (rule.ports) {
    port = rule.ports.find((e) => portEntryMatches(e, t.port, t.protocol, t.to));
    if (!port) return undefined;
  }
  return { policy: policy.ref, direction, rule, peer, port };
}

function direction(world: World, t: Traffic, dir: 'ingress' | 'egress', caveats: Set<string>): DirectionVerdict {
  const self = dir === 'egress' ? t.from : t.to;
  const other = dir === 'egress' ? t.to : t.from;
  if (self.kind !== 'pod') return { inCluster: false, isolatedBy: [], allowedBy: [], allowed: true };
  const selecting = policiesSelecting(world, self.pod, dir);
  if (selecting.length === 0) return { inCluster: true, isolatedBy: [], allowedBy: [], allowed: true };
  const allowedBy: RuleMatch[] = [];
  for (const p of selecting) {
    for (const rule of dir === 'egress' ? p.egress : p.ingress) {
      const m = ruleMatches(world, p, dir, rule, other, t, caveats);
      if (m) allowedBy.push(m);
    }
  }
  return { inCluster: true, isolatedBy: selecting.map((p) => p.ref), allowedBy, allowed: allowedBy.length > 0 };
}

export function evaluate(world: World, t: Traffic): Verdict {
  const caveats = new Set<string>();
  const involved = new Set<string>();
  if (t.from.kind === 'pod') involved.add(t.from.pod.namespace);
  if (t.to.kind === 'pod') involved.add(t.to.pod.namespace);
  const notApplied = world.rejected.filter((r) => involved.has(r.ref.namespace));
  // A pod can always reach itself. A workload stands for several pods: from it to itself means
  // between two of its replicas, which policies do govern.
  const same = t.from.kind === 'pod' && t.to.kind === 'pod' && t.from.pod === t.to.pod;
  const self = same && t.from.kind === 'pod' && t.from.pod.kind === 'Pod';
  if (same && !self && t.from.kind === 'pod') caveats.add(l10n.t('{0} is a {1}: this is the answer between two of its pods (each pod can always reach itself)', `${t.from.pod.namespace}/${t.from.pod.name}`, t.from.pod.kind));
  const egress = direction(world, t, 'egress', caveats);
  const ingress = direction(world, t, 'ingress', caveats);
  if (t.from.kind === 'ip' && t.to.kind === 'ip') caveats.add(l10n.t('neither end is a pod in the workspace: NetworkPolicy does not apply'));
  return { allowed: self || (egress.allowed && ingress.allowed), egress, ingress, self, notApplied, caveats: [...caveats] };
}
