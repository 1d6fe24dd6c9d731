/**
 * NP003 yaml-too-complex: the document expands beyond what we (and Kubernetes) will read: an
 * alias bomb, absurd nesting. Analysis of the document stops; the rest of the file is still read.
 */
import type { Rule } from './rule';
import { t } from '../l10n';

export const yamlTooComplex: Rule = {
  meta: { code: 'NP003', slug: 'yaml-too-complex', severity: 'error', title: 'Document too large or too deeply nested to analyse', fixable: false, source: 'go-yaml "document contains excessive aliasing"; resource limits' },
  scope: 'yaml',
  check(ctx) {
    for (const p of ctx.doc.yaml.problems) if (p.kind === 'too-complex') ctx.report({ span: p.span, message: t('{0}; this document was not analysed', p.message) });
  },
};
