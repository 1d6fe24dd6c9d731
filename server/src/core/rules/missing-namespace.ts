/**
 * NP300 missing-namespace: without metadata.namespace the policy lands in whatever namespace
 * kubectl's current context points at, and selects pods there. The API server accepts it (it
 * fills the namespace from the request), and most published examples (every default-deny of the
 * Kubernetes docs) leave it out, so this is information, not a warning.
 */
import type { Rule } from './rule';
import { spanAt } from './util';
import { t } from '../l10n';

export const missingNamespace: Rule = {
  meta: { code: 'NP300', slug: 'missing-namespace', severity: 'info', title: 'metadata.namespace not set', fixable: false, source: 'cyclonus CheckSourceMissingNamespace; kubectl fills the namespace from the context' },
  scope: 'policy',
  check(ctx) {
    const v = ctx.doc.decoded?.value;
    if (!v || v.metadata?.namespace) return;
    // A namespace (or metadata) of the wrong type is written, just not decodable: NP102/NP103 say so.
    if (ctx.doc.decoded?.typeErrors.some((e) => e.path === 'metadata' || e.path === 'metadata.namespace')) return;
    ctx.report({ span: spanAt(ctx, 'metadata.namespace'), message: t("metadata.namespace is not set: the policy applies to the namespace of kubectl's current context (or -n), whichever that is when it is applied") });
  },
};
