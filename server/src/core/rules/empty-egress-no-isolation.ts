/**
 * NP304 empty-egress-no-isolation: `egress: []` without policyTypes does not isolate egress.
 * When policyTypes is not written the API server defaults it to [Ingress], adding Egress only
 * when spec.egress has at least one rule, so an empty list (usually meant as "deny all egress")
 * changes nothing. The fix writes policyTypes: [Ingress, Egress], keeping the Ingress the
 * default gave.
 */
import type { Rule } from './rule';
import { getEntry } from '../syntax/tree';
import { cleanPolicy, spanAt } from './util';
import { setEntry, styleOf, within } from './yamlEdit';
import { t } from '../l10n';

export const emptyEgressNoIsolation: Rule = {
  meta: { code: 'NP304', slug: 'empty-egress-no-isolation', severity: 'warning', title: 'egress: [] without policyTypes, which does not isolate egress', fixable: true, source: 'pitfall: policyTypes defaulting (SetDefaults_NetworkPolicy; cyclonus CheckSourceMissingPolicyTypes*)' },
  scope: 'policy',
  check(ctx) {
    const spec = cleanPolicy(ctx)?.spec;
    if (!spec || spec.policyTypes?.length) return;
    const specNode = getEntry(ctx.doc.node, 'spec')?.value;
    const egress = specNode?.kind === 'map' ? getEntry(specNode, 'egress')?.value : undefined;
    if (egress?.kind !== 'seq' || egress.items.length !== 0 || !spec.egress) return;
    let fix;
    if (specNode?.kind === 'map' && within(specNode, ctx.doc.node)) {
      const edits = setEntry(ctx.text, specNode, 'policyTypes', ['Ingress', 'Egress'], styleOf(ctx.text, ctx.doc.node), 'egress');
      if (edits) fix = { title: t('Isolate egress: set policyTypes to [Ingress, Egress]'), edits };
    }
    ctx.report({
      path: 'spec.egress',
      span: spanAt(ctx, 'spec.egress', 'key'),
      message: t('egress: [] does not isolate egress: without policyTypes, Egress is only added when spec.egress has rules, so the selected pods may still connect anywhere. To block all their egress, write policyTypes: [Ingress, Egress]'),
      fix,
    });
  },
};
