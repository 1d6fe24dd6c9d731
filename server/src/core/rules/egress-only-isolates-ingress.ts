/**
 * NP310 egress-only-isolates-ingress: a policy with egress rules, no ingress key and no
 * policyTypes (the user's guide's allow-egress-to-external-api) isolates the selected pods for
 * ingress too. The API server defaults policyTypes to [Ingress] plus Egress when spec.egress has
 * rules, so the policy becomes [Ingress, Egress] with no ingress rule: all ingress to the
 * selected pods is blocked unless another policy allows it. Usually meant as an egress-only
 * policy. Two fixes: write policyTypes: [Egress] (what was meant, most often), or write the
 * default out, policyTypes: [Ingress, Egress] (keep the behaviour, make it explicit).
 */
import type { Fix, Rule } from './rule';
import { getEntry } from '../syntax/tree';
import { cleanPolicy, spanAt } from './util';
import { setEntry, styleOf, within } from './yamlEdit';
import { t } from '../l10n';

export const egressOnlyIsolatesIngress: Rule = {
  meta: { code: 'NP310', slug: 'egress-only-isolates-ingress', severity: 'warning', title: 'Egress rules without policyTypes, which isolates ingress too', fixable: true, source: 'pitfall: policyTypes defaulting (SetDefaults_NetworkPolicy; NetworkPolicySpec.policyTypes docs)' },
  scope: 'policy',
  check(ctx) {
    const spec = cleanPolicy(ctx)?.spec;
    if (!spec || spec.policyTypes?.length || !spec.egress?.length) return;
    const specNode = getEntry(ctx.doc.node, 'spec')?.value;
    // `ingress: []` or `ingress:` written: denying all ingress is said outright, not defaulted.
    if (specNode?.kind !== 'map' || getEntry(specNode, 'ingress')) return;
    const fixes: Fix[] = [];
    // Only where policyTypes is not written at all: the fixes insert, never overwrite.
    if (within(specNode, ctx.doc.node) && !getEntry(specNode, 'policyTypes')) {
      const style = styleOf(ctx.text, ctx.doc.node);
      const egressOnly = setEntry(ctx.text, specNode, 'policyTypes', ['Egress'], style, 'egress');
      if (egressOnly) fixes.push({ title: t('Egress only: set policyTypes to [Egress]'), edits: egressOnly });
      const both = setEntry(ctx.text, specNode, 'policyTypes', ['Ingress', 'Egress'], style, 'egress');
      if (both) fixes.push({ title: t('Keep ingress isolated, explicitly: set policyTypes to [Ingress, Egress]'), edits: both });
    }
    ctx.report({
      span: spanAt(ctx, 'spec.egress', 'key'),
      message: t('policyTypes is not written, so the API server sets it to [Ingress, Egress]: this egress policy also isolates the selected pods for ingress, with no ingress rule, so all ingress to them is blocked unless another policy allows it. For an egress-only policy write policyTypes: [Egress]'),
      fix: fixes[0],
      moreFixes: fixes.slice(1),
    });
  },
};
