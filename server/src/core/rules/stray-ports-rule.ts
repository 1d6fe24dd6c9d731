/**
 * NP306 stray-ports-rule: a rule with only `ports` next to a rule with only peers. Usually a
 * stray `-` before `ports:` split one rule in two: the peers' rule allows those peers on every
 * port, and the ports' rule allows those ports from (or to) anywhere, pods and outside addresses
 * alike. The fix merges the ports into the peers' rule.
 */
import type { Rule, RuleContext } from './rule';
import type { NetworkPolicyPeer, NetworkPolicyPort } from '../model/types';
import { cleanPolicy, nodeAt, spanAt } from './util';
import { formatSelector, isEmptySelector } from '../semantics/selector';
import { mergeItems } from './yamlEdit';
import { t } from '../l10n';

interface RuleLike {
  ports?: NetworkPolicyPort[];
  peers?: NetworkPolicyPeer[];
}

export function portText(p: NetworkPolicyPort | undefined): string {
  const proto = p?.protocol ?? 'TCP';
  if (p?.port === undefined) return t('every {0} port', proto);
  if (typeof p.port === 'string') return t('port {0}', `${p.port}/${proto}`);
  return p.endPort !== undefined ? `${p.port}-${p.endPort}/${proto}` : `${p.port}/${proto}`;
}

function peerText(p: NetworkPolicyPeer | undefined): string {
  if (!p) return t('a peer');
  if (p.ipBlock) return `ipBlock ${p.ipBlock.cidr ?? ''}`.trim();
  const sel = p.podSelector && !isEmptySelector(p.podSelector) ? formatSelector(p.podSelector) : undefined;
  if (!p.namespaceSelector) return sel ? t('pods with {0} in this namespace', sel) : t('every pod in this namespace');
  if (isEmptySelector(p.namespaceSelector)) return sel ? t('pods with {0} in every namespace', sel) : t('every pod in every namespace');
  const ns = formatSelector(p.namespaceSelector);
  return sel ? t('pods with {0} in namespaces with {1}', sel, ns) : t('every pod in namespaces with {0}', ns);
}

export const strayPortsRule: Rule = {
  meta: { code: 'NP306', slug: 'stray-ports-rule', severity: 'warning', title: 'A rule with only ports next to a rule with only peers (a stray "-")', fixable: true, source: 'pitfall: a stray "-" before ports (Cilium "common mistakes" #4; kubernetes/website #43169)' },
  scope: 'policy',
  check(ctx) {
    const spec = cleanPolicy(ctx)?.spec;
    if (!spec) return;
    const dirs = [
      { key: 'ingress', word: 'from', side: t('from every source'), rules: (spec.ingress ?? []).map((r): RuleLike => ({ ports: r?.ports, peers: r?.from })) },
      { key: 'egress', word: 'to', side: t('to every destination'), rules: (spec.egress ?? []).map((r): RuleLike => ({ ports: r?.ports, peers: r?.to })) },
    ];
    for (const { key, word, side, rules } of dirs) {
      const portsOnly = (r: RuleLike | undefined) => !!r?.ports?.length && r.peers === undefined;
      const peersOnly = (r: RuleLike | undefined) => !!r?.peers?.length && r.ports === undefined;
      for (let i = 0; i + 1 < rules.length; i++) {
        const [a, b] = [rules[i], rules[i + 1]];
        let at: number;
        if (portsOnly(a) && peersOnly(b)) at = i;
        else if (peersOnly(a) && portsOnly(b)) at = i + 1;
        else continue;
        const ports = rules[at].ports!.map(portText).join(', ');
        const other = rules[at === i ? i + 1 : i].peers!.map(peerText).join(t(' or '));
        const path = `spec.${key}[${at}].ports`;
        const list = nodeAt(ctx.doc.node, `spec.${key}`);
        const how = list?.kind === 'seq' && list.flow ? t('put them in one map') : t('remove the "-" before {0}', at === i + 1 ? 'ports' : word);
        ctx.report({
          path: `spec.${key}[${at}]`,
          span: spanAt(ctx, path, 'key'),
          message: t('this rule has ports but no {0}, so it allows {1} {2} (pods and outside addresses), while the rule next to it allows {3} on every port. If they were meant as one rule ({3}, only on {1}), {4}', word, ports, side, other, how),
          fix: mergeFix(ctx, `spec.${key}`, i),
        });
        i++;
      }
    }
  },
};

function mergeFix(ctx: RuleContext, path: string, i: number) {
  const seq = nodeAt(ctx.doc.node, path, true);
  const edits = seq?.kind === 'seq' ? mergeItems(ctx.text, seq, i) : undefined;
  return edits ? { title: t('Merge the ports into the rule next to it'), edits } : undefined;
}
