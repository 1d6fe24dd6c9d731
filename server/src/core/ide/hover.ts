/**
 * Hover text: what a NetworkPolicy (or the piece under the cursor) means, in plain words, and
 * what traffic the whole workspace's policies allow for the pods it selects. Everything is
 * rendered from the engine's data (compile/evaluate), never re-derived here.
 */
import type { AnalyzedPolicy } from '../analyze';
import type { Span } from '../text';
import type { PodInfo } from '../model/inventory';
import { addressCount, formatCidr, parseCidr } from '../semantics/cidr';
import { compilePolicy, CompiledPeer, CompiledPolicy, CompiledRule, RejectedPolicy } from '../semantics/compile';
import { Endpoint, evaluate, peerMatches, policiesSelecting, World } from '../semantics/evaluate';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { locate } from './locate';
import { PortRef, reachabilityOf } from '../semantics/reach';

export interface Hover {
  readonly markdown: string;
  readonly span: Span;
}

const MAX_LISTED = 8;

function code(s: string): string {
  return '`' + s.replace(/`/g, "'") + '`';
}

function podName(p: PodInfo): string {
  return `${p.namespace}/${p.name}${p.kind === 'Pod' ? '' : ` (${p.kind})`}`;
}

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, MAX_LISTED).map(code).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

export function selectedPods(world: World, p: CompiledPolicy): PodInfo[] {
  return world.pods.filter((pod) => pod.namespace === p.ref.namespace && matchesSelector(p.podSelector, pod.labels));
}

function describePeer(world: World, p: CompiledPolicy, peer: CompiledPeer): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.map((e) => e.text);
    return `addresses in ${code(peer.ipBlock.cidrText)}${ex.length ? ` except ${ex.map(code).join(', ')}` : ''}`;
  }
  const pods = peer.podSelector ? (isEmptySelector(peer.podSelector) ? 'all pods' : `pods with ${code(formatSelector(peer.podSelector))}`) : 'all pods';
  let where: string;
  if (!peer.namespaceSelector) where = `in ${code(p.ref.namespace)} (the policy's own namespace)`;
  else if (isEmptySelector(peer.namespaceSelector)) where = 'in every namespace';
  else where = `in namespaces with ${code(formatSelector(peer.namespaceSelector))}`;
  const matched = world.pods.filter((pod) => peerMatches(world, p, peer, { kind: 'pod', pod }));
  return `${pods} ${where} — in the workspace: ${list(matched.map(podName))}`;
}

function describePorts(rule: CompiledRule): string {
  if (!rule.ports) return 'on every port';
  return 'on ' + rule.ports.map((pt) => {
    const proto = pt.protocolDefaulted ? `${pt.protocol} (default)` : pt.protocol;
    if (pt.port === undefined) return `every ${proto} port`;
    if (typeof pt.port === 'string') return `the port named ${code(pt.port)}/${proto}`;
    return pt.endPort !== undefined ? `${pt.port}-${pt.endPort}/${proto}` : `${pt.port}/${proto}`;
  }).join(', ');
}

function describeRule(world: World, p: CompiledPolicy, rule: CompiledRule, dir: 'ingress' | 'egress'): string {
  const who = !rule.peers
    ? dir === 'ingress' ? 'from **any source** (pods and outside addresses)' : 'to **any destination** (pods and outside addresses)'
    : (dir === 'ingress' ? 'from ' : 'to ') + rule.peers.map((peer) => describePeer(world, p, peer)).join('; **or** ');
  return `${who}, ${describePorts(rule)}`;
}

/** Whether the pod's egress allows DNS (UDP 53) to the cluster DNS: the workspace's kube-dns pods, or a stand-in. */
export function dnsAllowed(world: World, pod: PodInfo): boolean {
  const known = world.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
  const dns: PodInfo[] = known.length
    ? known
    : [{ namespace: 'kube-system', name: 'kube-dns', kind: 'Pod', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], ips: [], source: pod.source, namespaceWritten: true }];
  return dns.some((d) => evaluate(world, { from: { kind: 'pod', pod }, to: { kind: 'pod', pod: d }, port: 53, protocol: 'UDP' }).egress.allowed);
}

