/**
 * The hover's shared wording: names, capped lists, peers, ports and rules in plain words, and
 * whether a pod's egress allows DNS. Markdown only; every line break the hovers need is a
 * paragraph (blank line), a list item or a heading: VS Code's renderer joins plain line breaks.
 */
import { isKubeDnsPeer, showsKubeSystem } from '../semantics/kubeDns';
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPolicy, CompiledRule } from '../semantics/compile';
import { evaluate, World } from '../semantics/evaluate';
import { podsMatchedBy } from '../semantics/reach';
import { formatSelector, isEmptySelector, matchesSelector } from '../semantics/selector';
import { escapeControls } from './escape';
import { t } from '../l10n';

export const MAX_LISTED = 8;

/** Inline code that cannot end early or break the line (backticks and control characters made harmless). */
export function code(s: string): string {
  return '`' + escapeControls(s).replace(/`/g, "'") + '`';
}

export function podName(p: PodInfo): string {
  return `${p.namespace}/${p.name}${p.kind === 'Pod' ? '' : ` (${p.kind})`}`;
}

/** The first names (of `total`, by default all of them), and how many more. */
export function list(names: readonly string[], total = names.length, max = MAX_LISTED): string {
  if (total === 0) return t('none');
  const shown = names.slice(0, max).map(code).join(', ');
  return total > max ? t('{0} and {1} more', shown, total - max) : shown;
}

export function selectedPods(world: World, p: CompiledPolicy): PodInfo[] {
  return world.pods.filter((pod) => pod.namespace === p.ref.namespace && matchesSelector(p.podSelector, pod.labels));
}

export function describePeer(world: World, p: CompiledPolicy, peer: CompiledPeer): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.map((e) => e.text);
    return ex.length ? t('addresses in {0} except {1}', code(peer.ipBlock.cidrText), ex.map(code).join(', ')) : t('addresses in {0}', code(peer.ipBlock.cidrText));
  }
  const sel = peer.podSelector && !isEmptySelector(peer.podSelector) ? code(formatSelector(peer.podSelector)) : undefined;
  let who: string;
  if (!peer.namespaceSelector) who = sel ? t("pods with {0} in {1} (the policy's own namespace)", sel, code(p.ref.namespace)) : t("all pods in {0} (the policy's own namespace)", code(p.ref.namespace));
  else if (isEmptySelector(peer.namespaceSelector)) who = sel ? t('pods with {0} in every namespace', sel) : t('all pods in every namespace');
  else who = sel ? t('pods with {0} in namespaces with {1}', sel, code(formatSelector(peer.namespaceSelector))) : t('all pods in namespaces with {0}', code(formatSelector(peer.namespaceSelector)));
  const matched = podsMatchedBy(world, p, peer);
  if (matched.length === 0 && isKubeDnsPeer(peer)) {
    return showsKubeSystem(world.pods)
      ? t('{0} — the cluster DNS (kube-dns); the workspace has Pods or workloads of kube-system, but none labelled k8s-app=kube-dns, so it cannot show them', who)
      : t('{0} — the cluster DNS (kube-dns); the workspace does not show kube-system (no Pod or workload manifests there), so it cannot list these pods', who);
  }
  return t('{0} — in the workspace: {1}', who, list(matched.map(podName)));
}

export function describePorts(rule: CompiledRule): string {
  if (!rule.ports) return t('on every port');
  return t('on {0}', portList(rule));
}

export function portList(rule: CompiledRule): string {
  return (rule.ports ?? []).map((pt) => {
    const proto = pt.protocolDefaulted ? t('{0} (default)', pt.protocol) : pt.protocol;
    if (pt.port === undefined) return t('every {0} port', proto);
    if (typeof pt.port === 'string') return t('the port named {0}', `${code(pt.port)}/${proto}`);
    return pt.endPort !== undefined ? `${pt.port}-${pt.endPort}/${proto}` : `${pt.port}/${proto}`;
  }).join(', ');
}

export function describeRule(world: World, p: CompiledPolicy, rule: CompiledRule, dir: 'ingress' | 'egress'): string {
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
