/**
 * The cluster DNS as policies name it: a peer meant for kube-dns (CoreDNS) in kube-system. Most
 * repositories hold no manifests of kube-system, so such a peer matches no pod of the workspace
 * although it matches the cluster's DNS pods: answers about it must say the workspace does not
 * show kube-system, not that the peer allows no pod.
 */
import type { LabelSelector } from '../model/types';
import type { PodInfo } from '../model/inventory';
import { isEmptySelector, matchesSelector } from './selector';

export const KUBE_SYSTEM = 'kube-system';

/** Labels kube-system carries in a cluster, in the spellings policies use for it. */
const KUBE_SYSTEM_SPELLINGS: readonly Record<string, string>[] = [{ 'kubernetes.io/metadata.name': KUBE_SYSTEM }, { name: KUBE_SYSTEM }];
/** Labels of the cluster DNS pods (kube-dns, and CoreDNS under the same label). */
const KUBE_DNS_LABELS: Record<string, string> = { 'k8s-app': 'kube-dns' };

/**
 * Whether a peer is meant for the cluster DNS: a namespaceSelector selecting kube-system (by
 * `kubernetes.io/metadata.name` or by a `name` label, through matchLabels or matchExpressions)
 * and a podSelector selecting pods labelled k8s-app=kube-dns.
 */
export function isKubeDnsPeer(peer: { readonly namespaceSelector?: LabelSelector; readonly podSelector?: LabelSelector }): boolean {
  const ns = peer.namespaceSelector;
  const pods = peer.podSelector;
  if (!ns || isEmptySelector(ns) || !pods || isEmptySelector(pods)) return false;
  return KUBE_SYSTEM_SPELLINGS.some((labels) => matchesSelector(ns, labels)) && matchesSelector(pods, KUBE_DNS_LABELS);
}

/** Whether the workspace has any Pod or workload of kube-system. */
export function showsKubeSystem(pods: readonly PodInfo[]): boolean {
  return pods.some((p) => p.namespace === KUBE_SYSTEM);
}
