/**
 * NP303 rules-ignored-by-policy-types: the policy has ingress (or egress) rules but its written
 * policyTypes leaves that direction out, so the API server keeps the rules and enforcement
 * ignores them: the selected pods are not isolated for that direction by this policy. The fix
 * adds the direction to policyTypes (which makes the rules take effect).
 */
import type { Rule, RuleContext } from './rule';
import { getEntry } from '../syntax/tree';
import { cleanPolicy, spanAt } from './util';
import { afterNode, eolOf, flow, onlyBlankBefore, within } from './yamlEdit';
import { t } from '../l10n';

const TYPES = ['Ingress', 'Egress'] as const;

export const rulesIgnoredByPolicyTypes: Rule = {
  meta: { code: 'NP303', slug: 'rules-ignored-by-policy-types', severity: 'warning', title: 'Ingress or egress rules that policyTypes makes ineffective', fixable: true, source: 'pitfall: policyTypes defaulting (cyclonus CheckSourceMissingPolicyTypes*; NetworkPolicySpec.policyTypes docs)' },
  scope: 'policy',
  check(ctx) {
    const spec = cleanPolicy(ctx)?.spec;
    const types = spec?.policyTypes;
    if (!spec || !types?.length || types.some((t) => !(TYPES as readonly string[]).includes(t))) return;
    for (const dir of TYPES) {
      const key = dir === 'Ingress' ? 'ingress' : 'egress';
      const rules = spec[key] ?? [];
      if (rules.length === 0 || types.includes(dir)) continue;
      const n = rules.length;
      const written = `[${[...new Set(types)].join(', ')}]`;
      ctx.report({
        path: `spec.${key}`,
        span: spanAt(ctx, `spec.${key}`, 'key'),
        message: n === 1
          ? t("policyTypes is {0}, which leaves out {1}: this {2} rule is ignored, and this policy does not restrict the selected pods' {2} at all. Add {1} to policyTypes to enforce it, or delete it", written, dir, key)
          : t("policyTypes is {0}, which leaves out {1}: these {3} {2} rules are ignored, and this policy does not restrict the selected pods' {2} at all. Add {1} to policyTypes to enforce them, or delete them", written, dir, key, n),
        fix: addTypeFix(ctx, dir),
      });
    }
  },
};

function addTypeFix(ctx: RuleContext, dir: 'Ingress' | 'Egress') {
  const spec = getEntry(ctx.doc.node, 'spec')?.value;
  const seq = spec?.kind === 'map' ? getEntry(spec, 'policyTypes')?.value : undefined;
  if (!spec || seq?.kind !== 'seq' || !within(spec, ctx.doc.node) || !within(seq, spec) || !seq.items.length) return undefined;
  const title = t('Add {0} to policyTypes', dir);
  const text = ctx.text;
  if (seq.flow) {
    const have = new Set(seq.items.map((i) => (i.kind === 'scalar' ? i.text : '')));
    have.add(dir);
    return { title, edits: [{ span: seq.span, newText: flow(TYPES.filter((t) => have.has(t))) }] };
  }
  const dash = seq.span.start;
  if (text[dash] !== '-' || !onlyBlankBefore(text, dash)) return undefined;
  const indent = text.slice(text.lastIndexOf('\n', dash - 1) + 1, dash);
  const eol = eolOf(text);
  if (dir === 'Ingress') return { title, edits: [{ span: { start: dash, end: dash }, newText: `- Ingress${eol}${indent}` }] };
  const at = afterNode(text, seq.span);
  return { title, edits: [{ span: { start: at, end: at }, newText: `${eol}${indent}- Egress` }] };
}
