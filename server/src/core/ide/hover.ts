/**
 * Hover text: what a NetworkPolicy (or the piece under the cursor) means, in plain words, and
 * what traffic the whole workspace's policies allow for the pods it selects. Everything is
 * rendered from the engine's data (compile/evaluate), never re-derived here.
 */
import { isKubeDnsPeer, showsKubeSystem } from '../semantics/kubeDns';
import type { AnalyzedPolicy } from '../model/analyzed';
import type { Span } from '../text';
import type { PodInfo } from '../model/inventory';
import { addressCount, formatCidr, parseCidr } from '../semantics/cidr';
import { compilePolicy, CompiledPeer, CompiledPolicy, CompiledRule, RejectedPolicy } from '../semantics/compile';
import { Endpoint, evaluate, peerMatches, policiesSelecting, World } from '../semantics/evaluate';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { locate } from './locate';
import { PairReach, PortRef, reachabilityOf } from '../semantics/reach';
import { t } from '../l10n';

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

/** The first names (of `total`, by default all of them), and how many more. */
function list(names: readonly string[], total = names.length): string {
  if (total === 0) return t('none');
  const shown = names.slice(0, MAX_LISTED).map(code).join(', ');
  return total > MAX_LISTED ? t('{0} and {1} more', shown, total - MAX_LISTED) : shown;
}

export function selectedPods(world: World, p: CompiledPolicy): PodInfo[] {
  return world.pods.filter((pod) => pod.namespace === p.ref.namespace && matchesSelector(p.podSelector, pod.labels));
}

function describePeer(world: World, p: CompiledPolicy, peer: CompiledPeer): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.map((e) => e.text);
    return ex.length ? t('addresses in {0} except {1}', code(peer.ipBlock.cidrText), ex.map(code).join(', ')) : t('addresses in {0}', code(peer.ipBlock.cidrText));
  }
  const sel = peer.podSelector && !isEmptySelector(peer.podSelector) ? code(formatSelector(peer.podSelector)) : undefined;
  let who: string;
  if (!peer.namespaceSelector) who = sel ? t("pods with {0} in {1} (the policy's own namespace)", sel, code(p.ref.namespace)) : t("all pods in {0} (the policy's own namespace)", code(p.ref.namespace));
  else if (isEmptySelector(peer.namespaceSelector)) who = sel ? t('pods with {0} in every namespace', sel) : t('all pods in every namespace');
  else who = sel ? t('pods with {0} in namespaces with {1}', sel, code(formatSelector(peer.namespaceSelector))) : t('all pods in namespaces with {0}', code(formatSelector(peer.namespaceSelector)));
  const matched = world.pods.filter((pod) => peerMatches(world, p, peer, { kind: 'pod', pod }));
  if (matched.length === 0 && isKubeDnsPeer(peer)) {
    return showsKubeSystem(world.pods)
      ? t('{0} — the cluster DNS (kube-dns); the workspace has Pods or workloads of kube-system, but none labelled k8s-app=kube-dns, so it cannot show them', who)
      : t('{0} — the cluster DNS (kube-dns); the workspace does not show kube-system (no Pod or workload manifests there), so it cannot list these pods', who);
  }
  return t('{0} — in the workspace: {1}', who, list(matched.map(podName)));
}

function describePorts(rule: CompiledRule): string {
  if (!rule.ports) return t('on every port');
  return t('on {0}', portList(rule));
}

function portList(rule: CompiledRule): string {
  return (rule.ports ?? []).map((pt) => {
    const proto = pt.protocolDefaulted ? t('{0} (default)', pt.protocol) : pt.protocol;
    if (pt.port === undefined) return t('every {0} port', proto);
    if (typeof pt.port === 'string') return t('the port named {0}', `${code(pt.port)}/${proto}`);
    return pt.endPort !== undefined ? `${pt.port}-${pt.endPort}/${proto}` : `${pt.port}/${proto}`;
  }).join(', ');
}

function describeRule(world: World, p: CompiledPolicy, rule: CompiledRule, dir: 'ingress' | 'egress'): string {
  const peers = rule.peers?.map((peer) => describePeer(world, p, peer)).join(t('; **or** '));
  const who = peers === undefined
    ? dir === 'ingress' ? t('from **any source** (pods and outside addresses)') : t('to **any destination** (pods and outside addresses)')
    : dir === 'ingress' ? t('from {0}', peers) : t('to {0}', peers);
  return t('{0}, {1}', who, describePorts(rule));
}

