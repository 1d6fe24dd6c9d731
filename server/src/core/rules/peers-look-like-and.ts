/**
 * NP305 peers-look-like-and: in one from/to list, a peer holding only a namespaceSelector next
 * to a peer holding only a podSelector. Separate list elements are ORed: the rule allows every
 * pod of the matching namespaces, or the matching pods of the policy's own namespace. Written
 * as one element (no `-` before the second selector) they are ANDed: the matching pods in the
 * matching namespaces, which is what such pairs usually mean. The fix merges them into one peer.
 */
import type { Rule, RuleContext } from './rule';
import type { NetworkPolicyPeer } from '../model/types';
import { cleanPolicy, nodeAt, selectorText, spanAt } from './util';
import { mergeItems } from './yamlEdit';
import { t } from '../l10n';

const loneNs = (p: NetworkPolicyPeer | undefined) => !!p?.namespaceSelector && !p.podSelector && !p.ipBlock;
const lonePod = (p: NetworkPolicyPeer | undefined) => !!p?.podSelector && !p.namespaceSelector && !p.ipBlock;

export const peersLookLikeAnd: Rule = {
  meta: { code: 'NP305', slug: 'peers-look-like-and', severity: 'info', title: 'A lone namespaceSelector peer next to a lone podSelector peer (ORed, often meant as AND)', fixable: true, source: 'pitfall: "Behavior of to and from selectors" (Kubernetes docs); kubernetes/website #38780' },
  scope: 'policy',
  check(ctx) {
    const v = cleanPolicy(ctx);
    const spec = v?.spec;
    if (!spec) return;
    const ns = v.metadata?.namespace || 'default';
    const lists: { peers: (NetworkPolicyPeer | undefined)[]; path: string; word: 'from' | 'to' }[] = [];
    spec.ingress?.forEach((r, i) => r?.from && lists.push({ peers: r.from, path: `spec.ingress[${i}].from`, word: 'from' }));
    spec.egress?.forEach((r, i) => r?.to && lists.push({ peers: r.to, path: `spec.egress[${i}].to`, word: 'to' }));
    for (const { peers, path, word } of lists) {
      for (let i = 0; i + 1 < peers.length; i++) {
        const a = peers[i];
        const b = peers[i + 1];
        if (!((loneNs(a) && lonePod(b)) || (lonePod(a) && loneNs(b)))) continue;
        const nsPeer = loneNs(a) ? a! : b!;
        const podPeer = loneNs(a) ? b! : a!;
        const nsText = selectorText(nsPeer.namespaceSelector, '');
        const podText = selectorText(podPeer.podSelector, '');
        // Both empty: every pod of every namespace either way.
        if (!nsText && !podText) continue;
        const everyPodIn = nsText ? t('every pod in namespaces with {0}', nsText) : t('every pod in every namespace');
        const podsHere = podText ? t("pods with {0} in {1} (this policy's namespace)", podText, ns) : t("every pod in {0} (this policy's namespace)", ns);
        const meant = podText
          ? nsText ? t('pods with {0} in namespaces with {1}', podText, nsText) : t('pods with {0} in every namespace', podText)
          : t('every pod in namespaces with {0}', nsText);
        const second = loneNs(b) ? 'namespaceSelector' : 'podSelector';
        const flowList = nodeAt(ctx.doc.node, path)?.kind === 'seq' && (nodeAt(ctx.doc.node, path) as { flow: boolean }).flow;
        const how = flowList ? t('put both selectors in one map') : t('put both selectors in one peer (remove the "-" before {0})', second);
        ctx.report({
          path: `${path}[${i + 1}]`,
          span: spanAt(ctx, `${path}[${i + 1}]`, 'head'),
          message: t('{0} and {1} are two peers, and peers are ORed: this allows {2}, or {3}. To allow only {4}, {5}', `${word}[${i}]`, `${word}[${i + 1}]`, everyPodIn, podsHere, meant, how),
          fix: mergeFix(ctx, path, i),
        });
        i++;
      }
    }
  },
};

function mergeFix(ctx: RuleContext, path: string, i: number) {
  const seq = nodeAt(ctx.doc.node, path, true);
  const edits = seq?.kind === 'seq' ? mergeItems(ctx.text, seq, i) : undefined;
  return edits ? { title: t('Merge into one peer (namespaceSelector AND podSelector)'), edits } : undefined;
}
