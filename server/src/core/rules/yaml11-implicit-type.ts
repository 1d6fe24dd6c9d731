/**
 * NP103 yaml11-implicit-type: an unquoted scalar that YAML 1.1 (what kubectl uses) reads as a
 * boolean or number, in a field that wants a string: `app: yes`, `version: 1.10`, `name: 0x1F`.
 * kubectl rejects it ("cannot unmarshal bool into ... of type string"). The fix quotes it.
 *
 * The same holds for the Pods, workloads and Namespaces the workspace reads (`namespace: yes`,
 * `name: 1.10`, a label `app: on`): kubectl refuses the whole object, so the inventory leaves it
 * out (model/inventory.ts) and `inventoryFindings` says so on the object, from analyze.ts.
 */
import type { Finding, Rule } from './rule';
import { quoteEdit } from './util';
import { kubectlText, t } from '../l10n';
import type { YDocument } from '../syntax/tree';
import { inventoryObjects, inventoryTypeErrors } from '../model/inventory';

const BOOL_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

function why(text: string, resolvedAs: 'bool' | 'int' | 'float'): string {
  return resolvedAs === 'bool'
    ? BOOL_WORDS.test(text) ? t('unquoted {0} is a boolean in YAML 1.1, which kubectl uses', text) : t('unquoted {0} is a boolean', text)
    : t('unquoted {0} is a number in YAML', text);
}

/** NP103 findings on the Pods, workloads and Namespaces of one YAML document. */
export function inventoryFindings(doc: YDocument): Finding[] {
  const out: Finding[] = [];
  if (doc.truncated) return out;
  inventoryObjects(doc.root, (node, kind) => {
    for (const e of inventoryTypeErrors(node, kind)) {
      const consequence = t('kubectl refuses the whole {0}, so it is never applied: NetworkPolicy Lens leaves it out of the workspace (traffic, matrix, hover)', kind);
      out.push({
        path: e.path,
        span: e.span,
        message: e.plain
          ? t('{0} ({1}; quote it: {2})', kubectlText(e.detail), why(e.text, e.resolvedAs), JSON.stringify(e.text)) + ' ' + consequence
          : `${kubectlText(e.detail)} ${consequence}`,
        fix: e.plain ? { title: t('Quote {0} as the string {1}', e.text, JSON.stringify(e.text)), edits: [quoteEdit(e.span, e.text)] } : undefined,
      });
    }
  });
  return out;
}

export const yaml11ImplicitType: Rule = {
  meta: { code: 'NP103', slug: 'yaml11-implicit-type', severity: 'error', title: 'Unquoted value read as a boolean or number where a string is needed', fixable: true, source: 'go-yaml v2 (YAML 1.1) resolution + API server decoding' },
  scope: 'policy',
  check(ctx) {
    for (const e of ctx.doc.decoded?.typeErrors ?? []) {
      if (!e.implicit || !e.wantsString) continue;
      const { text, resolvedAs } = e.implicit;
      ctx.report({
        path: e.path,
        span: e.span,
        message: t('{0} ({1}; quote it: {2})', kubectlText(e.detail), why(text, resolvedAs), JSON.stringify(text)),
        fix: { title: t('Quote {0} as the string {1}', text, JSON.stringify(text)), edits: [quoteEdit(e.span, text)] },
      });
    }
  },
};
