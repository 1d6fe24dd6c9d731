/**
 * NP001 yaml-syntax: the YAML parser could not read part of the document. kubectl would stop
 * with "error converting YAML to JSON", so nothing in this document reaches the cluster.
 */
import type { Rule } from './rule';
import { t } from '../l10n';

export const yamlSyntax: Rule = {
  meta: { code: 'NP001', slug: 'yaml-syntax', severity: 'error', title: 'YAML syntax error', fixable: false, source: 'YAML 1.1/1.2 grammar; kubectl rejects the file' },
  scope: 'yaml',
  check(ctx) {
    for (const p of ctx.doc.yaml.problems) if (p.kind === 'syntax') ctx.report({ span: p.span, message: t('YAML syntax error: {0}', p.message) });
  },
};
