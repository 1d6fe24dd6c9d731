/**
 * NP301 yaml11-key-coerced: an unquoted label key that YAML 1.1 (kubectl) reads as a boolean,
 * number or null and Kubernetes then turns into a string: `yes: x` becomes the label key "true",
 * `on:` too, `0x10:` becomes "16". The API server accepts it, so the selector silently matches
 * a different label. The fix quotes the key.
 */
import type { Rule } from './rule';
import { quoteEdit } from './util';
import { t } from '../l10n';

export const yaml11KeyCoerced: Rule = {
  meta: { code: 'NP301', slug: 'yaml11-key-coerced', severity: 'warning', title: 'Unquoted key that Kubernetes reads as a different string', fixable: true, source: 'go-yaml v2 (YAML 1.1) + sigs.k8s.io/yaml key conversion' },
  scope: 'policy',
  check(ctx) {
    for (const k of ctx.doc.decoded?.coercedKeys ?? []) {
      ctx.report({
        path: k.path,
        span: k.span,
        message: t('the unquoted key {0} is read by kubectl (YAML 1.1) as {1}, so this is the label key {1}; quote it to mean {2}', k.writtenAs, JSON.stringify(k.key), JSON.stringify(k.writtenAs)),
        fix: { title: t('Quote the key as {0}', JSON.stringify(k.writtenAs)), edits: [quoteEdit(k.span, k.writtenAs)] },
      });
    }
  },
};
