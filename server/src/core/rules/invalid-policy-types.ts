/**
 * NP211 invalid-policy-types: policyTypes holds at most two entries, each exactly Ingress or
 * Egress (case-sensitive). Duplicates pass the API server. Mirrors ValidateNetworkPolicySpec.
 */
import type { Rule } from './rule';
import { invalidRendered, notSupported } from '../k8s/fieldErrors';
import { spanAt } from './util';
import { t, tPair } from '../l10n';

const ALLOWED = ['Ingress', 'Egress'];

export const invalidPolicyTypes: Rule = {
  meta: { code: 'NP211', slug: 'invalid-policy-types', severity: 'error', title: 'policyTypes with an unknown value or more than two entries', fixable: true, source: 'ValidateNetworkPolicySpec' },
  scope: 'policy',
  check(ctx) {
    const types = ctx.doc.decoded?.value.spec?.policyTypes;
    if (!types) return;
    if (types.length > 2) {
      const rendered = `[]networking.PolicyType{${types.map((x) => JSON.stringify(x)).join(', ')}}`;
      ctx.report({ path: 'spec.policyTypes', span: spanAt(ctx, 'spec.policyTypes', 'key'), message: invalidRendered(rendered, tPair('may not specify more than two policyTypes')) });
      return;
    }
    types.forEach((x, i) => {
      if (ALLOWED.includes(x)) return;
      const at = `spec.policyTypes[${i}]`;
      const span = spanAt(ctx, at);
      const fixed = ALLOWED.find((a) => a.toLowerCase() === x.toLowerCase());
      ctx.report({ path: at, span, message: notSupported(x, ALLOWED), fix: fixed ? { title: t('Change to {0}', fixed), edits: [{ span, newText: fixed }] } : undefined });
    });
  },
};
