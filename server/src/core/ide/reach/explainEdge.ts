/**
 * Why an edge of the reachability model is there (or not): the `netpol-lens traffic` explanation
 * of one port between the two nodes, what every port of the pair allows, and the policies and
 * rules it cites as links.
 */
import type { Protocol } from '../../semantics/connset';
import { connHas, formatConn, pairConnections, PROTOCOLS } from '../../semantics/connset';
import type { Endpoint, World } from '../../semantics/evaluate';
import { explainTraffic, renderTrafficText } from '../explain';
import type { PolicyLocation } from '../explain';
import type { Locate } from '../provenance';
import type { EdgeExplanation, ExplainEdgeParams, PolicyLink } from '../reachModel';
import { externalEndpoint, memberName, PodGroup, podGroups } from './nodes';
import { connWords } from './model';
import { t } from '../../l10n';

interface Resolved {
  readonly endpoint: Endpoint;
  readonly group?: PodGroup;
}

function resolve(world: World, groups: readonly PodGroup[], id: string): Resolved | undefined {
  const g = groups.find((x) => x.id === id);
  if (g) return { endpoint: { kind: 'pod', pod: g.members[0] }, group: g };
  const ep = externalEndpoint(id);
  return ep ? { endpoint: ep } : undefined;
}

function link(l: PolicyLocation, label: string): PolicyLink & { label: string } {
  return { policy: `${l.namespace}/${l.policy}`, file: l.file, line: l.line ?? 1, label };
}

/** The explanation of the edge `params.from` → `params.to` (node ids), or undefined for an unknown id. */
export function explainEdge(world: World, params: ExplainEdgeParams, locate?: Locate): EdgeExplanation | undefined {
  if (typeof params?.from !== 'string' || typeof params?.to !== 'string') return undefined;
  const ns = [params.from, params.to].flatMap((id) => {
    const m = /^(?:pod|group):([^/]*)\//.exec(id);
    return m ? [m[1]] : [];
  });
  const groups = podGroups(world, ns);
  const a = resolve(world, groups, params.from);
  const b = resolve(world, groups, params.to);
  if (!a || !b) return undefined;
  const from = a.endpoint;
  let to = b.endpoint;
  const notes: string[] = [];
  // A node's own edge is between two of its pods.
  if (a.group && a.group === b.group && a.group.members.length > 1) to = { kind: 'pod', pod: a.group.members[1] };
  for (const r of [a, b]) {
    if (r.group && r.group.members.length > 1) {
      notes.push(t('{0} stands for {1} pods that every policy treats alike ({2}): the answer is the same for each of them', r.group.label, r.group.members.length, r.group.members.map(memberName).join(', ')));
    }
  }
  const set = pairConnections(world, from, to).set;
  // The port asked for; else a container port of the destination the edge allows, the edge's
  // first port, the destination's first container port, 80/TCP.
  const asked = Number.isInteger(params.port) && params.port! >= 1 && params.port! <= 65535 ? params.port! : undefined;
  const askedProto = PROTOCOLS.includes(params.protocol as Protocol) ? (params.protocol as Protocol) : undefined;
  const destPorts = to.kind === 'pod' ? to.pod.ports.filter((c) => (askedProto ? c.protocol === askedProto : PROTOCOLS.includes(c.protocol as Protocol))) : [];
  let port = asked ?? 80;
  let protocol: Protocol = askedProto ?? 'TCP';
  if (asked === undefined) {
    const open = destPorts.find((c) => connHas(set, c.port, c.protocol));
    const firstProto = askedProto ?? PROTOCOLS.find((p) => set[p].length > 0);
    if (open) [port, protocol] = [open.port, open.protocol as Protocol];
    else if (firstProto && set[firstProto].length > 0) [port, protocol] = [set[firstProto][0][0], firstProto];
    else if (destPorts.length) [port, protocol] = [destPorts[0].port, destPorts[0].protocol as Protocol];
  }
  const x = explainTraffic(world, { from, to, port, protocol }, { locate });
  const lines = [...renderTrafficText(x).replace(/\n$/, '').split('\n'), ...notes.map((n) => `  ${n}`)];
  const links: (PolicyLink & { label: string })[] = [];
  for (const [dir, d] of [['egress', x.egress], ['ingress', x.ingress]] as const) {
    for (const l of d.isolatedBy) links.push(link(l, dir === 'egress' ? t('{0} isolates {1} for egress', `${l.namespace}/${l.policy}`, x.from) : t('{0} isolates {1} for ingress', `${l.namespace}/${l.policy}`, x.to)));
    for (const m of d.allowedBy) links.push(link(m, `${m.namespace}/${m.policy} ${m.path}`));
  }
  for (const r of x.notApplied) links.push(link(r, t('not applied: {0}', `${r.namespace}/${r.policy}`)));
  return { from: x.from, to: x.to, port, protocol, allowed: x.allowed, connections: formatConn(set, connWords()), lines, links };
}
