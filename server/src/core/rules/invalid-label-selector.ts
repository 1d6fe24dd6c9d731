/**
 * NP203 invalid-label-selector: the API server's checks on every label selector of the policy
 * (spec.podSelector and each peer's podSelector / namespaceSelector): label keys and values in
 * matchLabels, and in matchExpressions the operator (In, NotIn, Exists, DoesNotExist; case
 * matters), values present exactly when the operator needs them, the key and each value.
 * Mirrors ValidateLabelSelector with AllowInvalidLabelValueInSelector=false (create).
 */
import type { Rule, RuleContext } from './rule';
import type { LabelSelector } from '../model/types';
import { forbidden, invalid, required } from '../k8s/fieldErrors';
import { isQualifiedName, isValidLabelValue } from '../k8s/names';
import { selectorsOf, spanAt } from './util';
import { tPair } from '../l10n';

function checkSelector(ctx: RuleContext, sel: LabelSelector, path: string): void {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    const at = `${path}.matchLabels`;
    for (const msg of isQualifiedName(k)) ctx.report({ path: at, span: spanAt(ctx, `${at}[${k}]`, 'key'), message: invalid(k, msg) });
    for (const msg of isValidLabelValue(v)) ctx.report({ path: at, span: spanAt(ctx, `${at}[${k}]`), message: invalid(v, msg) });
  }
  (sel.matchExpressions ?? []).forEach((req0, i) => {
    const req = req0 ?? {};
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    const op = req.operator ?? '';
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) ctx.report({ path: `${p}.values`, span: spanAt(ctx, `${p}.values`, 'key'), message: required(tPair("must be specified when `operator` is 'In' or 'NotIn'")) });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) ctx.report({ path: `${p}.values`, span: spanAt(ctx, `${p}.values`, 'key'), message: forbidden(tPair("may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) });
    } else {
      ctx.report({ path: `${p}.operator`, span: spanAt(ctx, `${p}.operator`), message: invalid(op, tPair('not a valid selector operator')) });
    }
    const key = req.key ?? '';
    for (const msg of isQualifiedName(key)) ctx.report({ path: `${p}.key`, span: spanAt(ctx, `${p}.key`), message: invalid(key, msg) });
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) ctx.report({ path: `${p}.values[${j}]`, span: spanAt(ctx, `${p}.values[${j}]`), message: invalid(v, msg) });
    });
  });
}

export const invalidLabelSelector: Rule = {
  meta: { code: 'NP203', slug: 'invalid-label-selector', severity: 'error', title: 'Invalid label selector', fixable: false, source: 'ValidateLabelSelector / ValidateLabelSelectorRequirement (apimachinery meta/v1/validation)' },
  scope: 'policy',
  check(ctx) {
    for (const { selector, path } of selectorsOf(ctx)) checkSelector(ctx, selector, path);
  },
};