function reachability(world: World, pod: PodInfo): string[] {
  const lines: string[] = [];
  const inbound: string[] = [];
  const blockedIn: string[] = [];
  const outbound: string[] = [];
  const blockedOut: string[] = [];
  // Every other pod against this one, each way (semantics/reach.ts: evaluate's answers, computed in bulk).
  const portText = (ps: readonly PortRef[]) => ps.map((c) => `${c.port}/${c.protocol}`);
  for (const r of reachabilityOf(world, pod)) {
    const other = r.other;
    const a = { inPorts: portText(r.inPorts), outPorts: portText(r.outPorts) };
    if (a.inPorts.length) inbound.push(`${podName(other)} → ${a.inPorts.join(', ')}`);
    else blockedIn.push(podName(other));
    if (a.outPorts.length) outbound.push(`${podName(other)} on ${a.outPorts.join(', ')}`);
    else blockedOut.push(podName(other));
  }
  const inIsolated = policiesSelecting(world, pod, 'ingress');
  const egIsolated = policiesSelecting(world, pod, 'egress');
  lines.push(`**${code(podName(pod))}**`);
  lines.push(`- ingress: ${inIsolated.length ? `isolated by ${list(inIsolated.map((p) => p.ref.name))}` : 'not isolated: every source may connect'}`);
  if (inIsolated.length) {
    lines.push(`  - can be reached from: ${list(inbound)}`);
    lines.push(`  - **blocked**: ${list(blockedIn)}`);
    const outside = inIsolated.flatMap((p) => p.ingress.filter((r) => !r.peers || r.peers.some((x) => x.ipBlock)).map((r) => (r.peers ? r.peers.filter((x) => x.ipBlock).map((x) => x.ipBlock!.cidrText).join(', ') : 'any address')));
    lines.push(`  - from outside the cluster: ${outside.length ? `allowed from ${[...new Set(outside)].join(', ')}` : '**blocked**'}`);
  }
  lines.push(`- egress: ${egIsolated.length ? `isolated by ${list(egIsolated.map((p) => p.ref.name))}` : 'not isolated: may connect anywhere (the other end must still allow it)'}`);
  if (egIsolated.length) {
    lines.push(`  - may connect to: ${list(outbound)}`);
    lines.push(`  - **blocked**: ${list(blockedOut)}`);
    const outside = egIsolated.flatMap((p) => p.egress.filter((r) => !r.peers || r.peers.some((x) => x.ipBlock)).map((r) => (r.peers ? r.peers.filter((x) => x.ipBlock).map((x) => x.ipBlock!.cidrText).join(', ') : 'any address')));
    lines.push(`  - to outside the cluster: ${outside.length ? `allowed to ${[...new Set(outside)].join(', ')}` : '**blocked**'}`);
    if (!dnsAllowed(world, pod)) lines.push('  - ⚠ **DNS is blocked**: no egress rule allows UDP 53 to kube-dns (kube-system, k8s-app=kube-dns). Host names stop resolving, so `curl http://external-api.com` fails with "Could not resolve host" even where the address is allowed.');
  }
  return lines;
}

