/**
 * NP103 yaml11-implicit-type: an unquoted scalar that YAML 1.1 (what kubectl uses) reads as a
 * boolean or number, in a field that wants a string: `app: yes`, `version: 1.10`, `name: 0x1F`.
 * kubectl rejects it ("cannot unmarshal bool into ... of type string"). The fix quotes it.
 */
import type { Rule } from './rule';
import { quoteEdit } from './util';

const BOOL_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export const yaml11ImplicitType: Rule = {
  meta: { code: 'NP103', slug: 'yaml11-implicit-type', severity: 'error', title: 'Unquoted value read as a boolean or number where a string is needed', fixable: true, source: 'go-yaml v2 (YAML 1.1) resolution + API server decoding' },
  scope: 'policy',
  check(ctx) {
    for (const t of ctx.doc.decoded?.typeErrors ?? []) {
      if (!t.implicit || !t.wantsString) continue;
      const { text, resolvedAs } = t.implicit;
      const why = resolvedAs === 'bool'
        ? BOOL_WORDS.test(text) ? `unquoted ${text} is a boolean in YAML 1.1, which kubectl uses` : `unquoted ${text} is a boolean`
        : `unquoted ${text} is a number in YAML`;
      ctx.report({
        path: t.path,
        span: t.span,
        message: `${t.message} (${why}; quote it: ${JSON.stringify(text)})`,
        fix: { title: `Quote ${text} as the string ${JSON.stringify(text)}`, edits: [quoteEdit(t.span, text)] },
      });
    }
  },
};
