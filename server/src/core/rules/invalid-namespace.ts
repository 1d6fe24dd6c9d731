/**
 * NP201 invalid-namespace: metadata.namespace, when written, must be a lowercase RFC 1123 label
 * (at most 63 bytes, no dots). Mirrors ValidateObjectMeta's ValidateNamespaceName.
 */
import type { Rule } from './rule';
import { invalid } from '../k8s/fieldErrors';
import { nameIsDNSLabel } from '../k8s/names';
import { spanAt } from './util';

export const invalidNamespace: Rule = {
  meta: { code: 'NP201', slug: 'invalid-namespace', severity: 'error', title: 'Invalid metadata.namespace', fixable: false, source: 'ValidateObjectMeta + ValidateNamespaceName (NameIsDNSLabel)' },
  scope: 'policy',
  check(ctx) {
    const ns = ctx.doc.decoded?.value.metadata?.namespace;
    if (!ns) return;
    for (const msg of nameIsDNSLabel(ns, false)) ctx.report({ path: 'metadata.namespace', span: spanAt(ctx, 'metadata.namespace'), message: invalid(ns, msg) });
  },
};