function explainPolicy(world: World, c: CompiledPolicy | RejectedPolicy): string {
  const out: string[] = [];
  if ('reason' in c) {
    out.push(`**NetworkPolicy ${code(`${c.ref.namespace}/${c.ref.name}`)} — not applied**`, '', `The API server would reject it (see the errors in this document), so it allows and isolates nothing until they are fixed.`);
    return out.join('\n');
  }
  out.push(`**NetworkPolicy ${code(`${c.ref.namespace}/${c.ref.name}`)}**${c.namespaceWritten ? '' : ' (no namespace written: assumed `default`, kubectl uses the current context\'s)'}`, '');
  const sel = isEmptySelector(c.podSelector) ? `**every pod** in ${code(c.ref.namespace)}` : `pods in ${code(c.ref.namespace)} with ${code(formatSelector(c.podSelector))}`;
  const pods = selectedPods(world, c);
  out.push(`**Selects** ${sel} — in the workspace: ${list(pods.map(podName))}`);
  const types = [c.isolatesIngress ? 'Ingress' : '', c.isolatesEgress ? 'Egress' : ''].filter(Boolean).join(' and ') || 'nothing';
  const why = c.policyTypesWritten ? '' : ` (policyTypes not written: Ingress by default${c.isolatesEgress ? ', plus Egress because it has egress rules' : ', and not Egress because it has no egress rules'})`;
  out.push(`**Isolates** ${types}${why}.`, '');
  if (c.isolatesIngress) {
    out.push(c.ingress.length === 0 ? '**Ingress**: no rule, so on its own this policy blocks **all incoming traffic** to the selected pods.' : '**Ingress allowed** (any one rule suffices):');
    c.ingress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'ingress')}`));
    out.push('');
  } else if (c.ingress.length) out.push('⚠ It has ingress rules but policyTypes leaves Ingress out, so **they are ignored**.', '');
  if (c.isolatesEgress) {
    out.push(c.egress.length === 0 ? '**Egress**: no rule, so on its own this policy blocks **all outgoing traffic** from the selected pods.' : '**Egress allowed** (any one rule suffices):');
    c.egress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'egress')}`));
    out.push('');
  } else if (c.egress.length) out.push('⚠ It has egress rules but policyTypes leaves Egress out, so **they are ignored**.', '');
  if (!c.isolatesEgress) out.push('It restricts no egress: neither where the selected pods may connect, nor where the sources it names may connect.', '');
  const sources = c.ingress.flatMap((r) => (r.peers ?? []).flatMap((peer) => world.pods.filter((pod) => peerMatches(world, c, peer, { kind: 'pod', pod }))));
  const unique = [...new Set(sources)].filter((s0) => !pods.includes(s0)).slice(0, 3);
  for (const src of unique) {
    const selected = new Set(pods);
    const elsewhere = reachabilityOf(world, src).filter((r) => !selected.has(r.other) && r.outPorts.length > 0).map((r) => r.other);
    if (elsewhere.length) out.push(`${code(podName(src))} can still connect to ${list(elsewhere.map(podName))}: this policy only limits who reaches the pods it selects.`, '');
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const isolates = dir === 'ingress' ? c.isolatesIngress : c.isolatesEgress;
    const rules = dir === 'ingress' ? c.ingress : c.egress;
    if (!isolates || rules.length > 0) continue;
    const others = world.policies.filter((o) => o !== c && o.ref.namespace === c.ref.namespace && (dir === 'ingress' ? o.ingress.length && o.isolatesIngress : o.egress.length && o.isolatesEgress) && pods.some((pod) => matchesSelector(o.podSelector, pod.labels)));
    if (others.length) out.push(`⚠ Policies only add allowances: ${list(others.map((o) => o.ref.name))} also select${others.length === 1 ? 's' : ''} these pods and still allow${others.length === 1 ? 's' : ''} the ${dir} ${others.length === 1 ? 'its' : 'their'} rules name. This policy cannot take that away.`, '');
  }
  if (pods.length) {
    out.push('---', '**Reachability** (all policies in the workspace; a connection needs the source\'s egress and the destination\'s ingress):');
    for (const pod of pods.slice(0, 5)) out.push(...reachability(world, pod));
    if (pods.length > 5) out.push(`…and ${pods.length - 5} more selected pods.`);
    out.push('');
  } else if (world.pods.length === 0) {
    out.push('_No Pods or workloads in the workspace, so no pod can be named. Add their manifests to see who can reach whom._', '');
  }
  out.push('_Blocked connections are usually dropped, so clients see a timeout rather than "connection refused". NetworkPolicy cannot match domain names: only pods, namespaces and IP ranges._');
  return out.join('\n');
}

