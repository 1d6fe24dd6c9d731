/**
 * NP302 egress-blocks-dns: the policy isolates egress and none of its egress rules allows DNS,
 * UDP and TCP port 53, to the cluster DNS (kube-dns in kube-system). Host names then stop
 * resolving: `curl http://external-api.com` fails with "Could not resolve host" even where the
 * address is allowed. Other policies selecting the same pods may allow DNS; the workspace pass
 * (workspaceRules.ts) drops this warning when they do. The fix appends an egress rule to kube-dns.
 */
import type { Rule } from './rule';
import type { NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';
import { effectivePolicyTypes } from '../semantics/compile';
import { getEntry } from '../syntax/tree';
import { matchesSelector } from '../semantics/selector';
import { parseCidr } from '../semantics/cidr';
import { cleanPolicy, spanAt } from './util';
import { appendItem, setEntry, styleOf, Value, within } from './yamlEdit';
import { t } from '../l10n';

export const DNS_NAMESPACE = 'kube-system';
const DNS_NAMESPACE_LABELS = { 'kubernetes.io/metadata.name': DNS_NAMESPACE };
const DNS_POD_LABELS = { 'k8s-app': 'kube-dns' };
/** The container port names kube-dns / CoreDNS use. */
const DNS_PORT_NAMES: Record<string, string> = { dns: 'UDP', 'dns-tcp': 'TCP' };

/** The egress rule the fixes add: one peer (kube-system AND k8s-app=kube-dns), UDP and TCP 53. */
export const DNS_RULE: Value = {
  to: [{ namespaceSelector: { matchLabels: DNS_NAMESPACE_LABELS }, podSelector: { matchLabels: DNS_POD_LABELS } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};

export interface DnsCoverage {
  udp: boolean;
  tcp: boolean;
}

function names53(e: NetworkPolicyPort, protocol: string): boolean {
  if ((e.protocol ?? 'TCP') !== protocol) return false;
  if (typeof e.port === 'number') return e.endPort !== undefined ? e.port <= 53 && 53 <= e.endPort : e.port === 53;
  return typeof e.port === 'string' && DNS_PORT_NAMES[e.port] === protocol;
}

/** Whether a peer reaches the cluster DNS pods (kube-system, k8s-app=kube-dns) or every address. */
function reachesDns(peer: NetworkPolicyPeer, namespace: string): boolean {
  if (peer.ipBlock) {
    const c = peer.ipBlock.cidr ? parseCidr(peer.ipBlock.cidr) : undefined;
    return !!c && c.prefix === 0 && !(peer.ipBlock.except ?? []).length;
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  const nsOk = peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, DNS_NAMESPACE_LABELS) : namespace === DNS_NAMESPACE;
  return nsOk && (!peer.podSelector || matchesSelector(peer.podSelector, DNS_POD_LABELS));
}

/**
 * Which DNS protocols a policy's egress rules allow. A rule counts for a protocol when it names
 * port 53 of it (a number, a range holding 53, or kube-dns's port name), whatever its peers: an
 * explicit port 53 says the author meant DNS (NodeLocal DNSCache at 169.254.20.10, a custom DNS
 * deployment). A rule allowing every port of the protocol counts when its peers reach kube-dns:
 * no peers, a selector matching kube-dns in kube-system, or an ipBlock of every address.
 */
export function dnsCoverage(rules: readonly (NetworkPolicyEgressRule | undefined)[], namespace: string): DnsCoverage {
  const out = { udp: false, tcp: false };
  for (const r of rules) {
    const peers = r?.to?.length ? r.to : undefined;
    const ports = r?.ports?.length ? r.ports : undefined;
    for (const [key, protocol] of [['udp', 'UDP'], ['tcp', 'TCP']] as const) {
      if (out[key]) continue;
      if (ports?.some((e) => e && names53(e, protocol))) out[key] = true;
      else if ((!ports || ports.some((e) => e && (e.protocol ?? 'TCP') === protocol && e.port === undefined)) && (!peers || peers.some((p) => p && reachesDns(p, namespace)))) out[key] = true;
    }
  }
  return out;
}

/** Effective egress isolation: policyTypes names Egress, or (unwritten) there are egress rules. */
function isolatesEgress(v: NetworkPolicy): boolean {
  return effectivePolicyTypes(v).includes('Egress');
}

export const egressBlocksDns: Rule = {
  meta: { code: 'NP302', slug: 'egress-blocks-dns', severity: 'warning', title: 'Egress isolated without allowing DNS (UDP and TCP 53)', fixable: true, source: 'pitfall: egress isolation without DNS (cyclonus CheckDNSBlockedOnTCP/UDP; Kyverno add-networkpolicy-dns)' },
  scope: 'policy',
  check(ctx) {
    const v = cleanPolicy(ctx);
    const spec = v?.spec;
    if (!spec || !isolatesEgress(v)) return;
    const rules = spec.egress ?? [];
    const cov = dnsCoverage(rules, v.metadata?.namespace || 'default');
    if (cov.udp && cov.tcp) return;
    let message: string;
    if (cov.udp) message = t('egress allows DNS over UDP only: TCP port 53 to the cluster DNS (kube-dns in kube-system) is blocked, so lookups whose answers do not fit in UDP fail (unless another policy selecting these pods allows DNS)');
    else if (cov.tcp) message = t('egress allows DNS over TCP only (a port without protocol is TCP): UDP port 53 to the cluster DNS (kube-dns in kube-system) is blocked, so most lookups fail (unless another policy selecting these pods allows DNS)');
    else if (rules.length === 0) message = t('this policy blocks all egress of the pods it selects, DNS included (UDP and TCP port 53 to kube-dns in kube-system): host names stop resolving unless another policy selecting these pods allows DNS');
    else message = t('egress is isolated and no egress rule allows DNS (UDP and TCP port 53 to kube-dns in kube-system): host names stop resolving, so `curl http://external-api.com` fails with "Could not resolve host" even where the address is allowed (unless another policy selecting these pods allows DNS)');
    const typesAt = spec.policyTypes?.indexOf('Egress') ?? -1;
    const span = ctx.doc.decoded?.spans.has('spec.egress') ? spanAt(ctx, 'spec.egress', 'key') : typesAt >= 0 ? spanAt(ctx, `spec.policyTypes[${typesAt}]`) : spanAt(ctx, 'spec', 'key');
    ctx.report({ span, message, fix: dnsFix(ctx) });
  },
};

function dnsFix(ctx: Parameters<Rule['check']>[0]) {
  const spec = getEntry(ctx.doc.node, 'spec')?.value;
  if (spec?.kind !== 'map' || !within(spec, ctx.doc.node)) return undefined;
  const style = styleOf(ctx.text, ctx.doc.node);
  const egress = getEntry(spec, 'egress');
  const edits = egress?.value?.kind === 'seq'
    ? within(egress.value, spec) ? appendItem(ctx.text, egress.value, DNS_RULE, style) : undefined
    : setEntry(ctx.text, spec, 'egress', [DNS_RULE], style);
  return edits ? { title: t('Allow DNS: add an egress rule to kube-dns (UDP and TCP 53)'), edits } : undefined;
}
