/**
 * The nodes of the reachability model: pods and workloads, grouped when no policy can tell them
 * apart, and the ids that name them (stable across edits while the things they stand for exist).
 *
 * Two pods are indistinguishable when they have the same namespace, labels and container ports
 * (named ports resolve on them), the same IP knowledge (no IP known for either, or IPs that every
 * ipBlock of the world treats alike) — then `evaluate` gives them identical rows and columns,
 * except between the two of them, which is the group's edge to itself.
 */
import type { PodInfo } from '../../model/inventory';
import type { CompiledPeer, CompiledPolicy } from '../../semantics/compile';
import { Endpoint, peerMatches, World } from '../../semantics/evaluate';
import { parseCidr, formatAddress } from '../../semantics/cidr';

export interface PodGroup {
  readonly id: string;
  readonly namespace: string;
  readonly label: string;
  /** Sorted by name; the first is the group's representative. */
  readonly members: readonly PodInfo[];
  /** Each member's position in the list of pods a connectivity index is built over (`world.pods` as podGroups returns them). */
  readonly indices: readonly number[];
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function title(p: PodInfo): string {
  return p.kind === 'Pod' ? p.name : `${p.name} (${p.kind})`;
}

function baseKey(p: PodInfo): string {
  const labels = Object.entries(p.labels).sort((a, b) => compareText(a[0], b[0]));
  const ports = p.ports.map((c) => `${c.name ?? ''}|${c.port}|${c.protocol}`).sort();
  return JSON.stringify([p.namespace, labels, ports, p.ips.length > 0]);
}

/** Every ipBlock peer of the world, once per distinct block (with a policy it belongs to). */
function ipBlockPeers(world: World): { readonly policy: CompiledPolicy; readonly peer: CompiledPeer }[] {
  const seen = new Set<string>();
  const out: { policy: CompiledPolicy; peer: CompiledPeer }[] = [];
  for (const policy of world.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        const key = `${peer.ipBlock.cidrText}|${peer.ipBlock.except.map((e) => e.text).join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ policy, peer });
      }
    }
  }
  return out;
}

/** The pods of the world (of `namespaces` only, when given) as nodes, sorted by namespace, then name. */
export function podGroups(world: World, namespaces?: readonly string[]): PodGroup[] {
  const wanted = namespaces ? new Set(namespaces) : undefined;
  const position = new Map<PodInfo, number>();
  world.pods.forEach((p, i) => position.set(p, i));
  const pods = world.pods.filter((p) => !wanted || wanted.has(p.namespace));
  pods.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name) || compareText(a.kind, b.kind) || position.get(a)! - position.get(b)!);
  const buckets = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const k = baseKey(p);
    const b = buckets.get(k);
    if (b) b.push(p);
    else buckets.set(k, [p]);
  }
  // Pods with IPs that share a bucket are split by which ipBlocks match them.
  let blocks: ReturnType<typeof ipBlockPeers> | undefined;
  const sigOf = (p: PodInfo): string => {
    if (p.ips.length === 0) return '';
    blocks ??= ipBlockPeers(world);
    const ep: Endpoint = { kind: 'pod', pod: p };
    return blocks.map((b) => (peerMatches(world, b.policy, b.peer, ep) ? '1' : '0')).join('');
  };
  const groupOf = new Map<PodInfo, PodInfo[]>();
  for (const bucket of buckets.values()) {
    if (bucket.length === 1) {
      groupOf.set(bucket[0], bucket);
      continue;
    }
    const bySig = new Map<string, PodInfo[]>();
    for (const p of bucket) {
      const s = sigOf(p);
      const g = bySig.get(s);
      if (g) g.push(p);
      else bySig.set(s, [p]);
    }
    for (const g of bySig.values()) for (const p of g) groupOf.set(p, g);
  }
  const out: PodGroup[] = [];
  const done = new Set<PodInfo[]>();
  const used = new Set<string>();
  for (const p of pods) {
    const members = groupOf.get(p)!;
    if (done.has(members)) continue;
    done.add(members);
    const first = members[0];
    const base = members.length === 1 ? `pod:${first.namespace}/${first.name}` : `group:${first.namespace}/${first.name}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}#${n}`;
    used.add(id);
    out.push({
      id,
      namespace: first.namespace,
      label: members.length === 1 ? title(first) : `${title(first)} +${members.length - 1}`,
      members,
      indices: members.map((m) => position.get(m)!),
    });
  }
  return out;
}

/** The address an external node's id names (`ip:CIDR`, the first address of its first CIDR). */
export function externalEndpoint(id: string): Endpoint | undefined {
  if (!id.startsWith('ip:')) return undefined;
  const c = parseCidr(id.slice(3));
  if (!c) return undefined;
  return { kind: 'ip', bytes: c.network, text: formatAddress(c.network) };
}

/** `ns/name` of a pod or workload. */
export function memberName(p: PodInfo): string {
  return `${p.namespace}/${p.name}`;
}
