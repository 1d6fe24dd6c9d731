/**
 * NP100 unsupported-api-version: a NetworkPolicy under an apiVersion the API server does not
 * serve. extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16; only
 * networking.k8s.io/v1 exists now. A missing apiVersion is rejected by kubectl before sending.
 */
import type { Rule } from './rule';

export const unsupportedApiVersion: Rule = {
  meta: { code: 'NP100', slug: 'unsupported-api-version', severity: 'error', title: 'NetworkPolicy under an apiVersion the API server does not serve', fixable: true, source: 'API discovery: networking.k8s.io/v1 only (extensions/v1beta1 removed in 1.16)' },
  scope: 'policy',
  check(ctx) {
    const v = ctx.doc.apiVersion;
    if (v === 'networking.k8s.io/v1') return;
    const entry = ctx.doc.node.entries.find((e) => e.key === 'apiVersion');
    if (v === undefined) {
      ctx.report({ path: 'apiVersion', span: entry?.value?.span ?? entry?.keySpan ?? ctx.doc.anchor, message: 'apiVersion not set: use networking.k8s.io/v1' });
      return;
    }
    const valueSpan = entry?.value?.span ?? ctx.doc.anchor;
    const removed = v === 'extensions/v1beta1' ? ' (extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16)' : '';
    ctx.report({
      path: 'apiVersion',
      span: valueSpan,
      message: `no matches for kind "NetworkPolicy" in version ${JSON.stringify(v)}${removed}: use networking.k8s.io/v1`,
      fix: { title: 'Change apiVersion to networking.k8s.io/v1', edits: [{ span: valueSpan, newText: 'networking.k8s.io/v1' }] },
    });
  },
};
