/**
 * NP100 unsupported-api-version: a NetworkPolicy under an apiVersion the API server does not
 * serve. extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16; only
 * networking.k8s.io/v1 exists now. A missing apiVersion is rejected by kubectl before sending.
 */
import type { Rule } from './rule';
import { t, tPair, kubectlText } from '../l10n';

export const unsupportedApiVersion: Rule = {
  meta: { code: 'NP100', slug: 'unsupported-api-version', severity: 'error', title: 'NetworkPolicy under an apiVersion the API server does not serve', fixable: true, source: 'API discovery: networking.k8s.io/v1 only (extensions/v1beta1 removed in 1.16)' },
  scope: 'policy',
  check(ctx) {
    const v = ctx.doc.apiVersion;
    if (v === 'networking.k8s.io/v1') return;
    const entry = ctx.doc.node.entries.find((e) => e.key === 'apiVersion');
    if (v === undefined) {
      ctx.report({ path: 'apiVersion', span: entry?.value?.span ?? entry?.keySpan ?? ctx.doc.anchor, message: t('apiVersion not set: use networking.k8s.io/v1') });
      return;
    }
    const valueSpan = entry?.value?.span ?? ctx.doc.anchor;
    const removed = v === 'extensions/v1beta1' ? t(' (extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16)') : '';
    ctx.report({
      path: 'apiVersion',
      span: valueSpan,
      message: t('{0}{1}: use networking.k8s.io/v1', kubectlText(tPair('no matches for kind "NetworkPolicy" in version {0}', JSON.stringify(v))), removed),
      fix: { title: t('Change apiVersion to networking.k8s.io/v1'), edits: [{ span: valueSpan, newText: 'networking.k8s.io/v1' }] },
    });
  },
};
