/**
 * NP402 named-port-undefined: a named port (`port: http`) that no destination pod in the
 * workspace defines with that name and protocol. A named port resolves against the destination
 * pod's container ports (name and protocol both), so the entry then matches nothing: a typo, or
 * a protocol mismatch (`dns` is UDP on kube-dns, while a port without protocol is TCP). The
 * destinations are the selected pods for ingress, the peers' pods for egress; nothing is said
 * when the workspace has none of them.
 */
import type { Rule } from './rule';
import type { PodInfo } from '../model/inventory';
import { matchesSelector } from '../semantics/selector';
import { peerMatches } from '../semantics/evaluate';
import { fileSpanAt } from './util';
import { t } from '../l10n';

function names(pods: readonly PodInfo[]): string {
  const list = pods.slice(0, 3).map((p) => `${p.namespace}/${p.name}`).join(', ');
  return pods.length > 3 ? t('{0} and {1} more', list, pods.length - 3) : list;
}

export const namedPortUndefined: Rule = {
  meta: { code: 'NP402', slug: 'named-port-undefined', severity: 'warning', title: 'Named port that no destination pod defines', fixable: false, source: 'NetworkPolicyPort.port (named ports resolve on the destination pod); np-guard warnings' },
  scope: 'workspace',
  check() {},
  checkWorkspace(ctx) {
    const world = ctx.world;
    for (const fp of ctx.policies) {
      const c = fp.compiled;
      if (!c) continue;
      const selected = ctx.lookups.podsIn(c.ref.namespace).filter((p) => matchesSelector(c.podSelector, p.labels));
      for (const [dir, rules, on] of [['ingress', c.ingress, c.isolatesIngress], ['egress', c.egress, c.isolatesEgress]] as const) {
        if (!on) continue;
        for (const r of rules) {
          const named = (r.ports ?? []).filter((pt) => typeof pt.port === 'string');
          if (!named.length) continue;
          const dests = dir === 'ingress' ? selected : r.peers ? world.pods.filter((pod) => r.peers!.some((peer) => peerMatches(world, c, peer, { kind: 'pod', pod }))) : world.pods;
          if (!dests.length) continue;
          for (const pt of named) {
            const name = pt.port as string;
            if (dests.some((d) => d.ports.some((cp) => cp.name === name && cp.protocol === pt.protocol))) continue;
            const other = dests.flatMap((d) => d.ports.filter((cp) => cp.name === name).map((cp) => cp.protocol));
            const path = `spec.${dir}[${r.index}].ports[${pt.index}].port`;
            const who = dir === 'ingress' ? t('the pods this policy selects') : t("the rule's destination pods");
            const message = other.length
              ? t("port {0} is {1} on {2} ({3}), but this entry's protocol is {4}{5}: a named port matches only with the same protocol, so this entry allows nothing; write protocol: {6}", name, [...new Set(other)].join(t(' and ')), who, names(dests), pt.protocol, pt.protocolDefaulted ? t(' (the default)') : '', other[0])
              : t("no container port named {0} on {1} in the workspace ({2}): a named port resolves on the destination pod, so this entry allows nothing there. Check the name against the containers' ports", `${name}/${pt.protocol}`, who, names(dests));
            ctx.report({ path, span: fileSpanAt(ctx, fp.analyzed, path), message });
          }
        }
      }
    }
  },
};
