/**
 * NP102 invalid-type: a value of the wrong JSON type for its field (a list where a map belongs,
 * a string for endPort, a fraction for a port). The API server cannot decode the object and
 * rejects it with the Go JSON decoder's message.
 */
import type { Rule } from './rule';
import { kubectlText } from '../l10n';

export const invalidType: Rule = {
  meta: { code: 'NP102', slug: 'invalid-type', severity: 'error', title: 'Value of the wrong type for its field', fixable: false, source: 'API server decoding (encoding/json UnmarshalTypeError)' },
  scope: 'policy',
  check(ctx) {
    for (const e of ctx.doc.decoded?.typeErrors ?? []) {
      if (e.implicit && e.wantsString) continue; // NP103 explains these.
      ctx.report({ path: e.path, span: e.span, message: kubectlText(e.detail) });
    }
  },
};
