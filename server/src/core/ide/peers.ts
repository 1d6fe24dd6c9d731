/** Policy parts and endpoints as short text (peers, ports, pods, rule paths), shared by the explanation, the matrix and the reachability model. */
import type { PodInfo } from '../model/inventory';
import type { CompiledPeer, CompiledPort, CompiledRule, PolicyRef } from '../semantics/compile';
import { formatSelector } from '../semantics/selector';
import { t } from '../l10n';


export function podLabel(p: PodInfo): string {
  return `${p.namespace}/${p.name}`;
}

/** `default/backend`, or `default/backend (Deployment)` for a workload. */
export function podTitle(p: PodInfo): string {
  return p.kind === 'Pod' ? podLabel(p) : `${podLabel(p)} (${p.kind})`;
}

export function describePeer(peer: CompiledPeer): string {
  if (peer.ipBlock) {
    const ex = peer.ipBlock.except.map((e) => e.text);
    return ex.length ? t('ipBlock {0} except {1}', peer.ipBlock.cidrText, ex.join(', ')) : `ipBlock ${peer.ipBlock.cidrText}`;
  }
  const parts: string[] = [];
  if (peer.namespaceSelector) {
    const s = formatSelector(peer.namespaceSelector);
    parts.push(s === '<none>' ? t('namespaceSelector {} (every namespace)') : `namespaceSelector ${s}`);
  }
  if (peer.podSelector) {
    const s = formatSelector(peer.podSelector);
    parts.push(s === '<none>' ? (peer.namespaceSelector ? t('podSelector {} (every pod)') : t('podSelector {} (every pod of the namespace)')) : `podSelector ${s}`);
  }
  return parts.length ? parts.join(t(' and ')) : t('(empty peer)');
}

export function describePort(e: CompiledPort): string {
  if (e.port === undefined) return t('every {0} port', e.protocol);
  if (typeof e.port === 'string') return t('named port {0}', `${e.port}/${e.protocol}`);
  return e.endPort !== undefined ? `${e.port}-${e.endPort}/${e.protocol}` : `${e.port}/${e.protocol}`;
}

export function rulePath(direction: 'ingress' | 'egress', rule: CompiledRule): string {
  return `spec.${direction}[${rule.index}]`;
}

export function peerPath(direction: 'ingress' | 'egress', rule: CompiledRule, peer: CompiledPeer): string {
  return `${rulePath(direction, rule)}.${direction === 'ingress' ? 'from' : 'to'}[${peer.index}]`;
}

export function policyName(ref: PolicyRef): string {
  return `${ref.namespace}/${ref.name}`;
}

