/**
 * NP101 unknown-field: a field NetworkPolicy does not have, usually a typo (`form:` for `from:`)
 * or a field at the wrong indentation. The API server's strict field validation rejects it; a
 * lenient apply would silently drop it, and with it the rule the user meant to write.
 *
 * A top-level `status` (removed in Kubernetes 1.28, written by `kubectl get -o yaml` of older
 * clusters) is rejected the same way, but it changes nothing the policy says: analyze.ts does not
 * hold back the other findings for it, so one round of fixes suffices.
 */
import type { Rule } from './rule';
import { kubectlText, t, tPair } from '../l10n';
import { isStatusField } from './util';

export const unknownField: Rule = {
  meta: { code: 'NP101', slug: 'unknown-field', severity: 'error', title: 'Field not in the NetworkPolicy schema', fixable: false, source: 'strict decoding (fieldValidation=Strict): unknown field' },
  scope: 'policy',
  check(ctx) {
    for (const f of ctx.doc.decoded?.unknownFields ?? []) {
      const note = f.writtenAs !== undefined
        ? t(' (YAML 1.1 reads the key {0} as {1})', f.writtenAs, f.key)
        : isStatusField(f) ? t(' (NetworkPolicy has no status since Kubernetes 1.28; `kubectl get -o yaml` of older clusters writes it. Delete it: the API server rejects the policy before validating anything, and the other findings here are what it reports once status is gone)') : '';
      ctx.report({ path: f.path, span: f.span, message: kubectlText(tPair('strict decoding error: unknown field {0}', JSON.stringify(f.path))) + note });
    }
  },
};
