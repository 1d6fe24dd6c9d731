/**
 * NP002 duplicate-key: the same key twice in one mapping. Lenient loaders keep the last one and
 * silently drop the first (a second `ports:` erases the first); strict decoding rejects it.
 */
import type { Rule } from './rule';

export const duplicateKey: Rule = {
  meta: { code: 'NP002', slug: 'duplicate-key', severity: 'error', title: 'Duplicate key in a mapping', fixable: false, source: 'strict decoding (kubectl --validate=strict): duplicate field' },
  scope: 'yaml',
  check(ctx) {
    for (const p of ctx.doc.yaml.problems) {
      if (p.kind !== 'duplicate-key') continue;
      const key = ctx.text.slice(p.span.start, p.span.end);
      ctx.report({ span: p.span, message: `duplicate key ${JSON.stringify(key)}: only one value would be kept; strict decoding rejects the document` });
    }
  },
};
