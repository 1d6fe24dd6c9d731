/**
 * NP103 yaml11-implicit-type: an unquoted scalar that YAML 1.1 (what kubectl uses) reads as a
 * boolean or number, in a field that wants a string: `app: yes`, `version: 1.10`, `name: 0x1F`.
 * kubectl rejects it ("cannot unmarshal bool into ... of type string"). The fix quotes it.
 */
import type { Rule } from './rule';
import { quoteEdit } from './util';
import { kubectlText, t } from '../l10n';

const BOOL_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export const yaml11ImplicitType: Rule = {
  meta: { code: 'NP103', slug: 'yaml11-implicit-type', severity: 'error', title: 'Unquoted value read as a boolean or number where a string is needed', fixable: true, source: 'go-yaml v2 (YAML 1.1) resolution + API server decoding' },
  scope: 'policy',
  check(ctx) {
    for (const e of ctx.doc.decoded?.typeErrors ?? []) {
      if (!e.implicit || !e.wantsString) continue;
      const { text, resolvedAs } = e.implicit;
      const why = resolvedAs === 'bool'
        ? BOOL_WORDS.test(text) ? t('unquoted {0} is a boolean in YAML 1.1, which kubectl uses', text) : t('unquoted {0} is a boolean', text)
        : t('unquoted {0} is a number in YAML', text);
      ctx.report({
        path: e.path,
        span: e.span,
        message: t('{0} ({1}; quote it: {2})', kubectlText(e.detail), why, JSON.stringify(text)),
        fix: { title: t('Quote {0} as the string {1}', text, JSON.stringify(text)), edits: [quoteEdit(e.span, text)] },
      });
    }
  },
};