/** Whether the pod's egress allows DNS (UDP 53) to the cluster DNS: the workspace's kube-dns pods, or a stand-in. */
const DNS_PODS = new WeakMap<World, PodInfo[]>();

export function dnsAllowed(world: World, pod: PodInfo): boolean {
  let known = DNS_PODS.get(world);
  if (!known) DNS_PODS.set(world, (known = world.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns')));
  const dns: PodInfo[] = known.length
    ? known
    : [{ namespace: 'kube-system', name: 'kube-dns', kind: 'Pod', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], ips: [], source: pod.source, namespaceWritten: true }];
  return dns.some((d) => evaluate(world, { from: { kind: 'pod', pod }, to: { kind: 'pod', pod: d }, port: 53, protocol: 'UDP' }).egress.allowed);
}

function reachability(world: World, pod: PodInfo): string[] {
  const lines: string[] = [];
  // Every other pod against this one, each way (semantics/reach.ts: evaluate's answers, computed in
  // bulk). Only the pods the lists show are turned into text.
  // Each list keeps the pods it shows and counts the rest.
  type Shown = { readonly shown: PairReach[]; count: number };
  const collector = (): Shown => ({ shown: [], count: 0 });
  const add = (c: Shown, r: PairReach) => {
    if (c.count++ < MAX_LISTED) c.shown.push(r);
  };
  const inbound = collector();
  const blockedIn = collector();
  const outbound = collector();
  const blockedOut = collector();
  const portText = (ps: readonly PortRef[]) => ps.map((c) => `${c.port}/${c.protocol}`).join(', ');
  for (const r of reachabilityOf(world, pod)) {
    add(r.inPorts.length ? inbound : blockedIn, r);
    add(r.outPorts.length ? outbound : blockedOut, r);
  }
  const listOf = (c: Shown, render: (r: PairReach) => string): string => list(c.shown.map(render), c.count);
  const listInbound = () => listOf(inbound, (r) => `${podName(r.other)} → ${portText(r.inPorts)}`);
  const listOutbound = () => listOf(outbound, (r) => t('{0} on {1}', podName(r.other), portText(r.outPorts)));
  const listNames = (c: Shown) => listOf(c, (r) => podName(r.other));
  const inIsolated = policiesSelecting(world, pod, 'ingress');
  const egIsolated = policiesSelecting(world, pod, 'egress');
  lines.push(`**${code(podName(pod))}**`);
  lines.push(`- ingress: ${inIsolated.length ? t('isolated by {0}', list(inIsolated.map((p) => p.ref.name))) : t('not isolated: every source may connect')}`);
  if (inIsolated.length) {
    lines.push(`  - ${t('can be reached from: {0}', listInbound())}`);
    lines.push(`  - ${t('**blocked**: {0}', listNames(blockedIn))}`);
    const outside = inIsolated.flatMap((p) => p.ingress.filter((r) => !r.peers || r.peers.some((x) => x.ipBlock)).map((r) => (r.peers ? r.peers.filter((x) => x.ipBlock).map((x) => x.ipBlock!.cidrText).join(', ') : t('any address'))));
    lines.push(`  - ${t('from outside the cluster: {0}', outside.length ? t('allowed from {0}', [...new Set(outside)].join(', ')) : t('**blocked**'))}`);
  }
  lines.push(`- egress: ${egIsolated.length ? t('isolated by {0}', list(egIsolated.map((p) => p.ref.name))) : t('not isolated: may connect anywhere (the other end must still allow it)')}`);
  if (egIsolated.length) {
    lines.push(`  - ${t('may connect to: {0}', listOutbound())}`);
    lines.push(`  - ${t('**blocked**: {0}', listNames(blockedOut))}`);
    const outside = egIsolated.flatMap((p) => p.egress.filter((r) => !r.peers || r.peers.some((x) => x.ipBlock)).map((r) => (r.peers ? r.peers.filter((x) => x.ipBlock).map((x) => x.ipBlock!.cidrText).join(', ') : t('any address'))));
    lines.push(`  - ${t('to outside the cluster: {0}', outside.length ? t('allowed to {0}', [...new Set(outside)].join(', ')) : t('**blocked**'))}`);
    if (!dnsAllowed(world, pod)) lines.push(`  - ${t('⚠ **DNS is blocked**: no egress rule allows UDP 53 to kube-dns (kube-system, k8s-app=kube-dns). Host names stop resolving, so `curl http://external-api.com` fails with "Could not resolve host" even where the address is allowed.')}`);
  }
  return lines;
}

function explainPolicy(world: World, c: CompiledPolicy | RejectedPolicy): string {
  const out: string[] = [];
  if ('reason' in c) {
    out.push(t('**NetworkPolicy {0} — not applied**', code(`${c.ref.namespace}/${c.ref.name}`)), '', t('The API server would reject it (see the errors in this document), so it allows and isolates nothing until they are fixed.'));
    return out.join('\n');
  }
  out.push(`**NetworkPolicy ${code(`${c.ref.namespace}/${c.ref.name}`)}**${c.namespaceWritten ? '' : t(" (no namespace written: assumed `default`, kubectl uses the current context's)")}`, '');
  const sel = isEmptySelector(c.podSelector) ? t('**every pod** in {0}', code(c.ref.namespace)) : t('pods in {0} with {1}', code(c.ref.namespace), code(formatSelector(c.podSelector)));
  const pods = selectedPods(world, c);
  out.push(t('**Selects** {0} — in the workspace: {1}', sel, list(pods.map(podName))));
  const types = [c.isolatesIngress ? 'Ingress' : '', c.isolatesEgress ? 'Egress' : ''].filter(Boolean).join(t(' and ')) || t('nothing');
  const why = c.policyTypesWritten ? '' : c.isolatesEgress ? t(' (policyTypes not written: Ingress by default, plus Egress because it has egress rules)') : t(' (policyTypes not written: Ingress by default, and not Egress because it has no egress rules)');
  out.push(t('**Isolates** {0}{1}.', types, why), '');
  if (c.isolatesIngress) {
    out.push(c.ingress.length === 0 ? t('**Ingress**: no rule, so on its own this policy blocks **all incoming traffic** to the selected pods.') : t('**Ingress allowed** (any one rule suffices):'));
    c.ingress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'ingress')}`));
    out.push('');
  } else if (c.ingress.length) out.push(t('⚠ It has ingress rules but policyTypes leaves Ingress out, so **they are ignored**.'), '');
  if (c.isolatesEgress) {
    out.push(c.egress.length === 0 ? t('**Egress**: no rule, so on its own this policy blocks **all outgoing traffic** from the selected pods.') : t('**Egress allowed** (any one rule suffices):'));
    c.egress.forEach((r, i) => out.push(`${i + 1}. ${describeRule(world, c, r, 'egress')}`));
    out.push('');
  } else if (c.egress.length) out.push(t('⚠ It has egress rules but policyTypes leaves Egress out, so **they are ignored**.'), '');
  if (!c.isolatesEgress) out.push(t('It restricts no egress: neither where the selected pods may connect, nor where the sources it names may connect.'), '');
  const sources = c.ingress.flatMap((r) => (r.peers ?? []).flatMap((peer) => world.pods.filter((pod) => peerMatches(world, c, peer, { kind: 'pod', pod }))));
  const unique = [...new Set(sources)].filter((s0) => !pods.includes(s0)).slice(0, 3);
  for (const src of unique) {
    const selected = new Set(pods);
    const elsewhere = reachabilityOf(world, src, { outOnly: true }).filter((r) => !selected.has(r.other) && r.outPorts.length > 0).map((r) => r.other);
    if (elsewhere.length) out.push(t('{0} can still connect to {1}: this policy only limits who reaches the pods it selects.', code(podName(src)), list(elsewhere.map(podName))), '');
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const isolates = dir === 'ingress' ? c.isolatesIngress : c.isolatesEgress;
    const rules = dir === 'ingress' ? c.ingress : c.egress;
    if (!isolates || rules.length > 0) continue;
    const others = world.policies.filter((o) => o !== c && o.ref.namespace === c.ref.namespace && (dir === 'ingress' ? o.ingress.length && o.isolatesIngress : o.egress.length && o.isolatesEgress) && pods.some((pod) => matchesSelector(o.podSelector, pod.labels)));
    if (others.length) out.push(t(others.length === 1 ? '⚠ Policies only add allowances: {0} also selects these pods and still allows the {1} its rules name. This policy cannot take that away.' : '⚠ Policies only add allowances: {0} also select these pods and still allow the {1} their rules name. This policy cannot take that away.', list(others.map((o) => o.ref.name)), dir), '');
  }
  if (pods.length) {
    out.push('---', t("**Reachability** (all policies in the workspace; a connection needs the source's egress and the destination's ingress):"));
    for (const pod of pods.slice(0, 5)) out.push(...reachability(world, pod));
    if (pods.length > 5) out.push(t('…and {0} more selected pods.', pods.length - 5));
    out.push('');
  } else if (world.pods.length === 0) {
    out.push(t('_No Pods or workloads in the workspace, so no pod can be named. Add their manifests to see who can reach whom._'), '');
  }
  out.push(t('_Blocked connections are usually dropped, so clients see a timeout rather than "connection refused". NetworkPolicy cannot match domain names: only pods, namespaces and IP ranges._'));
  return out.join('\n');
}

function explainIpBlock(cidrText: string, except: readonly string[]): string {
  const c = parseCidr(cidrText);
  if (!c) return t('{0} is not a CIDR; the API server rejects it.', code(cidrText));
  const n = addressCount(c);
  const count = n === 1n ? t('a single address') : t('{0} addresses', n.toLocaleString('en-US'));
  const note = c.hostBitsSet ? t('; note the address has host bits set, Kubernetes uses the network {0}', formatCidr(c)) : '';
  const lines = [`**ipBlock** ${code(cidrText)}: ${count} (${formatCidr(c)}${note}).`];
  for (const e of except) {
    const ec = parseCidr(e);
    if (ec) lines.push(`- ${t('except {0}: {1} addresses', code(e), addressCount(ec).toLocaleString('en-US'))}`);
  }
  lines.push('', t("Meant for addresses outside the cluster. It cannot name a host (external-api.com): when the service's addresses change, the policy must change too. Whether it also matches pod IPs depends on the network plugin."));
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
        const and = peer.podSelector && peer.namespaceSelector ? '\n\n' + t('podSelector and namespaceSelector in **one** peer are ANDed: both must match. As two list items (`- podSelector` / `- namespaceSelector`) they would be ORed.') : '';
        return { markdown: (dir === 'ingress' ? t('**Peer** (source): {0}.', describePeer(world, live, peer)) : t('**Peer** (destination): {0}.', describePeer(world, live, peer))) + and, span: at.span };
      }
    }
    const portMatch = /^\.ports\[(\d+)\]/.exec(rest);
    if (rule && portMatch) {
      const pt = rule.ports?.[Number(portMatch[1])];
      if (pt) {
        let md = t('**Port**: {0}.', portList({ ...rule, ports: [pt] }));
        if (typeof pt.port === 'string') {
          const dests = dir === 'ingress' ? selectedPods(world, live) : world.pods.filter((pod) => !rule.peers || rule.peers.some((peer) => peerMatches(world, live, peer, { kind: 'pod', pod })));
          const resolved = dests.flatMap((pod) => pod.ports.filter((cp) => cp.name === pt.port && cp.protocol === pt.protocol).map((cp) => `${podName(pod)}: ${cp.port}/${cp.protocol}`));
          md += '\n\n' + t("A named port is resolved on each destination pod's container ports (name and protocol). In the workspace: {0}.", resolved.length ? resolved.map(code).join(', ') : t('no destination pod defines {0}, so this entry matches nothing there', `${code(String(pt.port))}/${pt.protocol}`));
        }
        return { markdown: md, span: at.span };
      }
    }
    if (rule) return { markdown: t(dir === 'ingress' ? '**Ingress rule {0}**: allows traffic {1}.' : '**Egress rule {0}**: allows traffic {1}.', Number(ruleMatch[2]) + 1, describeRule(world, live, rule, dir)), span: at.span };
  }
  return { markdown: explainPolicy(world, live), span: at.span };
}