function explainIpBlock(cidrText: string, except: readonly string[]): string {
  const c = parseCidr(cidrText);
  if (!c) return `${code(cidrText)} is not a CIDR; the API server rejects it.`;
  const n = addressCount(c);
  const lines = [`**ipBlock** ${code(cidrText)}: ${n === 1n ? 'a single address' : `${n.toLocaleString('en-US')} addresses`} (${formatCidr(c)}${c.hostBitsSet ? `; note the address has host bits set, Kubernetes uses the network ${formatCidr(c)}` : ''}).`];
  for (const e of except) {
    const ec = parseCidr(e);
    if (ec) lines.push(`- except ${code(e)}: ${addressCount(ec).toLocaleString('en-US')} addresses`);
  }
  lines.push('', 'Meant for addresses outside the cluster. It cannot name a host (external-api.com): when the service\'s addresses change, the policy must change too. Whether it also matches pod IPs depends on the network plugin.');
  return lines.join('\n');
}

/** Hover for the text at `offset` of one file, in the context of the workspace world. */
export function getHover(world: World, policies: readonly AnalyzedPolicy[], file: string, offset: number): Hover | undefined {
  const at = locate(policies, offset);
  if (!at) return undefined;
  const compiled = compilePolicy(at.policy, file);
  const live = 'reason' in compiled ? compiled : world.policies.find((p) => p.ref.file === file && p.ref.span.start === compiled.ref.span.start) ?? compiled;
  const path = at.path;
  if ('reason' in live) return { markdown: explainPolicy(world, live), span: at.span };
  const ruleMatch = /^spec\.(ingress|egress)\[(\d+)\](.*)$/.exec(path);
  if (ruleMatch) {
    const dir = ruleMatch[1] as 'ingress' | 'egress';
    const rule = (dir === 'ingress' ? live.ingress : live.egress)[Number(ruleMatch[2])];
    const rest = ruleMatch[3];
    const peerMatch = /^\.(?:from|to)\[(\d+)\](.*)$/.exec(rest);
    if (rule && peerMatch) {
      const peer = rule.peers?.[Number(peerMatch[1])];
      if (peer?.ipBlock && peerMatch[2].startsWith('.ipBlock')) return { markdown: explainIpBlock(peer.ipBlock.cidrText, peer.ipBlock.except.map((e) => e.text)), span: at.span };
      if (peer) {
        const and = peer.podSelector && peer.namespaceSelector ? '\n\npodSelector and namespaceSelector in **one** peer are ANDed: both must match. As two list items (`- podSelector` / `- namespaceSelector`) they would be ORed.' : '';
        return { markdown: `**Peer** (${dir === 'ingress' ? 'source' : 'destination'}): ${describePeer(world, live, peer)}.${and}`, span: at.span };
      }
    }
    const portMatch = /^\.ports\[(\d+)\]/.exec(rest);
    if (rule && portMatch) {
      const pt = rule.ports?.[Number(portMatch[1])];
      if (pt) {
        let md = `**Port**: ${describePorts({ ...rule, ports: [pt] }).replace(/^on /, '')}.`;
        if (typeof pt.port === 'string') {
          const dests = dir === 'ingress' ? selectedPods(world, live) : world.pods.filter((pod) => !rule.peers || rule.peers.some((peer) => peerMatches(world, live, peer, { kind: 'pod', pod })));
          const resolved = dests.flatMap((pod) => pod.ports.filter((cp) => cp.name === pt.port && cp.protocol === pt.protocol).map((cp) => `${podName(pod)}: ${cp.port}/${cp.protocol}`));
          md += `\n\nA named port is resolved on each destination pod's container ports (name and protocol). In the workspace: ${resolved.length ? resolved.map(code).join(', ') : `no destination pod defines ${code(String(pt.port))}/${pt.protocol}, so this entry matches nothing there`}.`;
        }
        return { markdown: md, span: at.span };
      }
    }
    if (rule) return { markdown: `**${dir === 'ingress' ? 'Ingress' : 'Egress'} rule ${Number(ruleMatch[2]) + 1}**: allows traffic ${describeRule(world, live, rule, dir)}.`, span: at.span };
  }
  return { markdown: explainPolicy(world, live), span: at.span };
}
